"""Reminders to clusters whose annual report is due soon: 30, 7 and 1 days before, each once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from applications.selectors import cluster_editors
from core.mail import mail_queue
from core.models import OutgoingMail

from ..models import AnnualReport, ContractStatus, ContractYear, ReportStatus

if TYPE_CHECKING:
    from django.db.models import QuerySet

REMINDER_DAYS = (30, 7, 1)


def _due_reminder(due_on: date, today: date) -> int | None:
    remaining = (due_on - today).days
    return min((days for days in REMINDER_DAYS if 0 <= remaining <= days), default=None)


def _pending_years(today: date) -> QuerySet[ContractYear]:
    """Years of contracts in force whose report is due within the longest reminder and not
    transmitted yet."""
    transmitted = AnnualReport.objects.filter(
        contract=OuterRef("contract"),
        year=OuterRef("year"),
        status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED],
    )
    return (
        ContractYear.objects.filter(
            contract__status=ContractStatus.ACTIVE,
            report_due_on__gte=today,
            report_due_on__lte=today + timedelta(days=max(REMINDER_DAYS)),
        )
        .exclude(Exists(transmitted))
        .select_related("contract__cluster__owner")
        .prefetch_related("contract__cluster__co_editors")
    )


def report_reminders_send(*, today: date | None = None) -> list[OutgoingMail]:
    """Queue the reminders due today; returns the e-mails this run queued (at most one per
    contract year, reminder and person, however often it runs)."""
    today = today or timezone.localdate()
    queued = []
    for row in _pending_years(today):
        days = _due_reminder(row.report_due_on, today)
        contract = row.contract
        for person in cluster_editors(contract.cluster):
            key = f"report-reminder:{row.pk}:{row.report_due_on:%Y%m%d}:{days}d:{person.pk}"
            if OutgoingMail.objects.filter(key=key).exists():
                continue
            with transaction.atomic():
                queued.append(
                    mail_queue(
                        template="report_reminder",
                        to=person.email,
                        language=person.preferred_language,
                        context={
                            "user": person,
                            "contract": contract,
                            "contract_year": row,
                            "days": days,
                            "path": reverse("contracts:detail", args=[contract.pk]),
                        },
                        key=key,
                    )
                )
    return queued
