"""Reads about people: who administers, who evaluates, whether an address is taken."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Role, User

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
