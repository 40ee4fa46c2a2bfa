"""The contrat-programme: the call's model terms, the contract, its years, its KPI commitments,
its PDF versions, and the public figures of a call's contracts."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from applications.choices import Indicator
from core.models import DecimalDigits, TimeStampedModel
from core.states import register_badges

from ..storage import contract_file_path, version_path

MONEY: DecimalDigits = {"max_digits": 14, "decimal_places": 2}
RATE: DecimalDigits = {"max_digits": 5, "decimal_places": 2}
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class BelowThreshold(models.TextChoices):
    REDUCE = "reduce", _("Réduite en proportion du taux de réalisation")
    WITHHOLD = "withhold", _("Retenue (non versée)")


class ContractTerms(TimeStampedModel):
    """The call's model contract in one language: the clauses every contract of the call
    carries, editable by administrators, and the rule for the tranches tied to the KPIs."""

    call = models.ForeignKey(
        "applications.Call", on_delete=models.CASCADE, related_name="contract_terms"
    )
    language = models.CharField(_("langue"), max_length=5, choices=settings.LANGUAGES)
    title = models.CharField(_("intitulé du contrat"), max_length=200)
    preamble = models.TextField(_("préambule"))
    purpose = models.TextField(_("objet"))
    state_obligations = models.TextField(_("engagements de l'État"))
    cluster_obligations = models.TextField(_("engagements du cluster"))
    attribution_terms = models.TextField(_("modalités d'attribution"))
    payment_terms = models.TextField(_("modalités de versement"))
    evaluation_terms = models.TextField(_("modalités d'évaluation"))
    final_terms = models.TextField(_("dispositions finales"))

    class Meta:
        verbose_name = _("modèle de contrat")
        verbose_name_plural = _("modèles de contrat")
        constraints = [
            models.UniqueConstraint(fields=["call", "language"], name="terms_one_per_language"),
        ]

    def __str__(self):
        return f"{self.call} ({self.language})"


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Projet")
    SENT = "sent", _("Envoyé pour signature")
    SIGNED = "signed", _("Signé par le cluster")
    ACTIVE = "active", _("En vigueur")
    CLOSED = "closed", _("Clôturé")
    TERMINATED = "terminated", _("Résilié")


# Sent waits on the cluster, signed on the ministry.
register_badges(
    {
        ContractStatus.DRAFT: "text-bg-secondary",
        ContractStatus.SENT: "text-bg-warning",
        ContractStatus.SIGNED: "text-bg-info",
        ContractStatus.ACTIVE: "text-bg-primary",
        ContractStatus.CLOSED: "text-bg-dark",
        ContractStatus.TERMINATED: "text-bg-danger",
    }
)


class Contract(TimeStampedModel):
    """The contrat-programme of one selected dossier."""

    decision = models.OneToOneField(
        "evaluation.Decision", on_delete=models.PROTECT, related_name="contract"
    )
    # Denormalised from the decision so that the envelope and the dashboard sum by call in SQL.
    call = models.ForeignKey("applications.Call", on_delete=models.PROTECT, related_name="+")
    cluster = models.ForeignKey(
        "applications.Cluster", on_delete=models.PROTECT, related_name="contracts"
    )
    reference = models.CharField(_("référence"), max_length=60, unique=True)
    status = models.CharField(
        _("état"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    years = models.PositiveSmallIntegerField(
        _("durée (années)"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    start_date = models.DateField(_("date de prise d'effet"))
    legal_name = models.CharField(_("dénomination de l'association"), max_length=200)
    representative_name = models.CharField(_("représentant du cluster"), max_length=150)
    representative_title = models.CharField(_("qualité du représentant"), max_length=150)
    ministry_representative = models.CharField(_("représentant du ministère"), max_length=200)
    kpi_threshold = models.DecimalField(
        _("seuil de réalisation des indicateurs (%)"),
        validators=PERCENT,
        default=Decimal("50"),
        **RATE,
    )
    below_threshold = models.CharField(
        _("sous le seuil, la tranche est"),
        max_length=10,
        choices=BelowThreshold.choices,
        default=BelowThreshold.REDUCE,
    )
    # First sent for signature: from then on the cluster sees the contract, whatever follows.
    sent_at = models.DateTimeField(_("envoyé pour signature le"), null=True, blank=True)
    signed_scan = models.FileField(
        _("contrat signé par le cluster"), upload_to=contract_file_path, blank=True, max_length=300
    )
    signed_at = models.DateTimeField(_("signé par le cluster le"), null=True, blank=True)
    final_copy = models.FileField(
        _("exemplaire contresigné"), upload_to=contract_file_path, blank=True, max_length=300
    )
    activated_at = models.DateTimeField(_("en vigueur depuis le"), null=True, blank=True)
    ended_at = models.DateTimeField(_("clôturé ou résilié le"), null=True, blank=True)
    # When the draft's content last changed: a PDF version requested before is out of date.
    edited_at = models.DateTimeField(_("projet modifié le"), null=True, blank=True)
    termination_reason = models.TextField(_("motif de la résiliation"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("contrat-programme")
        verbose_name_plural = _("contrats-programmes")
        ordering = ["call", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="terminated") | ~Q(termination_reason=""),
                name="contract_termination_has_reason",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_draft(self):
        return self.status == ContractStatus.DRAFT

    @property
    def is_running(self):
        return self.status == ContractStatus.ACTIVE


class ContractYear(models.Model):
    """One year of the contract: its subsidy and the date its annual report is due."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="contract_years")
    year = models.PositiveSmallIntegerField(_("année"), validators=[MinValueValidator(1)])
    amount = models.DecimalField(
        _("subvention de l'année (MAD)"), validators=[MinValueValidator(0)], **MONEY
    )
    report_due_on = models.DateField(_("rapport annuel attendu le"))

    class Meta:
        verbose_name = _("année du contrat")
        verbose_name_plural = _("années du contrat")
        ordering = ["contract", "year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "year"], name="contract_year_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contract_year_amount_gte_0"),
        ]

    def __str__(self):
        return f"{self.contract} — {self.year}"


CUSTOM_INDICATOR = "custom"


def custom_name(french: str, translations: dict[str, str | None]) -> str:
    """A custom indicator's name in the active language, its French name where it is missing."""
    return translations.get(get_language() or "fr") or french


class KpiCommitment(models.Model):
    """The cluster's target for one indicator in one year of the contract."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="commitments")
    indicator = models.CharField(
        _("indicateur"),
        max_length=30,
        choices=[*Indicator.choices, (CUSTOM_INDICATOR, _("Indicateur spécifique"))],
    )
    # The name of a custom indicator, in French; empty for the programme's indicators. It is the
    # indicator's key (unique with the year, summed by in the dashboards), so its Arabic and
    # English names are plain columns beside it, read by `name` (contracts/translation.py).
    label = models.CharField(_("intitulé"), max_length=150, blank=True)
    label_ar = models.CharField(_("intitulé en arabe"), max_length=150, blank=True)
    label_en = models.CharField(_("intitulé en anglais"), max_length=150, blank=True)
    year = models.PositiveSmallIntegerField(_("année"), validators=[MinValueValidator(1)])
    target = models.PositiveIntegerField(_("cible"))

    class Meta:
        verbose_name = _("engagement d'indicateur")
        verbose_name_plural = _("engagements d'indicateurs")
        ordering = ["contract", "indicator", "label", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "indicator", "label", "year"], name="commitment_unique"
            ),
            models.CheckConstraint(
                condition=Q(indicator=CUSTOM_INDICATOR, label__gt="")
                | (~Q(indicator=CUSTOM_INDICATOR) & Q(label="")),
                name="commitment_custom_has_label",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.year}): {self.target}"

    @property
    def name(self):
        """The indicator's name in the active language, French where it is not translated."""
        return custom_name(self.label, {"ar": self.label_ar, "en": self.label_en}) or (
            self.get_indicator_display()
        )


class ContractVersion(models.Model):
    """One rendering of the contract as a PDF; every regeneration adds a version."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    language = models.CharField(_("langue"), max_length=5, choices=settings.LANGUAGES)
    pdf = models.FileField(_("PDF"), upload_to=version_path, blank=True, max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("générée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("version du contrat")
        verbose_name_plural = _("versions du contrat")
        ordering = ["contract", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="version_unique_number"),
        ]

    def __str__(self):
        return f"{self.contract} v{self.number} ({self.language})"


class CallFigures(models.Model):
    """What a call's public page shows of its contracts in force or closed: the clusters under
    contract, the subsidy committed and the KPI targets per indicator. Kept by
    `contract_transition`, the one way a contract enters or leaves those states (their
    schedule and commitments are fixed by then), so that the page reads one row instead of
    adding up every tranche and commitment of the call (3.5 ms of PostgreSQL at 200
    contracts). A call without its row is counted live."""

    call = models.OneToOneField(
        "applications.Call", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    clusters = models.PositiveIntegerField(default=0)
    committed = models.DecimalField(default=Decimal("0"), **MONEY)
    # [[indicator, label, target, {"ar": name, "en": name}], …] in the order the page lists them.
    targets = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chiffres publics d'un appel")
        verbose_name_plural = _("chiffres publics des appels")

    def __str__(self):
        return f"{self.call_id}: {self.clusters}"
