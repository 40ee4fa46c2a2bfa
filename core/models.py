from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class OutgoingMail(TimeStampedModel):
    """One e-mail the portal has decided to send, rendered in the recipient's language.

    The row is the idempotency key of the sending task: a retried or redelivered task finds
    it already sent and does nothing, so nobody receives the same e-mail twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")

    key = models.CharField(_("clé d'unicité"), max_length=200, unique=True)
    template = models.CharField(_("modèle"), max_length=100)
    to = models.EmailField(_("destinataire"))
    language = models.CharField(_("langue"), max_length=5)
    subject = models.CharField(_("objet"), max_length=255)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail sortant")
        verbose_name_plural = _("e-mails sortants")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.template} → {self.to} ({self.get_status_display()})"
