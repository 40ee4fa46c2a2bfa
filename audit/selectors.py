"""The journal as the administrators' page and its exports show it: each entry with its
object's reference and page, its states in words and what it changed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.urls import reverse

from applications.models import Call, CallStatus, Dossier, DossierStatus
from contracts.models import Contract, ContractStatus, ReportStatus, TrancheStatus
from core.models import JournalEntry
from evaluation.models import Assignment, AssignmentStatus, ReviewStatus

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

# The states an action's from/to values belong to, by the action's prefix.
STATES = {
    "call": CallStatus,
    "results": CallStatus,
    "dossier": DossierStatus,
    "assignment": AssignmentStatus,
    "review": ReviewStatus,
    "contract": ContractStatus,
    "tranche": TrancheStatus,
    "report": ReportStatus,
}


def journal_entries() -> QuerySet[JournalEntry]:
    """Every entry with its author and object in a fixed number of queries."""
    return JournalEntry.objects.select_related("actor", "content_type").prefetch_related(
        GenericPrefetch(
            "target",
            [
                Call.objects.all(),
                Dossier.objects.all(),
                Contract.objects.all(),
                Assignment.objects.select_related("dossier"),
            ],
        )
    )


def state_label(action: str, value: str) -> str:
    if not value:
        return ""
    states = STATES.get(action.split(".", 1)[0])
    try:
        return str(states(value).label) if states else value
    except ValueError:
        return value


def _dossier_url(dossier: Dossier) -> str | None:
    if dossier.status == DossierStatus.DRAFT:
        return None  # the ministry has no page for a draft
    return reverse("evaluation:admissibility_detail", args=[dossier.pk])


def _object(target: Model | None) -> tuple[str, str | None]:
    """(reference, staff page or None) of the entry's object."""
    if isinstance(target, Call):
        return target.reference, reverse("applications:backoffice_call_detail", args=[target.pk])
    if isinstance(target, Dossier):
        return target.reference, _dossier_url(target)
    if isinstance(target, Contract):
        return target.reference, reverse("contracts:detail", args=[target.pk])
    if isinstance(target, Assignment):
        return target.dossier.reference, _dossier_url(target.dossier)
    return ("—" if target is None else str(target)), None


@dataclass
class JournalRow:
    entry: JournalEntry
    kind: str
    reference: str
    url: str | None
    from_state: str
    to_state: str

    @classmethod
    def of(cls, entry: JournalEntry) -> JournalRow:
        reference, url = _object(entry.target)
        return cls(
            entry=entry,
            # Every journalled model is still installed: its class is never None here.
            kind=str(entry.content_type.model_class()._meta.verbose_name),  # type: ignore[union-attr]
            reference=reference,
            url=url,
            from_state=state_label(entry.action, entry.from_state),
            to_state=state_label(entry.action, entry.to_state),
        )


def journal_rows(entries: Iterable[JournalEntry]) -> list[JournalRow]:
    return [JournalRow.of(entry) for entry in entries]
