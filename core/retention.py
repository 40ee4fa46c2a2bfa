"""The e-mail log's part of the retention policy (docs/operations/retention.md): the fact that
a message was sent (template, recipient, subject, dates, state) stays; its body goes."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from .mail import REDACTED
from .models import MailStatus, OutgoingMail

ERASED = "[supprimé : durée de conservation échue]"
_ERASED_FIELDS = {"body_text": ERASED, "body_html": "", "attachment": "", "attachment_name": ""}


def mail_bodies_due(*, now: datetime) -> QuerySet[OutgoingMail]:
    """Sent or failed mails older than the set time that still hold a body; a pending one
    keeps it until sent."""
    cutoff = now - timedelta(days=settings.RETENTION_MAIL_BODY_DAYS)
    return OutgoingMail.objects.filter(
        created_at__lt=cutoff, status__in=[MailStatus.SENT, MailStatus.FAILED]
    ).exclude(body_text__in=[ERASED, REDACTED], body_html="", attachment="")


@transaction.atomic
def mail_bodies_erase(*, now: datetime) -> int:
    return mail_bodies_due(now=now).update(**_ERASED_FIELDS)


@transaction.atomic
def mails_readdress(*, old: str, new: str) -> int:
    """An anonymised person's mails: the log keeps that they were sent, not to whom nor what."""
    return OutgoingMail.objects.filter(to__iexact=old).update(to=new, **_ERASED_FIELDS)
