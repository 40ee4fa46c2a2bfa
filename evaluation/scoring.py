"""The names of a review form's fields, one pair per criterion: the form builds them and the
review service names them in the errors it raises, so each error lands under its field."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Criterion


def score_field(criterion: Criterion) -> str:
    return f"score_{criterion.pk}"


def justification_field(criterion: Criterion) -> str:
    return f"justification_{criterion.pk}"
