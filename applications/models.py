from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import DecimalDigits, DeleteGuardMixin, DeleteGuardQuerySet, TimeStampedModel
from core.states import register_badges
from core.uploads import FileType

from .choices import (
    DocumentPart,
    Indicator,
    LegalForm,
    MemberType,
    Region,
    ScanStatus,
    Sector,
)
from .storage import document_path, receipt_path, specification_path

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


class Cluster(TimeStampedModel):
    """A cluster and its animation structure, described by its director."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("directeur"),
        on_delete=models.PROTECT,
        related_name="owned_clusters",
    )
    co_editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-éditeurs"),
        blank=True,
        related_name="edited_clusters",
    )
    name = models.CharField(_("nom du cluster"), max_length=200)
    acronym = models.CharField(_("sigle"), max_length=30, blank=True)
    legal_form = models.CharField(
        _("forme juridique"),
        max_length=20,
        choices=LegalForm.choices,
        default=LegalForm.ASSOCIATION,
    )
    sector = models.CharField(_("secteur"), max_length=30, choices=Sector.choices)
    region = models.CharField(_("région"), max_length=30, choices=Region.choices)
    city = models.CharField(_("ville"), max_length=100)
    founded_year = models.PositiveSmallIntegerField(
        _("année de création"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    first_supported_year = models.PositiveSmallIntegerField(
        _("première année de soutien de l'État"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("Laissez vide si le cluster n'a jamais été soutenu."),
    )
    niches = models.TextField(_("niches et domaines d'activité stratégiques"), blank=True)
    president_name = models.CharField(_("président"), max_length=150, blank=True)
    director_name = models.CharField(_("directeur de la structure d'animation"), max_length=150)
    board = models.TextField(_("conseil d'administration"), blank=True)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner"], name="cluster_one_per_director"),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def years_of_support(self, year):
        return 0 if self.first_supported_year is None else max(0, year - self.first_supported_year)


class ClusterMember(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("nom"), max_length=200)
    member_type = models.CharField(_("type"), max_length=20, choices=MemberType.choices)
    city = models.CharField(_("ville"), max_length=100)
    joined_year = models.PositiveSmallIntegerField(
        _("année d'adhésion"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposé")
    WITHDRAWN = "withdrawn", _("Retiré")
    # After the deadline, the ministry's examination (the evaluation app drives these).
    DOCUMENTS_REQUESTED = "documents_requested", _("Compléments demandés")
    ADMISSIBLE = "admissible", _("Recevable")
    INADMISSIBLE = "inadmissible", _("Irrecevable")
    UNDER_EVALUATION = "under_evaluation", _("En cours d'évaluation")
    SELECTED = "selected", _("Retenu")
    WAITING_LIST = "waiting_list", _("Liste d'attente")
    REJECTED = "rejected", _("Non retenu")


register_badges(
    {
        DossierStatus.DRAFT: "text-bg-secondary",
        DossierStatus.SUBMITTED: "text-bg-primary",
        DossierStatus.WITHDRAWN: "text-bg-warning",
        DossierStatus.DOCUMENTS_REQUESTED: "text-bg-warning",
        DossierStatus.ADMISSIBLE: "text-bg-info",
        DossierStatus.INADMISSIBLE: "text-bg-danger",
        DossierStatus.UNDER_EVALUATION: "text-bg-info",
        DossierStatus.SELECTED: "text-bg-success",
        DossierStatus.WAITING_LIST: "text-bg-warning",
        DossierStatus.REJECTED: "text-bg-danger",
        # A section of the dossier's task list (applications.sections).
        "not_started": "text-bg-light border",
        "in_progress": "text-bg-warning",
        "complete": "text-bg-success",
    }
)


class Dossier(DeleteGuardMixin, TimeStampedModel):
    """One cluster's candidature to one call: an administrative and a technical part."""

    deletion_refused = _("Un dossier déposé ne se supprime pas : il peut être retiré.")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="dossiers")
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="dossiers")
    reference = models.CharField(_("référence"), max_length=60, unique=True)
    status = models.CharField(
        _("état"), max_length=20, choices=DossierStatus.choices, default=DossierStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    participating_members = models.ManyToManyField(
        ClusterMember, verbose_name=_("membres participants"), blank=True, related_name="+"
    )
    # The participating members as they were when submitted: later edits of the cluster's
    # member list must not change what the ministry received.
    participants_snapshot = models.JSONField(
        _("membres participants au dépôt"), default=list, blank=True
    )
    perimeter = models.TextField(_("périmètre géographique"), blank=True)
    governance = models.TextField(_("gouvernance et pilotage"), blank=True)
    strategy = models.TextField(
        _("stratégie générale et création de valeur avec les partenaires"), blank=True
    )
    partnership_terms = models.TextField(_("modalités du partenariat"), blank=True)
    steering_team = models.TextField(_("équipe de pilotage et chef de file"), blank=True)
    pooled_means = models.TextField(_("moyens mutualisés"), blank=True)
    related_projects = models.TextField(
        _("liens avec les autres projets thématiques, régionaux et locaux"), blank=True
    )
    international = models.TextField(_("coopération et visibilité internationales"), blank=True)
    human_resources = models.TextField(_("ressources humaines et formation"), blank=True)
    monitoring = models.TextField(_("dispositif de suivi et d'évaluation"), blank=True)
    # Named when a co-editor's save is refused because this person changed the same part.
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dernière modification par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = DeleteGuardQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier de candidature")
        verbose_name_plural = _("dossiers de candidature")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["call", "cluster"], name="dossier_one_per_call"),
            models.CheckConstraint(
                condition=Q(status=DossierStatus.DRAFT)
                | Q(submitted_at__isnull=False)
                | Q(status=DossierStatus.WITHDRAWN),
                name="dossier_submitted_has_date",
            ),
        ]

    def __str__(self):
        return self.reference

    @classmethod
    def undeletable(cls, queryset):
        # Only a draft was never received by the ministry.
        return queryset.exclude(status=DossierStatus.DRAFT)

    # Decisions stay the committee's until the results are published.
    UNPUBLISHED_DECISIONS = (
        DossierStatus.SELECTED,
        DossierStatus.WAITING_LIST,
        DossierStatus.REJECTED,
    )

    @property
    def cluster_status(self):
        """(code, label) of the state as the cluster may know it: before the results are
        published, a decided dossier is still "under evaluation"."""
        if (
            self.status in self.UNPUBLISHED_DECISIONS
            and self.call.status != CallStatus.RESULTS_PUBLISHED
        ):
            status = DossierStatus.UNDER_EVALUATION
        else:
            status = DossierStatus(self.status)
        return status.value, status.label


class CollaborativeProject(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("intitulé"), max_length=200)
    partners = models.TextField(_("partenaires"))
    budget = models.DecimalField(_("budget (MAD)"), validators=[MinValueValidator(0)], **MONEY)
    duration_months = models.PositiveSmallIntegerField(
        _("durée (mois)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )

    class Meta:
        verbose_name = _("projet collaboratif de R&D")
        verbose_name_plural = _("projets collaboratifs de R&D")
        ordering = ["pk"]

    def __str__(self):
        return self.title


class BudgetYear(models.Model):
    """The animation structure's budget for one contract year, and the subsidy asked."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="budget_years")
    year = models.PositiveSmallIntegerField(_("année du contrat"))
    animation_budget = models.DecimalField(
        _("budget de la structure d'animation (MAD)"),
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    subsidy_requested = models.DecimalField(
        _("subvention demandée (MAD)"), validators=[MinValueValidator(0)], **MONEY
    )

    class Meta:
        verbose_name = _("budget annuel")
        verbose_name_plural = _("budgets annuels")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "year"], name="budget_one_per_year"),
            models.CheckConstraint(
                condition=Q(subsidy_requested__lte=F("animation_budget")),
                name="budget_subsidy_within_budget",
            ),
        ]

    def __str__(self):
        return f"{self.dossier_id} / {self.year}"


class KpiTarget(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="kpi_targets")
    indicator = models.CharField(_("indicateur"), max_length=30, choices=Indicator.choices)
    year = models.PositiveSmallIntegerField(_("année du contrat"))
    target = models.PositiveIntegerField(_("cible"))

    class Meta:
        verbose_name = _("cible d'indicateur")
        verbose_name_plural = _("cibles d'indicateurs")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "indicator", "year"], name="kpi_target_one_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.indicator} / {self.year}: {self.target}"


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
