"""Forms of the admissibility check: the two declarations and the request for documents."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import RowsChoiceField, moroccan_datetime_field


class AdmissibleForm(forms.Form):
    prefix = "admissible"

    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Inscrit à l'historique du dossier, que le cluster peut lire."),
    )


class InadmissibleForm(forms.Form):
    prefix = "inadmissible"

    reason = forms.CharField(
        label=_("Motif de l'irrecevabilité"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Inscrit à l'historique du dossier, que le cluster peut lire."),
        error_messages={
            "required": _("Indiquez le motif de l'irrecevabilité : il sera communiqué au cluster.")
        },
    )


class DocumentsRequestForm(forms.Form):
    prefix = "request"

    requirements = RowsChoiceField(
        label=_("Pièces demandées"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Le cluster pourra ajouter ou remplacer ces seules pièces."),
        error_messages={"required": _("Choisissez au moins une pièce à demander.")},
    )
    message = forms.CharField(
        label=_("Message au cluster"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Écrivez un message au cluster.")},
    )
    reply_by = moroccan_datetime_field(
        _("Réponse attendue avant le"),
        error_messages={"required": _("Indiquez la date limite de réponse.")},
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirements"].queryset = call.required_documents.all()
        self.fields["requirements"].label_from_instance = lambda requirement: (
            f"{requirement.get_part_display()} — {requirement.label}"
        )
