"""A cluster, described by its director, and its members."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.validators import ice_validator

from ..choices import LegalForm, MemberType, Region, Sector


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
    # Both optional; with them the ministry detects an evaluator's ties to the member.
    ice = models.CharField(_("ICE"), max_length=15, blank=True, validators=[ice_validator])
    email = models.EmailField(_("courriel de contact"), blank=True)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["name"]

    def __str__(self):
        return self.name
