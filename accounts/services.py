"""Every write on accounts goes through these functions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.mail import mail_queue
from core.services import full_clean_or_refuse

from .models import STAFF_ROLES, Role, User
from .selectors import email_is_taken, email_verification_user, link_used_error
from .tokens import email_verification_token

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from core.models import OutgoingMail


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _duplicate_email_error() -> ApplicationError:
    return ApplicationError(
        _("Un compte existe déjà avec cette adresse e-mail."), field="email", code="duplicate"
    )


@transaction.atomic
def user_register_director(
    *, email: str, full_name: str, password: str, phone: str = "", language: str
) -> User:
    """Create a director's account, unverified until the link sent by e-mail is followed."""
    if email_is_taken(email):
        raise _duplicate_email_error()
    user = User(
        email=User.objects.normalize_email(email),
        full_name=full_name.strip(),
        phone=phone.strip(),
        preferred_language=language,
        role=Role.DIRECTOR,
    )
    user.set_password(password)
    full_clean_or_refuse(user)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # Two registrations with one address at the same instant: the database decides.
        raise _duplicate_email_error() from exc
    verification_mail_queue(user=user)
    return user


def verification_mail_queue(*, user: User) -> OutgoingMail:
    token = email_verification_token(user)
    link = _absolute(reverse("accounts:verify_email", kwargs={"token": token}))
    return mail_queue(
        template="email_verification",
        to=user.email,
        language=user.preferred_language,
        context={"user": user, "link": link, "hours": 48},
        sensitive=True,
    )


@transaction.atomic
def verification_mail_resend(*, email: str) -> None:
    """Send a new link to an unverified account; says nothing about unknown addresses."""
    user = User.objects.filter(
        email__iexact=email.strip(), email_verified_at__isnull=True, role=Role.DIRECTOR
    ).first()
    if user is not None and user.is_active:
        verification_mail_queue(user=user)


@transaction.atomic
def user_verify_email(*, token: str) -> User:
    """Mark the address of the link's account as verified, once (the person confirmed it)."""
    user = User.objects.select_for_update().get(pk=email_verification_user(token).pk)
    if user.email_verified:
        raise link_used_error()
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user


@transaction.atomic
def user_invite(*, inviter: User, email: str, full_name: str, role: str, language: str) -> User:
    """An administrator invites ministry staff; they choose their password from the e-mail."""
    if not inviter.is_administrator:
        raise ApplicationError(_("Seul un administrateur peut inviter des comptes."))
    if role not in STAFF_ROLES:
        raise ApplicationError(_("Ce rôle ne s'attribue pas par invitation."), field="role")
    if email_is_taken(email):
        raise _duplicate_email_error()
    user = User(
        email=User.objects.normalize_email(email),
        full_name=full_name.strip(),
        role=role,
        preferred_language=language,
        invited_by=inviter,
    )
    user.set_unusable_password()
    full_clean_or_refuse(user)
    user.save()
    invitation_mail_queue(user=user)
    return user


def invitation_mail_queue(*, user: User) -> OutgoingMail:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:invitation_accept", kwargs={"uidb64": uidb64, "token": token})
    return mail_queue(
        template="invitation",
        to=user.email,
        language=user.preferred_language,
        context={
            "user": user,
            "link": _absolute(path),
            "inviter": user.invited_by,
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
        sensitive=True,
    )


@transaction.atomic
def invitation_resend(*, actor: User, user: User) -> OutgoingMail:
    """A new link for an invited person who never chose a password (the old one expired)."""
    if not actor.is_administrator:
        raise ApplicationError(_("Seul un administrateur peut inviter des comptes."))
    if user.role not in STAFF_ROLES or user.has_usable_password() or user.email_verified:
        raise ApplicationError(_("Ce compte a déjà été activé : aucune invitation à renvoyer."))
    if user.invited_by_id is None:
        user.invited_by = actor
        user.save(update_fields=["invited_by"])
    return invitation_mail_queue(user=user)


def user_invitation_accept(*, user: User) -> User:
    """Called once the invited person has chosen a password: the address is proven too."""
    if not user.email_verified:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


@transaction.atomic
def user_profile_update(*, user: User, full_name: str, phone: str, preferred_language: str) -> User:
    user.full_name = full_name.strip()
    user.phone = phone.strip()
    user.preferred_language = preferred_language
    full_clean_or_refuse(user)
    user.save(update_fields=["full_name", "phone", "preferred_language"])
    return user


def user_language_set(*, user: User, language: str) -> None:
    if language in dict(settings.LANGUAGES) and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


def password_reset_mail_queue(*, user: User, uidb64: str, token: str) -> OutgoingMail:
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    return mail_queue(
        template="password_reset",
        to=user.email,
        language=user.preferred_language,
        context={"user": user, "link": _absolute(path)},
        sensitive=True,
    )


def unverified_users(*, older_than: timedelta, now: datetime | None = None) -> QuerySet[User]:
    """Self-registrations whose verification link was never followed for `older_than`."""
    return User.objects.filter(
        role=Role.DIRECTOR,
        email_verified_at__isnull=True,
        last_login__isnull=True,
        date_joined__lt=(now or timezone.now()) - older_than,
    )


@transaction.atomic
def unverified_users_purge(
    *, older_than: timedelta = timedelta(days=7), now: datetime | None = None
) -> int:
    """Free the addresses of self-registrations whose link was never followed."""
    users = list(unverified_users(older_than=older_than, now=now).values_list("pk", flat=True))
    User.objects.filter(pk__in=users).delete()
    # After the rows: deleting one writes a last history record with the e-mail and the name.
    User.history.filter(id__in=users).delete()  # type: ignore[attr-defined]
    return len(users)
