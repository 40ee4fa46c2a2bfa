"""The call for projects (appel à projets), its states and its checklist of documents."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import DecimalDigits, TimeStampedModel
from core.states import register_badges
from core.uploads import FileType

from ..choices import DocumentPart
from ..storage import specification_path

MONEY: DecimalDigits = {"max_digits": 14, "decimal_places": 2}


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publié")
    RESULTS_PUBLISHED = "results_published", _("Résultats publiés")


register_badges(
    {
        CallStatus.DRAFT: "text-bg-secondary",
        CallStatus.PUBLISHED: "text-bg-success",
        CallStatus.RESULTS_PUBLISHED: "text-bg-primary",
        # What the dates say of a published call (`Call.current_phase`).
        "upcoming": "text-bg-info",
        "open": "text-bg-success",
        "closed": "text-bg-dark",
        "results": "text-bg-primary",
    }
)


class Call(TimeStampedModel):
    """An appel à projets: its dates, rules, budget and required documents."""

    reference = models.SlugField(_("référence"), max_length=40, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    edition_year = models.PositiveSmallIntegerField(
        _("année d'édition"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    description = models.TextField(_("présentation"))
    specification = models.FileField(
        _("cahier des charges (PDF)"), upload_to=specification_path, blank=True
    )
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    results_expected_on = models.DateField(_("résultats attendus le"), null=True, blank=True)
    accepts_new_clusters = models.BooleanField(_("ouvert aux nouveaux clusters"), default=True)
    accepts_returning_clusters = models.BooleanField(
        _("ouvert aux clusters déjà soutenus"), default=True
    )
    returning_min_years = models.PositiveSmallIntegerField(
        _("années de soutien minimum pour un cluster déjà soutenu"), default=8
    )
    min_members = models.PositiveSmallIntegerField(_("nombre minimum de membres"), default=15)
    min_company_share = models.DecimalField(
        _("part minimum d'entreprises (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    budget_envelope = models.DecimalField(_("enveloppe budgétaire (MAD)"), **MONEY)
    contract_years = models.PositiveSmallIntegerField(
        _("durée du contrat-programme (années)"), choices=[(3, "3"), (5, "5")], default=5
    )
    max_annual_subsidy = models.DecimalField(
        _("subvention annuelle maximum (MAD)"), default=Decimal("2000000"), **MONEY
    )
    max_dossier_size_mb = models.PositiveSmallIntegerField(
        _("taille maximum d'un dossier (Mo)"), default=200
    )
    status = models.CharField(
        _("état"), max_length=20, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    cloned_from = models.ForeignKey(
        "self", verbose_name=_("cloné de"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        ordering = ["-closes_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(contract_years__in=[3, 5]), name="call_contract_years_3_or_5"
            ),
            models.CheckConstraint(
                condition=Q(budget_envelope__gte=0) & Q(max_annual_subsidy__gte=0),
                name="call_amounts_positive",
            ),
            models.CheckConstraint(
                condition=Q(min_company_share__gte=0) & Q(min_company_share__lte=100),
                name="call_company_share_percent",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self):
        return self.status != CallStatus.DRAFT

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.is_published and self.opens_at <= now < self.closes_at

    def is_closed(self, now=None):
        return self.is_published and (now or timezone.now()) >= self.closes_at

    def phase(self, now=None):
        """What the dates say of a published call: upcoming, open or closed."""
        now = now or timezone.now()
        if not self.is_published:
            return "draft"
        if self.status == CallStatus.RESULTS_PUBLISHED:
            return "results"
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"


class RequiredDocument(models.Model):
    """One line of the call's checklist of documents."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_documents")
    part = models.CharField(_("partie"), max_length=20, choices=DocumentPart.choices)
    label = models.CharField(_("intitulé"), max_length=200)
    help_text = models.CharField(_("précisions"), max_length=300, blank=True)
    mandatory = models.BooleanField(_("obligatoire"), default=True)
    allowed_types = models.JSONField(_("types de fichiers acceptés"), default=list)
    max_size_mb = models.PositiveSmallIntegerField(
        _("taille maximum (Mo)"), default=10, validators=[MinValueValidator(1)]
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("pièce demandée")
        verbose_name_plural = _("pièces demandées")
        ordering = ["part", "position", "pk"]

    def __str__(self):
        return self.label

    def allowed_type_labels(self):
        labels = dict(FileType.choices)
        return [str(labels.get(code, code)) for code in self.allowed_types]
