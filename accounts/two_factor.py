"""Two-factor authentication: enrolment of an authenticator app, codes, recovery codes.

Every write on a user's devices goes through these functions, which journal what they change.
"""

import logging
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.errors import ApplicationError
from core.journal import journal_record

from .models import STAFF_ROLES, User

logger = logging.getLogger(__name__)

DEVICE_NAME = "Application d'authentification"
RECOVERY_DEVICE_NAME = "Codes de secours"


def confirmed_totp_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_device(user):
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_device_shown(*, user, key=None):
    """The app the enrolment page shows, unsaved: its secret (`key`, kept in the person's
    session) is saved with the first code typed, so that opening the page writes nothing."""
    device = TOTPDevice(user=user, name=DEVICE_NAME, confirmed=False)
    if key:
        device.key = key
    return device


def manual_secret(device):
    """The secret in base 32, by groups of four, for apps that cannot read the QR code."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def qr_code_svg(device):
    """The enrolment QR code as inline SVG: drawn on the server, no script, no image request."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2
    )
    # The SVG is qrcode's own markup: the account's name is encoded in the modules' pattern,
    # never written as text, so nothing a user typed reaches the page unescaped.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308  # nosec B308 B703


def _normalised(code):
    return "".join((code or "").split()).replace("-", "").lower()


def _refused(device, user):
    device.refresh_from_db()
    logger.warning(
        "Wrong two-factor code for user %s (%s consecutive failures)",
        user.pk,
        device.throttling_failure_count,
    )
    message = _("Ce code n'est pas valable.")
    if isinstance(device, TOTPDevice):
        message = _("Ce code n'est pas valable. Vérifiez l'heure de votre téléphone et réessayez.")
    return ApplicationError(message, field="code", code="invalid")


def _throttled(device):
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    until = timezone.localtime(details["locked_until"])
    return ApplicationError(
        _("Trop de codes erronés : par sécurité, attendez jusqu'à %(time)s avant de réessayer.")
        % {"time": formats.time_format(until, "H:i:s")},
        field="code",
        code="throttled",
    )


def _check(device, user, code):
    """Verify `code` on `device` (locked row, throttled); raise a clear error when refused.

    Never call this inside a transaction that the error rolls back: the failure count would go.
    """
    refusal = _throttled(device)
    if refusal:
        raise refusal
    if verify_token(user, device.persistent_id, code) is None:
        raise _refused(device, user)


def otp_code_verify(*, user, code):
    """The device that accepts this code: the app's 6 digits, or a single-use recovery code."""
    code = _normalised(code)
    if code.isdigit() and len(code) == 6:
        device = confirmed_totp_device(user)
    else:
        device = recovery_device(user)
    if device is None:
        raise ApplicationError(_("Ce code n'est pas valable."), field="code", code="invalid")
    _check(device, user, code)
    return device


def _recovery_codes_create(user):
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _index in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_enrol(*, user, key, code):
    """Confirm the app whose secret the page showed with its first code; returns the device
    and the recovery codes, to be shown once. The unconfirmed device is saved by the first
    code typed, so that wrong codes are counted on it (throttling)."""
    with transaction.atomic():
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, key=key, defaults={"name": DEVICE_NAME}
        )
    # Checked in its own transaction: a failure must stay counted for the throttling.
    _check(device, user, _normalised(code))
    with transaction.atomic():
        return _enrolment_confirm(user, device)


def _enrolment_confirm(user, device):
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _recovery_codes_create(user)
    User.objects.filter(pk=user.pk).update(two_factor_enabled=True)
    user.two_factor_enabled = True
    journal_record(target=user, actor=user, action="two_factor.enrol")
    return device, codes


@transaction.atomic
def recovery_codes_regenerate(*, user):
    """New recovery codes; the previous ones stop working at once."""
    if confirmed_totp_device(user) is None:
        raise ApplicationError(_("La double authentification n'est pas activée sur ce compte."))
    codes = _recovery_codes_create(user)
    journal_record(target=user, actor=user, action="two_factor.recovery_codes")
    return codes


@transaction.atomic
def two_factor_disable(*, actor, user):
    """A director turns two-factor authentication off; ministry staff cannot."""
    if user.role in STAFF_ROLES:
        raise ApplicationError(
            _("La double authentification est obligatoire pour votre rôle."), code="mandatory"
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(two_factor_enabled=False)
    user.two_factor_enabled = False
    journal_record(target=user, actor=actor, action="two_factor.disable")
    return user


@transaction.atomic
def two_factor_reset(*, actor, user):
    """An administrator removes the app of someone who lost their phone and recovery codes.

    Staff set up a new app at their next login; a director is back to the password alone.
    """
    if not actor.is_administrator or actor.pk == user.pk:
        raise ApplicationError(
            _(
                "Seul un administrateur peut réinitialiser la double authentification d'une autre personne."
            )
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(two_factor_enabled=False)
    user.two_factor_enabled = False
    journal_record(
        target=user, actor=actor, action="two_factor.disable", message=_("Réinitialisation")
    )
    return user
