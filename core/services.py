"""Small helpers every app's services use."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model

from .errors import ApplicationError

M = TypeVar("M", bound=Model)


def assign_fields(instance: M, fields: Mapping[str, Any], allowed: Iterable[str]) -> M:
    """Copy `fields` onto `instance`; a name outside `allowed` is a programming error."""
    unexpected = set(fields) - set(allowed)
    if unexpected:
        raise TypeError(f"unexpected field(s) for {type(instance).__name__}: {sorted(unexpected)}")
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance


def full_clean_or_refuse(instance: Model, **kwargs: Any) -> None:
    """Model validation as the user's error: a ValidationError becomes an ApplicationError
    naming the first field at fault, so views show it instead of failing with a 500."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(
            " ".join(messages), field=None if field == NON_FIELD_ERRORS else field
        ) from error
