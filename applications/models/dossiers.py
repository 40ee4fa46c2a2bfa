"""A cluster's dossier for one call, its states, and the parts typed in its sections."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import DeleteGuardMixin, DeleteGuardQuerySet, TimeStampedModel
from core.states import register_badges

from ..choices import Indicator
from .calls import MONEY, Call, CallStatus
from .clusters import Cluster, ClusterMember


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

    # Set by the retention policy once an unsuccessful dossier's files and typed content are
    # erased: the row, its status, dates and scores stay as the record of the call's results.
    content_erased_at = models.DateTimeField(_("contenu effacé le"), null=True, blank=True)

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
