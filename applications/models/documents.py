"""The files of a dossier, the receipts of its submission and the requests for more."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.translation import in_active_language

from ..choices import ScanStatus
from ..storage import document_path, receipt_path
from .calls import RequiredDocument
from .dossiers import Dossier


class DossierDocument(models.Model):
    """The file given for one required document; replaced, never duplicated, until submission."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(RequiredDocument, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("fichier"), upload_to=document_path, max_length=300)
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    # Set by the service at upload: clean at once with scanning off, pending until clamd answers
    # with it on. Only a clean file counts as part of the dossier.
    scan_status = models.CharField(
        _("analyse antivirus"),
        max_length=10,
        choices=ScanStatus.choices,
        default=ScanStatus.PENDING,
    )
    scan_signature = models.CharField(_("menace détectée"), max_length=200, blank=True)
    scanned_at = models.DateTimeField(_("analysé le"), null=True, blank=True)
    # Where an infected file was moved, in the quarantine storage; `file` is then empty.
    quarantine_name = models.CharField(_("fichier en quarantaine"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("pièce du dossier")
        verbose_name_plural = _("pièces du dossier")
        ordering = ["requirement__part", "requirement__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "requirement"], name="document_one_per_requirement"
            ),
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_clean(self):
        return self.scan_status == ScanStatus.CLEAN


class Receipt(models.Model):
    """Accusé de réception: the proof of one submission, with the fingerprint of every file."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="receipts")
    number = models.CharField(_("numéro"), max_length=80, unique=True)
    submitted_at = models.DateTimeField(_("déposé le"))
    files = models.JSONField(_("pièces"), default=list)
    pdf = models.FileField(_("PDF"), upload_to=receipt_path, blank=True, max_length=300)
    language = models.CharField(_("langue"), max_length=5, default="fr")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("accusé de réception")
        verbose_name_plural = _("accusés de réception")
        ordering = ["-submitted_at"]

    def __str__(self):
        return self.number

    @property
    def lines(self) -> list[dict]:
        """The files as submitted, each with its part and label in the active language (French
        where a translation was missing); receipts kept before the labels were kept in every
        language show the one they kept."""
        return [
            {
                **entry,
                "part": in_active_language(entry.get("parts") or entry.get("part", "")),
                "label": in_active_language(entry.get("labels") or entry.get("label", "")),
            }
            for entry in self.files
        ]


class DocumentRequest(models.Model):
    """Demande de compléments: the ministry asks for some documents again, by a date.

    Until `reply_by` the director may add or replace exactly these documents, then send the
    dossier back; nothing else of the dossier reopens.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="document_requests")
    requirements = models.ManyToManyField(
        RequiredDocument, verbose_name=_("pièces demandées"), related_name="+"
    )
    message = models.TextField(_("message au cluster"))
    reply_by = models.DateTimeField(_("réponse attendue avant le"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de compléments")
        verbose_name_plural = _("demandes de compléments")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.dossier} ({self.created_at:%Y-%m-%d})"

    def is_open(self, now=None):
        return self.answered_at is None and (now or timezone.now()) < self.reply_by
