from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import DecimalDigits, DeleteGuardMixin, DeleteGuardQuerySet, TimeStampedModel
from core.states import register_badges

SCORE: DecimalDigits = {"max_digits": 6, "decimal_places": 2}


class Grid(TimeStampedModel):
    """A call's evaluation grid: weighted criteria scored on one scale, totalled out of 100."""

    call = models.OneToOneField("applications.Call", on_delete=models.CASCADE, related_name="grid")
    scale_max = models.PositiveSmallIntegerField(
        _("note maximum"), default=4, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    # Words for each score, from 0 to scale_max ("absent", "faible"…).
    scale_labels = models.JSONField(_("libellés des notes"), default=list, blank=True)
    min_total = models.DecimalField(
        _("total minimum pour être éligible (sur 100)"), default=Decimal("60"), **SCORE
    )
    criterion_min_ratio = models.DecimalField(
        _("part minimum de chaque critère"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.40"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_(
            "Un critère noté en dessous de cette part de son maximum rend le dossier inéligible."
        ),
    )
    divergence_threshold = models.DecimalField(
        _("écart entre évaluateurs qui appelle un consensus (points)"),
        default=Decimal("15"),
        **SCORE,
    )
    evaluation_deadline = models.DateTimeField(_("date limite d'évaluation"), null=True, blank=True)
    # How far back an evaluator's organisations count when likely conflicts are detected.
    conflict_lookback_years = models.PositiveSmallIntegerField(
        _("années prises en compte pour les conflits d'intérêts"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    appeal_days = models.PositiveSmallIntegerField(
        _("délai de recours (jours)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    results_require_closed_sitting = models.BooleanField(
        _("publication des résultats après une séance du comité clôturée"), default=True
    )
    frozen_at = models.DateTimeField(_("figée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("grille d'évaluation")
        verbose_name_plural = _("grilles d'évaluation")

    def __str__(self):
        return str(self.call)

    @property
    def is_frozen(self):
        return self.frozen_at is not None


class Criterion(models.Model):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField(_("critère"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("poids"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    min_score = models.DecimalField(
        _("note minimum (facultative)"),
        null=True,
        blank=True,
        help_text=_("Vide : la part minimum de la grille s'applique."),
        **SCORE,
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label


class ConflictKind(models.TextChoices):
    EMPLOYMENT = "employment", _("Emploi")
    COLLABORATION = "collaboration", _("Collaboration")
    FAMILY = "family", _("Lien familial")
    FINANCIAL = "financial", _("Intérêt financier")
    OTHER = "other", _("Autre")


class ConflictDeclaration(models.Model):
    """An evaluator's word about one cluster, given before opening its dossier. "No conflict"
    is a declaration too, kept with its time (an empty answer is not an answer)."""

    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflict_declarations"
    )
    cluster = models.ForeignKey(
        "applications.Cluster", on_delete=models.PROTECT, related_name="conflict_declarations"
    )
    has_conflict = models.BooleanField(_("conflit d'intérêts"))
    # Empty exactly when there is no conflict.
    kind = models.CharField(
        _("nature du conflit"), max_length=20, choices=ConflictKind.choices, blank=True
    )
    statement = models.TextField(_("précisions"), blank=True)
    declared_at = models.DateTimeField(_("déclaré le"), auto_now_add=True)
    changed_at = models.DateTimeField(_("modifiée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("déclaration d'intérêts")
        verbose_name_plural = _("déclarations d'intérêts")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluator", "cluster"], name="conflict_one_declaration_per_cluster"
            ),
            models.CheckConstraint(
                condition=(Q(has_conflict=True) & ~Q(kind=""))
                | (Q(has_conflict=False) & Q(kind="")),
                name="conflict_kind_when_conflict",
            ),
        ]

    def __str__(self):
        return f"{self.evaluator} / {self.cluster}"


class AssignmentStatus(models.TextChoices):
    AWAITING_DECLARATION = "awaiting_declaration", _("Déclaration d'intérêts attendue")
    ACTIVE = "active", _("En cours")
    WITHDRAWN_CONFLICT = "withdrawn_conflict", _("Retirée : conflit d'intérêts")
    REMOVED = "removed", _("Retirée par l'administrateur")


register_badges(
    {
        AssignmentStatus.AWAITING_DECLARATION: "text-bg-warning",
        AssignmentStatus.ACTIVE: "text-bg-primary",
        AssignmentStatus.WITHDRAWN_CONFLICT: "text-bg-secondary",
        AssignmentStatus.REMOVED: "text-bg-secondary",
    }
)


class Assignment(TimeStampedModel):
    """An evaluator asked to score one dossier."""

    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, related_name="assignments"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("état"),
        max_length=30,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.AWAITING_DECLARATION,
    )

    class Meta:
        verbose_name = _("attribution")
        verbose_name_plural = _("attributions")
        ordering = ["created_at"]
        constraints = [
            # One live assignment per evaluator and dossier; withdrawn ones stay for the record.
            models.UniqueConstraint(
                fields=["dossier", "evaluator"],
                condition=Q(status__in=["awaiting_declaration", "active"]),
                name="assignment_one_live_per_evaluator",
            ),
        ]

    def __str__(self):
        return f"{self.dossier} → {self.evaluator}"

    @property
    def is_live(self):
        return self.status in (AssignmentStatus.AWAITING_DECLARATION, AssignmentStatus.ACTIVE)


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumise")


register_badges(
    {ReviewStatus.DRAFT: "text-bg-secondary", ReviewStatus.SUBMITTED: "text-bg-primary"}
)


class Review(DeleteGuardMixin, TimeStampedModel):
    """One evaluator's scoring of one dossier; final once submitted."""

    deletion_refused = _(
        "Une évaluation soumise ne se supprime pas : un administrateur peut la rouvrir."
    )

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="review")
    status = models.CharField(
        _("état"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    # Weighted total out of 100, computed by the service from the scores when submitted.
    total = models.DecimalField(_("total pondéré"), null=True, blank=True, **SCORE)
    comment = models.TextField(_("appréciation générale"), blank=True)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)

    objects = DeleteGuardQuerySet.as_manager()

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(total__isnull=False) & Q(submitted_at__isnull=False)),
                name="review_submitted_has_total",
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | (Q(total__gte=0) & Q(total__lte=100)),
                name="review_total_out_of_100",
            ),
        ]

    def __str__(self):
        return f"{self.assignment}"

    @classmethod
    def undeletable(cls, queryset):
        return queryset.exclude(status=ReviewStatus.DRAFT)


class Score(DeleteGuardMixin, models.Model):
    deletion_refused = _("La note d'une évaluation soumise ne se supprime pas.")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(_("note"))
    justification = models.TextField(_("justification"))

    objects = DeleteGuardQuerySet.as_manager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_one_per_criterion"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"

    @classmethod
    def undeletable(cls, queryset):
        return queryset.exclude(review__status=ReviewStatus.DRAFT)


class Consensus(TimeStampedModel):
    """The selection committee's score for a dossier whose evaluators diverged."""

    dossier = models.OneToOneField(
        "applications.Dossier", on_delete=models.PROTECT, related_name="consensus"
    )
    score = models.DecimalField(
        _("note de consensus (sur 100)"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **SCORE,
    )
    justification = models.TextField(_("justification"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("consensus")
        verbose_name_plural = _("consensus")

    def __str__(self):
        return f"{self.dossier}: {self.score}"


class Decision(TimeStampedModel):
    """The outcome for one dossier, decided by the committee; published with the results."""

    class Outcome(models.TextChoices):
        SELECTED = "selected", _("Retenu")
        WAITING_LIST = "waiting_list", _("Liste d'attente")
        REJECTED = "rejected", _("Non retenu")

    dossier = models.OneToOneField(
        "applications.Dossier", on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(_("décision"), max_length=20, choices=Outcome.choices)
    # The subsidy over the whole contract, as asked in the dossier when selected (MAD).
    subsidy_total = models.DecimalField(
        _("subvention totale (MAD)"), max_digits=14, decimal_places=2
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    letter = models.FileField(
        _("lettre de décision"), upload_to="decisions/", blank=True, max_length=300
    )

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")

    def __str__(self):
        return f"{self.dossier}: {self.outcome}"


class ReviewSummary(models.Model):
    """What the submitted reviews of one dossier add up to, kept by the review service when a
    review is submitted or reopened: the ranking reads one row per dossier instead of
    aggregating every note of the call (27,000 for 1,000 dossiers) on each view.

    Absent for a dossier without submitted reviews. The grid is frozen by the call's first
    submitted review, so the notes alone decide `below_minimum`."""

    dossier = models.OneToOneField(
        "applications.Dossier",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="review_summary",
    )
    review_count = models.PositiveSmallIntegerField(_("évaluations soumises"), default=0)
    # Six decimals: two means of a few reviews' totals (two decimals each) never meet there.
    mean_total = models.DecimalField(_("moyenne des totaux"), max_digits=9, decimal_places=6)
    spread = models.DecimalField(_("écart entre les totaux"), **SCORE)
    # On some criterion, the mean of the notes is under its minimum.
    below_minimum = models.BooleanField(_("un critère sous son minimum"), default=False)

    class Meta:
        verbose_name = _("synthèse des évaluations")
        verbose_name_plural = _("synthèses des évaluations")

    def __str__(self):
        return f"{self.dossier_id}: {self.review_count}"
