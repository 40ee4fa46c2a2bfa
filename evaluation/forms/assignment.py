"""Forms of the assignments: add an evaluator, take a dossier back, declare one's interests."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.selectors import active_evaluators
from core.fields import RowChoiceField
from core.formatting import isolated_text

NO_CONFLICT = "none"
CONFLICT = "conflict"


def evaluator_label(evaluator):
    load = getattr(evaluator, "load", None)
    if load is None:
        return evaluator.full_name
    return ngettext("%(name)s (%(load)s dossier)", "%(name)s (%(load)s dossiers)", load) % {
        "name": isolated_text(evaluator.full_name),
        "load": load,
    }


class AssignmentAddForm(forms.Form):
    """One dossier's "add an evaluator" form. Its list shows only `candidates` (no conflict,
    not already assigned), computed for the whole page at once; the service checks again."""

    evaluator = RowChoiceField(
        label=_("Évaluateur à ajouter"),
        queryset=active_evaluators(),
        empty_label=_("Choisir un évaluateur…"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            # A fixed list: rendering the table costs no query per dossier.
            self.fields["evaluator"].choices = [
                ("", self.fields["evaluator"].empty_label),
                *((evaluator.pk, evaluator_label(evaluator)) for evaluator in candidates),
            ]


class AssignmentRemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du retrait"),
        max_length=1000,
        help_text=_("Inscrit à l'historique du dossier."),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )


class InterestsForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Votre déclaration"),
        widget=forms.RadioSelect,
        choices=[
            (
                NO_CONFLICT,
                _("Je déclare n'avoir aucun conflit d'intérêts avec ce cluster et ses membres"),
            ),
            (CONFLICT, _("J'ai un conflit d'intérêts")),
        ],
    )
    statement = forms.CharField(
        label=_("Nature du conflit d'intérêts"),
        required=False,
        max_length=4000,
        help_text=_(
            "Seulement si vous avez un conflit : vos liens avec le cluster ou l'un de ses "
            "membres (emploi, mandat, intérêt financier, lien familial…). Seuls les "
            "administrateurs du programme lisent ces précisions."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    @property
    def has_conflict(self):
        return self.cleaned_data["decision"] == CONFLICT

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == CONFLICT and not cleaned.get("statement", "").strip():
            self.add_error("statement", _("Précisez la nature du conflit d'intérêts."))
        return cleaned
