"""E-mail: render `emails/<name>/` templates in the recipient's language, send from a task."""

import hashlib
import logging
import mimetypes
import smtplib
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import MailStatus, OutgoingMail
from .states import StateMachine
from .unavailable import enqueue_on_commit

logger = logging.getLogger(__name__)

# Faults worth a retry: the mail server or the network is away for a while.
TEMPORARY_MAIL_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,
)
REDACTED = "[supprimé après envoi : ce message contenait un lien de connexion]"


def is_temporary(error):
    """A 4xx SMTP answer means "try later"; a 5xx one (unknown mailbox…) will not change."""
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in error.recipients.values())
    return isinstance(error, (*TEMPORARY_MAIL_ERRORS, OSError))


def _render(template, context):
    subject = render_to_string(f"emails/{template}/subject.txt", context)
    text = render_to_string(f"emails/{template}/body.txt", context)
    try:
        html = render_to_string(f"emails/{template}/body.html", context)
    except TemplateDoesNotExist:
        html = ""
    # A subject is one line, whatever the template's whitespace.
    return " ".join(subject.split()), text, html


def mail_queue(*, template, to, language, context=None, key=None, sensitive=False, attachment=None):
    """Render an e-mail now, record it, and send it from a task once the transaction commits.

    `key` makes the e-mail unique: queueing the same key twice sends it once. A `sensitive`
    e-mail (one with a login link) keeps no body once sent. `attachment` is a pair
    (name in the default storage, file name shown to the recipient).
    """
    from .tasks import outgoing_mail_send

    key = key or f"{template}:{uuid.uuid4()}"
    existing = OutgoingMail.objects.filter(key=key).first()
    if existing:
        return existing
    context = {"site_url": settings.SITE_URL, **(context or {})}
    with translation.override(language):
        subject, text, html = _render(template, context)
    mail = OutgoingMail(
        key=key,
        template=template,
        to=to,
        language=language,
        subject=subject,
        body_text=text,
        body_html=html,
        sensitive=sensitive,
        attachment=attachment[0] if attachment else "",
        attachment_name=attachment[1] if attachment else "",
    )
    mail.full_clean()
    mail.save()
    enqueue_on_commit(outgoing_mail_send, mail.pk)
    return mail


def message_id(key):
    """The same Message-ID for every attempt at one e-mail: should a worker die in the instant
    between the mail server's acceptance and the commit that records it, the one copy sent
    again is the same message, which mail systems recognise and mailboxes show once."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{digest}@{domain}>"


M = MailStatus
# An e-mail's row is its own record (tries, last error): its moves are not journaled.
MAIL_STATES = StateMachine(
    "mail",
    {
        **{(state, "send"): M.SENT for state in (M.PENDING, M.FAILED)},
        **{(state, "retry"): M.PENDING for state in (M.PENDING, M.FAILED)},
        **{(state, "give_up"): M.FAILED for state in (M.PENDING, M.FAILED)},
    },
)


def outgoing_mail_deliver(*, mail_id):
    """Send one recorded e-mail unless it already went out; returns True when sent now.

    The row stays locked while sending, so two workers handed the same task cannot both send.
    """
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().get(pk=mail_id)
        if mail.status == MailStatus.SENT:
            return False
        message = EmailMultiAlternatives(
            subject=mail.subject,
            body=mail.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[mail.to],
            headers={"X-Portal-Mail-Key": mail.key, "Message-ID": message_id(mail.key)},
        )
        if mail.body_html:
            message.attach_alternative(mail.body_html, "text/html")
        if mail.attachment:
            with default_storage.open(mail.attachment, "rb") as attached:
                content = attached.read()
            kind = mimetypes.guess_type(mail.attachment_name)[0] or "application/octet-stream"
            message.attach(mail.attachment_name, content, kind)
        message.send()
        mail.sent_at = timezone.now()
        mail.attempts += 1
        mail.last_error = ""
        if mail.sensitive:
            mail.body_text, mail.body_html = REDACTED, ""
        MAIL_STATES.move(
            mail,
            "send",
            actor=None,
            fields=["sent_at", "attempts", "last_error", "body_text", "body_html"],
            journal=False,
        )
    return True


@transaction.atomic
def outgoing_mail_record_failure(*, mail_id, error, final):
    mail = OutgoingMail.objects.select_for_update().get(pk=mail_id)
    if mail.status == MailStatus.SENT:
        # Sent by another delivery of the same task meanwhile: nothing failed for the reader.
        return
    mail.attempts += 1
    mail.last_error = str(error)[:2000]
    MAIL_STATES.move(
        mail,
        "give_up" if final else "retry",
        actor=None,
        fields=["attempts", "last_error"],
        journal=False,
    )
    logger.warning("E-mail %s to %s failed (final=%s): %s", mail.key, mail.to, final, error)
