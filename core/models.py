from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .errors import ApplicationError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DecimalDigits(TypedDict):
    """The size of a DecimalField, written once (MONEY, SCORE) and spread into its fields."""

    max_digits: int
    decimal_places: int


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class DeleteGuardQuerySet(models.QuerySet):
    """A queryset whose delete() refuses the rows its model keeps for good."""

    def delete(self):
        self.model.refuse_deletion(self)
        return super().delete()


class DeleteGuardMixin:
    """Rows the portal keeps for good (a submitted dossier, a review, a payment): the model
    says which in `undeletable(queryset)`; delete() on one of them, or on a queryset holding
    one, raises. Withdrawal and cancellation are states, not deletions. Cascades cannot reach
    these rows either: the foreign keys to them are PROTECT."""

    deletion_refused: StrOrPromise = ""

    @classmethod
    def undeletable(cls, queryset):
        return queryset

    @classmethod
    def refuse_deletion(cls, queryset):
        if cls.undeletable(queryset).exists():
            raise ApplicationError(cls.deletion_refused, code="undeletable")

    def delete(self, *args, **kwargs):
        type(self).refuse_deletion(type(self)._base_manager.filter(pk=self.pk))
        return super().delete(*args, **kwargs)


class MailStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")


class OutgoingMail(TimeStampedModel):
    """One e-mail the portal has decided to send, rendered in the recipient's language.

    The row is the idempotency key of the sending task: a retried or redelivered task finds
    it already sent and does nothing, so nobody receives the same e-mail twice.
    """

    key = models.CharField(_("clé d'unicité"), max_length=200, unique=True)
    template = models.CharField(_("modèle"), max_length=100)
    to = models.EmailField(_("destinataire"))
    language = models.CharField(_("langue"), max_length=5)
    subject = models.CharField(_("objet"), max_length=255)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    # A file of the default storage sent along, e.g. a receipt PDF.
    attachment = models.CharField(_("pièce jointe"), max_length=300, blank=True)
    attachment_name = models.CharField(_("nom de la pièce jointe"), max_length=200, blank=True)
    # Bodies holding a login link are erased once sent: the log must not open accounts.
    sensitive = models.BooleanField(_("contenu sensible"), default=False)

    class Meta:
        verbose_name = _("e-mail sortant")
        verbose_name_plural = _("e-mails sortants")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.template} → {self.to} ({self.get_status_display()})"


class AppendOnlyError(Exception):
    """A journal entry was about to be changed or deleted: the journal is append-only."""


class JournalQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The journal is append-only: entries are never changed.")

    def delete(self):
        raise AppendOnlyError("The journal is append-only: entries are never deleted.")


class JournalEntry(models.Model):
    """One event in the life of a call, dossier or contract: who did what, when, and why.

    Append-only: entries are written by services and never changed or deleted. The model
    refuses it here; on PostgreSQL a trigger refuses it for raw SQL too (core migration 0005).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        # A deleted account (an unverified registration purged) leaves its entries in place.
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=60)
    from_state = models.CharField(_("état avant"), max_length=30, blank=True)
    to_state = models.CharField(_("état après"), max_length=30, blank=True)
    message = models.TextField(_("motif"), blank=True)
    data = models.JSONField(_("détails"), default=dict, blank=True)
    # Not auto_now_add: the demo replays 2011 events and writes their dates at insert time.
    created_at = models.DateTimeField(
        _("date"), default=timezone.now, editable=False, db_index=True
    )

    objects = JournalQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The journal is append-only: entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The journal is append-only: entries are never deleted.")

    @property
    def text(self):
        """The message in the reader's language, where it was recorded in each (a required
        document's label, {"fr": …, "ar": …} in `data["messages"]`), else as recorded."""
        messages = self.data.get("messages") if isinstance(self.data, dict) else None
        if isinstance(messages, dict):
            return messages.get(get_language()) or messages.get("fr") or self.message
        return self.message

    @property
    def label(self):
        from .journal import action_label

        return action_label(self.action)

    @property
    def changes(self):
        from .journal import journal_changes

        # get_for_id is cached: a timeline of many entries costs no query per entry.
        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        return journal_changes(self.data, model)
