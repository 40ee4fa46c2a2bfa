"""The subsidy schedule in tranches, their conditions and states, and the payments recorded."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import DeleteGuardMixin, DeleteGuardQuerySet, TimeStampedModel
from core.states import register_badges

from .contracts import MONEY, RATE, Contract

if TYPE_CHECKING:
    from accounts.models import User


class TrancheCondition(models.TextChoices):
    SIGNATURE = "signature", _("À la signature du contrat")
    PREVIOUS_REPORT = "previous_report", _("À l'approbation du rapport de l'année précédente")
    REPORT = "report", _("À l'approbation du rapport de l'année")
    REPORT_KPI = (
        "report_kpi",
        _("À l'approbation du rapport de l'année, selon le taux de réalisation des indicateurs"),
    )


class TrancheStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    DUE = "due", _("Exigible")
    PAID = "paid", _("Versée")
    WITHHELD = "withheld", _("Retenue")
    CANCELLED = "cancelled", _("Annulée")


register_badges(
    {
        TrancheStatus.PLANNED: "text-bg-light border",
        TrancheStatus.DUE: "text-bg-warning",
        TrancheStatus.PAID: "text-bg-success",
        TrancheStatus.WITHHELD: "text-bg-danger",
        TrancheStatus.CANCELLED: "text-bg-secondary",
    }
)


class Tranche(models.Model):
    """A part of a year's subsidy, paid when its condition is met."""

    # Set by a service before save: simple_history records this person as the change's author.
    _history_user: "User"
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="tranches")
    year = models.PositiveSmallIntegerField(_("année"), validators=[MinValueValidator(1)])
    position = models.PositiveSmallIntegerField(_("tranche n°"), validators=[MinValueValidator(1)])
    amount = models.DecimalField(
        _("montant prévu (MAD)"), validators=[MinValueValidator(0)], **MONEY
    )
    condition = models.CharField(_("condition"), max_length=20, choices=TrancheCondition.choices)
    status = models.CharField(
        _("état"), max_length=10, choices=TrancheStatus.choices, default=TrancheStatus.PLANNED
    )
    # What is owed once the condition is met: the amount, or less after a KPI reduction.
    due_amount = models.DecimalField(_("montant exigible (MAD)"), null=True, blank=True, **MONEY)
    due_at = models.DateTimeField(_("exigible depuis le"), null=True, blank=True)
    achievement_rate = models.DecimalField(
        _("taux de réalisation retenu (%)"), null=True, blank=True, **RATE
    )

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["contract", "year", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "year", "position"], name="tranche_unique_position"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="tranche_amount_gte_0"),
            models.CheckConstraint(
                condition=Q(due_amount__isnull=True)
                | (Q(due_amount__gte=0) & Q(due_amount__lte=models.F("amount"))),
                name="tranche_due_within_amount",
            ),
        ]

    def __str__(self):
        return f"{self.contract} — {self.year}.{self.position}"


class Payment(DeleteGuardMixin, TimeStampedModel):
    """The disbursement of a tranche: one per tranche, never above what is due. Never deleted
    (DeleteGuardMixin.undeletable keeps every row)."""

    # Set by a service before save: simple_history records this person as the change's author.
    _history_user: "User"
    deletion_refused = _("Un versement enregistré ne se supprime jamais.")

    tranche = models.OneToOneField(Tranche, on_delete=models.PROTECT, related_name="payment")
    paid_on = models.DateField(_("date du versement"))
    amount = models.DecimalField(_("montant versé (MAD)"), **MONEY)
    reference = models.CharField(_("référence du virement"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = DeleteGuardQuerySet.as_manager()

    class Meta:
        verbose_name = _("versement")
        verbose_name_plural = _("versements")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_gt_0"),
        ]

    def __str__(self):
        return f"{self.tranche}: {self.amount}"
