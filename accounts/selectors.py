from __future__ import annotations

from typing import TYPE_CHECKING

from .models import User

if TYPE_CHECKING:
    from django.db.models import QuerySet


def user_list() -> QuerySet[User]:
    return User.objects.select_related("invited_by").order_by("role", "full_name")
