from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .managers import UserManager


class Role(models.TextChoices):
    DIRECTOR = "director", _("Directeur de cluster")
    EVALUATOR = "evaluator", _("Évaluateur")
    COMMITTEE = "committee", _("Membre du comité de sélection")
    ADMINISTRATOR = "administrator", _("Administrateur du programme")


# Roles that only an administrator can give, by invitation.
STAFF_ROLES = (Role.EVALUATOR, Role.COMMITTEE, Role.ADMINISTRATOR)


class User(AbstractBaseUser, PermissionsMixin):
    """A person using the portal; the e-mail address is the login."""

    email = models.EmailField(_("adresse e-mail"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=150)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    preferred_language = models.CharField(
        _("langue préférée"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.DIRECTOR)
    email_verified_at = models.DateTimeField(_("e-mail vérifié le"), null=True, blank=True)
    invited_by = models.ForeignKey(
        "self",
        verbose_name=_("invité par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(
        _("accès à l'administration technique"),
        default=False,
        help_text=_("Donne accès à l'interface d'administration technique de Django."),
    )
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    # Set once an authenticator app is confirmed: kept on the row so that every request knows,
    # without a query, whether a director who opted in must give a code (staff always must).
    two_factor_enabled = models.BooleanField(_("double authentification activée"), default=False)
    # Set by the retention policy: the row stays for the records pointing to it (journal,
    # reviews, files), its name, address and phone are placeholders and it can no longer log in.
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["full_name"]
        constraints = [
            # Two accounts must never differ only by the case of their address.
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="accounts_user_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def email_verified(self):
        return self.email_verified_at is not None

    @property
    def is_director(self):
        return self.role == Role.DIRECTOR

    @property
    def is_evaluator(self):
        return self.role == Role.EVALUATOR

    @property
    def is_committee_member(self):
        return self.role == Role.COMMITTEE

    @property
    def is_administrator(self):
        return self.role == Role.ADMINISTRATOR

    @property
    def two_factor_required(self):
        """Ministry staff must give a code at every login; directors only once they opted in."""
        return self.role in STAFF_ROLES or self.two_factor_enabled
