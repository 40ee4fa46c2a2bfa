"""Forms of the contract's page: its lifecycle actions and the administrators' list filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Call, CallStatus
from core.fields import RowChoiceField

from ..models import ContractStatus
from ..services.lifecycle import SCAN_MAX_MB

LANGUAGES = [("fr", _("Français")), ("ar", _("Arabe"))]


class VersionRequestForm(forms.Form):
    language = forms.ChoiceField(label=_("Langue du PDF"), choices=LANGUAGES, initial="fr")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class RecallForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Motif de la reprise")
        self.fields["reason"].help_text = _(
            "Le motif figure dans l'historique du contrat, que le cluster peut lire."
        )


class TerminateForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Motif de la résiliation")
        self.fields["reason"].widget.attrs["rows"] = 5


class PdfUploadForm(forms.Form):
    """One PDF to upload; the accepted type and size are said before the file is picked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.help_text = _("Fichier PDF, %(size)s Mo au plus.") % {"size": SCAN_MAX_MB}


class SignForm(PdfUploadForm):
    scan = forms.FileField(
        label=_("Contrat signé et scanné"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class ActivateForm(PdfUploadForm):
    final_copy = forms.FileField(
        label=_("Exemplaire contresigné par le ministère"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class ContractFilterForm(forms.Form):
    """The list's filters, read from the URL so that a filtered list can be shared."""

    call = RowChoiceField(
        label=_("Appel à projets"),
        queryset=Call.objects.none(),
        required=False,
        empty_label=_("Tous les appels"),
    )
    status = forms.ChoiceField(label=_("État"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = Call.objects.exclude(status=CallStatus.DRAFT).order_by(
            "-edition_year", "title"
        )
        self.fields["status"].choices = [("", _("Tous les états")), *ContractStatus.choices]
