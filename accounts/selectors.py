from __future__ import annotations

from typing import TYPE_CHECKING

from django.core import signing
from django.utils.translation import gettext as _

from core.errors import ApplicationError

from .models import User
from .tokens import email_verification_payload

if TYPE_CHECKING:
    from django.db.models import QuerySet


def user_list() -> QuerySet[User]:
    return User.objects.select_related("invited_by").order_by("role", "full_name")


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
