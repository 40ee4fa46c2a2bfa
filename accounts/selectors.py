"""Reads about people: who administers, who evaluates, whether an address is taken."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core import signing
from django.utils.translation import gettext as _

from core.errors import ApplicationError

from .models import Role, User
from .tokens import email_verification_payload

if TYPE_CHECKING:
    from django.db.models import QuerySet


def user_list() -> QuerySet[User]:
    return User.objects.select_related("invited_by").order_by("role", "full_name")


def active_administrators() -> QuerySet[User]:
    """The programme's administrators who may still sign in: those told of what needs them."""
    return User.objects.filter(role=Role.ADMINISTRATOR, is_active=True)


def active_evaluators() -> QuerySet[User]:
    return User.objects.filter(role=Role.EVALUATOR, is_active=True)


def email_is_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip()).exists()


def link_used_error() -> ApplicationError:
    return ApplicationError(
        _("Ce lien a déjà été utilisé : votre adresse est vérifiée, vous pouvez vous connecter."),
        code="used",
    )


def email_verification_user(token: str) -> User:
    """The account a verification link is for, while the link can still be used; a clear
    refusal otherwise (expired, altered, already used)."""
    try:
        payload = email_verification_payload(token)
    except signing.SignatureExpired as exc:
        raise ApplicationError(
            _("Ce lien de vérification a expiré (il est valable 48 heures)."), code="expired"
        ) from exc
    except signing.BadSignature as exc:
        raise ApplicationError(
            _("Ce lien de vérification n'est pas valide."), code="invalid"
        ) from exc
    user = User.objects.filter(pk=payload.get("u")).first()
    if user is None or user.email != payload.get("e"):
        raise ApplicationError(_("Ce lien de vérification n'est pas valide."), code="invalid")
    if user.email_verified:
        raise link_used_error()
    return user
