"""What the ministry knows of an evaluator before assigning them: expertise, the organisations
they worked for or with, their load cap; and the administrator's clearance of a likely
conflict the portal detected."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.validators import ice_validator


class EvaluatorProfile(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluator_profile"
    )
    # Codes of applications.choices.Sector and Region.
    sectors = models.JSONField(_("secteurs d'expertise"), default=list, blank=True)
    regions = models.JSONField(_("régions connues"), default=list, blank=True)
    keywords = models.TextField(
        _("mots-clés"), blank=True, help_text=_("Séparés par des virgules.")
    )
    max_load = models.PositiveSmallIntegerField(
        _("nombre maximum de dossiers par appel"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
    )

    class Meta:
        verbose_name = _("profil d'évaluateur")
        verbose_name_plural = _("profils d'évaluateurs")

    def __str__(self):
        return str(self.user)


class OrganisationRelation(models.TextChoices):
    WORKED_FOR = "worked_for", _("A travaillé pour")
    WORKED_WITH = "worked_with", _("A travaillé avec")


class EvaluatorOrganisation(models.Model):
    """An organisation the evaluator worked for or with, over a span of years."""

    profile = models.ForeignKey(
        EvaluatorProfile, on_delete=models.CASCADE, related_name="organisations"
    )
    name = models.CharField(_("organisation"), max_length=200)
    relation = models.CharField(
        _("relation"),
        max_length=20,
        choices=OrganisationRelation.choices,
        default=OrganisationRelation.WORKED_FOR,
    )
    ice = models.CharField(_("ICE"), max_length=15, blank=True, validators=[ice_validator])
    email_domain = models.CharField(
        _("domaine de messagerie"),
        max_length=100,
        blank=True,
        help_text=_("Par exemple « ocpgroup.ma »."),
    )
    start_year = models.PositiveSmallIntegerField(
        _("de"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    # Empty while the relation lasts.
    end_year = models.PositiveSmallIntegerField(
        _("à"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
        help_text=_("Laissez vide si la relation continue."),
    )

    class Meta:
        verbose_name = _("organisation de l'évaluateur")
        verbose_name_plural = _("organisations de l'évaluateur")
        ordering = ["-start_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=F("start_year")),
                name="evaluator_organisation_years_in_order",
            ),
        ]

    def __str__(self):
        return self.name


class ConflictClearance(models.Model):
    """An administrator's written decision that a detected likely conflict is not one, for
    one evaluator and one cluster in one call (journaled by its service)."""

    call = models.ForeignKey(
        "applications.Call", on_delete=models.CASCADE, related_name="conflict_clearances"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cluster = models.ForeignKey("applications.Cluster", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("motif"))
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cleared_at = models.DateTimeField(_("levé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("levée de conflit présumé")
        verbose_name_plural = _("levées de conflits présumés")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "evaluator", "cluster"], name="conflict_clearance_once"
            ),
        ]

    def __str__(self):
        return f"{self.evaluator} / {self.cluster}"
