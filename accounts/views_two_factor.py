"""The second factor at login, its enrolment and recovery codes; the password confirmation
asked before sensitive actions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from core.errors import ApplicationError
from core.permissions import permission_required

from . import sessions, two_factor
from .decorators import recent_login_required
from .forms import EnrolmentCodeForm, OTPCodeForm, PasswordConfirmForm
from .models import STAFF_ROLES, User

# Recovery codes wait here between their creation and the one page that shows them.
RECOVERY_CODES = "recovery_codes_once"
# The secret of the app being enrolled, until its first code confirms it.
PENDING_APP = "two_factor_pending_app"


def _next_url(request):
    chosen = request.POST.get("next") or request.GET.get("next")
    return sessions.safe_next(request, chosen) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _verified(request, device):
    # A new session key once both factors are given: one fixed before then is worth nothing.
    request.session.cycle_key()
    otp_login(request, device)


@never_cache
@login_required
def otp_verify(request):
    user, next_url = request.user, _next_url(request)
    if not user.two_factor_required or user.is_verified():
        return redirect(next_url)
    if two_factor.confirmed_totp_device(user) is None:
        return redirect(sessions.with_next(reverse("accounts:otp_enrol"), next_url))
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.otp_code_verify(user=user, code=form.cleaned_data["code"])
        except ApplicationError as error:
            form.add_error("code", error.message)
        else:
            _verified(request, device)
            if isinstance(device, StaticDevice):
                _recovery_code_used(request, user)
            return redirect(next_url)
    context = {"form": form, "next_url": next_url, "show_navigation": False}
    return render(request, "accounts/otp_verify.html", context)


def _recovery_code_used(request, user):
    left = two_factor.recovery_codes_left(user)
    messages.warning(
        request,
        ngettext(
            "Vous vous êtes connecté avec un code de secours, qui ne servira plus. "
            "Il vous en reste %(count)s : régénérez-les depuis votre profil si besoin.",
            "Vous vous êtes connecté avec un code de secours, qui ne servira plus. "
            "Il vous en reste %(count)s : régénérez-les depuis votre profil si besoin.",
            left,
        )
        % {"count": left},
    )


@never_cache
@login_required
def otp_enrol(request):
    user, next_url = request.user, _next_url(request)
    if two_factor.confirmed_totp_device(user) is not None:
        # A second app is never added with the password alone: the first one is asked.
        if user.is_verified():
            return redirect(next_url)
        return redirect(sessions.with_next(reverse("accounts:otp_verify"), next_url))
    # The secret stays the same until it is confirmed, across reloads, in the session.
    device = two_factor.totp_device_shown(user=user, key=request.session.get(PENDING_APP))
    request.session[PENDING_APP] = device.key
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = two_factor.two_factor_enrol(
                user=user, key=device.key, code=form.cleaned_data["code"]
            )
        except ApplicationError as error:
            form.add_error("code", error.message)
        else:
            _verified(request, device)
            request.session.pop(PENDING_APP, None)
            request.session[RECOVERY_CODES] = codes
            messages.success(request, _("La double authentification est activée."))
            return redirect(sessions.with_next(reverse("accounts:recovery_codes"), next_url))
    context = {
        "form": form,
        "next_url": next_url,
        "qr_code": two_factor.qr_code_svg(device),
        "secret": two_factor.manual_secret(device),
        "mandatory": user.role in STAFF_ROLES,
        # The menu leads nowhere until the code is given: hidden rather than bouncing back.
        "show_navigation": not user.two_factor_required,
    }
    return render(request, "accounts/otp_enrol.html", context)


@never_cache
@login_required
def recovery_codes(request):
    """Shows new recovery codes once; a reload finds them gone."""
    codes = request.session.pop(RECOVERY_CODES, None)
    if not codes:
        messages.info(
            request,
            _(
                "Les codes de secours ne s'affichent qu'une fois. "
                "Régénérez-les si vous ne les avez plus."
            ),
        )
        return redirect("accounts:profile")
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next_url": _next_url(request)}
    )


@require_POST
@login_required
@recent_login_required
def recovery_codes_regenerate(request):
    try:
        codes = two_factor.recovery_codes_regenerate(user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("accounts:profile")
    request.session[RECOVERY_CODES] = codes
    messages.success(request, _("Vos anciens codes de secours ne fonctionnent plus."))
    return redirect(
        sessions.with_next(reverse("accounts:recovery_codes"), reverse("accounts:profile"))
    )


@require_POST
@login_required
@recent_login_required
def two_factor_disable(request):
    try:
        two_factor.two_factor_disable(actor=request.user, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("La double authentification est désactivée."))
    return redirect("accounts:profile")


@never_cache
@login_required
def password_confirm(request):
    next_url = _next_url(request)
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Through authenticate(), so that django-axes counts the failures and locks out.
        user = authenticate(
            request, username=request.user.email, password=form.cleaned_data["password"]
        )
        if user is not None and user.pk == request.user.pk:
            sessions.password_given_remember(request)
            return redirect(next_url)
        form.add_error("password", _("Mot de passe incorrect."))
    return render(request, "accounts/password_confirm.html", {"form": form, "next_url": next_url})


@require_POST
@permission_required("accounts.reset_two_factor")
@recent_login_required
def two_factor_reset(request, pk):
    account = get_object_or_404(User, pk=pk)
    try:
        two_factor.two_factor_reset(actor=request.user, user=account)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "La double authentification de %(email)s est réinitialisée : "
                "une nouvelle application sera demandée à sa prochaine connexion."
            )
            % {"email": account.email},
        )
    return redirect("accounts:user_list")
