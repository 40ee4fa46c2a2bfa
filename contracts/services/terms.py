"""The call's model contract (its terms) in each language, created from the ministry's model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from applications.models import Call
from core.journal import journal_record
from core.services import assign_fields, full_clean_or_refuse

from ..defaults import TERMS
from ..models import ContractTerms
from ..selectors import contract_terms
from .guards import require_manager

if TYPE_CHECKING:
    from accounts.models import User


def terms_ensure(*, call: Call, language: str = "fr") -> ContractTerms:
    """The call's model contract in a language, created from the ministry's model if missing
    (for the services that render a contract; pages read `selectors.contract_terms`)."""
    terms = contract_terms(call, language)
    if terms.pk is None:
        terms.save()
    return terms


@transaction.atomic
def terms_update(*, actor: User, call: Call, language: str, fields: dict) -> ContractTerms:
    """Save the call's model contract in a language; the first save creates it from the
    ministry's model, so that opening the page never writes."""
    require_manager(actor)
    terms = ContractTerms.objects.select_for_update().filter(
        call=call, language=language
    ).first() or contract_terms(call, language)
    assign_fields(terms, fields, allowed=TERMS.keys())
    full_clean_or_refuse(terms)
    terms.save()
    journal_record(
        target=terms.call,
        actor=actor,
        action="contract_terms.update",
        data={"language": terms.language},
    )
    return terms
