"""Validators on identifiers that two apps' models share."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# The Identifiant Commun de l'Entreprise: fifteen digits, the same for a company everywhere.
ice_validator = RegexValidator(
    r"^\d{15}$", _("L'ICE compte exactement 15 chiffres."), code="invalid_ice"
)
