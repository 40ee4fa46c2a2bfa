"""Annual reports and the achievement of each KPI commitment they report."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.states import register_badges

from ..storage import evidence_path, report_file_path
from .contracts import RATE, Contract, KpiCommitment


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Transmis")
    CHANGES_REQUESTED = "changes_requested", _("Compléments demandés")
    APPROVED = "approved", _("Approuvé")


register_badges(
    {
        ReportStatus.DRAFT: "text-bg-secondary",
        ReportStatus.SUBMITTED: "text-bg-primary",
        ReportStatus.CHANGES_REQUESTED: "text-bg-warning",
        ReportStatus.APPROVED: "text-bg-success",
    }
)


class AnnualReport(TimeStampedModel):
    """What the cluster achieved in one year of its contract."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(_("année"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("état"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    activity_report = models.FileField(
        _("rapport d'activité"), upload_to=report_file_path, blank=True, max_length=300
    )
    financial_report = models.FileField(
        _("rapport financier"), upload_to=report_file_path, blank=True, max_length=300
    )
    comment = models.TextField(_("commentaires du cluster"), blank=True)
    submitted_at = models.DateTimeField(_("transmis le"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    review_comment = models.TextField(_("observations du ministère"), blank=True)
    reviewed_at = models.DateTimeField(_("examiné le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    achievement_rate = models.DecimalField(
        _("taux de réalisation des indicateurs (%)"), null=True, blank=True, **RATE
    )

    class Meta:
        verbose_name = _("rapport annuel")
        verbose_name_plural = _("rapports annuels")
        ordering = ["contract", "year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "year"], name="report_one_per_year"),
        ]

    def __str__(self):
        return f"{self.contract} — {self.year}"

    @property
    def is_editable(self):
        return self.status in (ReportStatus.DRAFT, ReportStatus.CHANGES_REQUESTED)


class KpiAchievement(models.Model):
    """The value the cluster reports for one of its commitments, with its evidence."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="achievements")
    commitment = models.ForeignKey(
        KpiCommitment, on_delete=models.PROTECT, related_name="achievements"
    )
    achieved = models.PositiveIntegerField(_("réalisé"))
    comment = models.TextField(_("commentaire"), blank=True)
    evidence = models.FileField(
        _("justificatif"), upload_to=evidence_path, blank=True, max_length=300
    )
    evidence_name = models.CharField(_("nom du justificatif"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("réalisation d'indicateur")
        verbose_name_plural = _("réalisations d'indicateurs")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "commitment"], name="achievement_one_per_commitment"
            ),
        ]

    def __str__(self):
        return f"{self.commitment}: {self.achieved}"
