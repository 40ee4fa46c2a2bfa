"""Deadline reminders to the owners of unsubmitted drafts: 7, 3 and 1 days before closing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone, translation

from core.mail import mail_queue
from core.models import OutgoingMail

from ..models import Dossier, DossierStatus
from ..sections import missing_items
from ..selectors import cluster_editors, dossier_for_page, open_calls

if TYPE_CHECKING:
    from accounts.models import User

    from ..models import Call

REMINDER_DAYS = (7, 3, 1)


def _due_reminder(call: Call, now: datetime) -> int | None:
    """The closest reminder whose moment has come: a dossier started 2 days before the deadline
    gets the 3-day reminder, not the 7-day one as well."""
    remaining = call.closes_at - now
    return min((days for days in REMINDER_DAYS if remaining <= timedelta(days=days)), default=None)


def _reminder_key(dossier: Dossier, days: int, person: User) -> str:
    # The deadline is in the key: after an extension, the reminders start again.
    return f"deadline-reminder:{dossier.pk}:{dossier.call.closes_at:%Y%m%d%H%M}:{days}d:{person.pk}"


def deadline_reminders_send(*, now: datetime | None = None) -> list[OutgoingMail]:
    """Queue the reminders due now; returns the e-mails queued by this run (at most one per
    dossier, reminder and person, however often it runs)."""
    now = now or timezone.now()
    queued = []
    for call in open_calls(now):
        days = _due_reminder(call, now)
        if days is None:
            continue
        drafts = (
            dossier_for_page(Dossier.objects.filter(call=call, status=DossierStatus.DRAFT))
            .select_related("cluster__owner")
            .prefetch_related("cluster__co_editors")
        )
        for dossier in drafts:
            for person in cluster_editors(dossier.cluster):
                key = _reminder_key(dossier, days, person)
                if OutgoingMail.objects.filter(key=key).exists():
                    continue
                with transaction.atomic():
                    queued.append(_remind(dossier, days, key, person))
    return queued


def _remind(dossier: Dossier, days: int, key: str, person: User) -> OutgoingMail:
    with translation.override(person.preferred_language):
        missing = [f"{section.title} : {item}" for section, item in missing_items(dossier)]
    return mail_queue(
        template="deadline_reminder",
        to=person.email,
        language=person.preferred_language,
        context={
            "user": person,
            "dossier": dossier,
            "call": dossier.call,
            "days": days,
            "missing": missing,
        },
        key=key,
    )
