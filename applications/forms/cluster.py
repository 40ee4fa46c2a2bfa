"""Forms of the director's cluster pages. They validate; the services in
applications.services.clusters do the writing (the forms are never saved)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import MemberType
from ..models import Cluster, ClusterMember
from ..services.clusters import CLUSTER_FIELDS, MEMBER_FIELDS

FIRST_YEAR = 1950
# The bound of the model; the programme itself began in 2011.
FIRST_SUPPORT_YEAR = 2000


def _as_year(field, minimum):
    """A number input bounded like the server check (the field's own bound is 0)."""
    field.widget.attrs.update(
        {"min": minimum, "max": timezone.localdate().year, "inputmode": "numeric"}
    )


def _check_year(value, *, minimum, message):
    """Years are in the past or this year: a clear sentence rather than a bare bound."""
    if value is not None and not minimum <= value <= timezone.localdate().year:
        raise forms.ValidationError(
            message, code="year", params={"min": minimum, "max": timezone.localdate().year}
        )
    return value


class ClusterForm(forms.ModelForm):
    class Meta:
        model = Cluster
        fields = CLUSTER_FIELDS
        widgets = {
            "niches": forms.Textarea(attrs={"rows": 3}),
            "board": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "acronym": _("Exemple : MNC"),
            "niches": _("Les domaines d'activité stratégiques du cluster, un par ligne."),
            "board": _(
                "Les membres du conseil d'administration, un par ligne, avec leur organisme."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _as_year(self.fields["founded_year"], FIRST_YEAR)
        _as_year(self.fields["first_supported_year"], FIRST_SUPPORT_YEAR)

    def clean_founded_year(self):
        return _check_year(
            self.cleaned_data.get("founded_year"),
            minimum=FIRST_YEAR,
            message=_("L'année de création doit être comprise entre %(min)s et %(max)s."),
        )

    def clean_first_supported_year(self):
        return _check_year(
            self.cleaned_data.get("first_supported_year"),
            minimum=FIRST_SUPPORT_YEAR,
            message=_(
                "La première année de soutien de l'État doit être comprise entre %(min)s et "
                "%(max)s, ou laissée vide."
            ),
        )

    def clean(self):
        cleaned = super().clean()
        founded, supported = cleaned.get("founded_year"), cleaned.get("first_supported_year")
        if founded and supported and supported < founded:
            self.add_error(
                "first_supported_year",
                _("L'État ne peut pas avoir soutenu le cluster avant sa création (%(year)s).")
                % {"year": founded},
            )
        return cleaned


class MemberForm(forms.ModelForm):
    class Meta:
        model = ClusterMember
        fields = MEMBER_FIELDS
        help_texts = {
            "member_type": _(
                "Grandes entreprises, PME et start-ups comptent comme entreprises "
                "pour la part minimum demandée par l'appel."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _as_year(self.fields["joined_year"], FIRST_YEAR)

    def clean_joined_year(self):
        return _check_year(
            self.cleaned_data.get("joined_year"),
            minimum=FIRST_YEAR,
            message=_("L'année d'adhésion doit être comprise entre %(min)s et %(max)s."),
        )


class MemberFilterForm(forms.Form):
    """The filter above the member table; read from the URL so it can be shared and kept."""

    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Tous les types")), *MemberType.choices],
    )


class CoEditorForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail du co-éditeur"),
        help_text=_(
            "La personne doit déjà avoir un compte de directeur de cluster sur le portail."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
