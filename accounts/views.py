import unicodedata

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from core.errors import ApplicationError
from core.permissions import permission_required

from . import services, two_factor
from .forms import (
    EmailForm,
    InvitationForm,
    LoginForm,
    PortalPasswordResetForm,
    ProfileForm,
    RegistrationForm,
)
from .middleware import second_step_url
from .models import STAFF_ROLES, User
from .selectors import email_verification_user, user_list
from .throttling import ratelimit_email, ratelimit_ip

# Forms that send an e-mail: at most 10 an hour from one client, 3 an hour to one address.
TOO_MANY = _lazy(
    "Trop de demandes ont été envoyées depuis votre connexion ou pour cette adresse. "
    "Réessayez dans une heure."
)


def limit_mail_forms(view):
    view = ratelimit(key=ratelimit_email, rate="3/h", method="POST", block=False)(view)
    return ratelimit(key=ratelimit_ip, rate="10/h", method="POST", block=False)(view)


def _is_limited(request):
    return request.method == "POST" and getattr(request, "limited", False)


def _with_language_cookie(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if user.two_factor_required:
            # The password is only the first step: the code page (or enrolment) comes next.
            response = redirect(second_step_url(user, self.get_success_url()))
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in dict(settings.LANGUAGES):
            # A language picked just before logging in wins, and becomes the preference.
            services.user_language_set(user=user, language=chosen)
            return response
        return _with_language_cookie(response, user.preferred_language)


@limit_mail_forms
def register(request):
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    # Bound on any POST, even empty: the rate-limit error below needs a bound form.
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if _is_limited(request):
        form.is_valid()
        form.add_error(None, TOO_MANY)
        return render(request, "accounts/register.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_register_director(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password1"],
                language=form.cleaned_data["preferred_language"],
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            request.session["registered_email"] = user.email
            return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


def register_done(request):
    email = request.session.get("registered_email")
    return render(request, "accounts/register_done.html", {"email": email})


def _link_refused(request, error):
    if error.code == "used":
        messages.info(request, error.message)
        return redirect("accounts:login")
    return render(request, "accounts/verify_failed.html", {"error": error}, status=400)


def verify_email(request, token):
    """The link of the e-mail shows the address and a button: the account is verified by the
    person's click (POST), never by the opening of the link, which mail scanners do too."""
    if request.method != "POST":
        try:
            user = email_verification_user(token)
        except ApplicationError as error:
            return _link_refused(request, error)
        return render(request, "accounts/verify_confirm.html", {"email": user.email})
    try:
        services.user_verify_email(token=token)
    except ApplicationError as error:
        if error.code != "used":
            messages.error(request, error.message)
        return _link_refused(request, error)
    messages.success(
        request, _("Votre adresse e-mail est vérifiée. Vous pouvez maintenant vous connecter.")
    )
    return redirect("accounts:login")


@limit_mail_forms
def verification_resend(request):
    # Bound on any POST, even empty: the rate-limit error below needs a bound form.
    form = EmailForm(request.POST if request.method == "POST" else None)
    if _is_limited(request):
        form.is_valid()
        form.add_error(None, TOO_MANY)
        return render(request, "accounts/verification_resend.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        services.verification_mail_resend(email=form.cleaned_data["email"])
        messages.info(
            request,
            _(
                "Si un compte non vérifié existe pour cette adresse, "
                "un nouveau lien vient de lui être envoyé."
            ),
        )
        return redirect("accounts:login")
    return render(request, "accounts/verification_resend.html", {"form": form})


@login_required
def profile(request):
    # A copy: an invalid form must not show unsaved values in the page header.
    account = User.objects.get(pk=request.user.pk)
    form = ProfileForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        user = services.user_profile_update(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            phone=form.cleaned_data["phone"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        messages.success(request, _("Votre profil a été enregistré."))
        return _with_language_cookie(redirect("accounts:profile"), user.preferred_language)
    return render(
        request, "accounts/profile.html", {"form": form, "two_factor": _two_factor_status(account)}
    )


def _two_factor_status(user):
    enabled = two_factor.confirmed_totp_device(user) is not None
    return {
        "enabled": enabled,
        "mandatory": user.role in STAFF_ROLES,
        "codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
    }


def _next_page(request):
    """The page to go back to: a path of this site, else the home page. Not redirect(),
    which would take a bare word for a URL name; no control character, which would break
    the Location header."""
    next_url = request.POST.get("next") or "/"
    if (
        not next_url.startswith("/")
        or any(unicodedata.category(character) == "Cc" for character in next_url)
        or not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return "/"
    return next_url


@require_POST
def language_set(request):
    """Switch the interface language, and remember it in the profile when signed in."""
    language = request.POST.get("language")
    response = HttpResponseRedirect(_next_page(request))
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=language)
    return _with_language_cookie(response, language)


@permission_required("accounts.list_users")
def users(request):
    page = Paginator(user_list(), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page})


@permission_required("accounts.invite_user")
def invite(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_invite(inviter=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("L'invitation a été envoyée à %(email)s.") % {"email": user.email},
            )
            return redirect("accounts:user_list")
    return render(request, "accounts/invite.html", {"form": form})


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/invitation_accept.html"
    success_url = reverse_lazy("accounts:login")
    reset_url_token = "definir-mot-de-passe"  # noqa: S105 -- a URL segment  # nosec B105

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_invitation_accept(user=form.user)
        messages.success(
            self.request, _("Votre mot de passe est enregistré. Vous pouvez vous connecter.")
        )
        return response


@method_decorator(limit_mail_forms, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if _is_limited(self.request):
            form.add_error(None, TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request, _("Votre nouveau mot de passe est enregistré. Connectez-vous.")
        )
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Votre mot de passe a été modifié."))
        return response


@permission_required("accounts.invite_user")
@require_POST
def invitation_resend(request, pk):
    user = get_object_or_404(User, pk=pk)
    try:
        services.invitation_resend(actor=request.user, user=user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Une nouvelle invitation a été envoyée à %(email)s.") % {"email": user.email}
        )
    return redirect("accounts:user_list")
