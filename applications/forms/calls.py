"""Forms of the back office: a call, its checklist of documents, and a change of deadline."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.fields import DateInput, moroccan_datetime_field
from core.translation import columns, language_fields, language_rows
from core.uploads import FileType, check_upload

from ..choices import DocumentPart
from ..models import Call, RequiredDocument
from ..services.calls import CALL_FIELDS

SPECIFICATION_MAX_MB = 20


class CallForm(forms.ModelForm):
    """Every rule of a call. The service does the write; the form only checks and converts."""

    opens_at = moroccan_datetime_field(_("Ouverture des candidatures"))
    closes_at = moroccan_datetime_field(_("Clôture des candidatures"))

    # Shown as fieldsets, in this order.
    GROUPS = (
        (
            _("L'appel"),
            (
                "reference",
                "title",
                "edition_year",
                "description",
                "specification",
                "specification_clear",
            ),
        ),
        (_("Calendrier"), ("opens_at", "closes_at", "results_expected_on")),
        (
            _("Éligibilité"),
            (
                "accepts_new_clusters",
                "accepts_returning_clusters",
                "returning_min_years",
                "min_members",
                "min_company_share",
            ),
        ),
        (
            _("Budget et contrat-programme"),
            ("budget_envelope", "contract_years", "max_annual_subsidy", "max_dossier_size_mb"),
        ),
    )

    class Meta:
        model = Call
        fields = CALL_FIELDS
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 6}) for name in columns("description")},
            "results_expected_on": DateInput(),
            # A plain input: the stored file has no public address to link to (files are private).
            "specification": forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        }
        help_texts = {
            "reference": _(
                "Utilisée dans l'adresse de la page publique, par exemple « aap-clusters-2024 » : "
                "lettres minuscules, chiffres et tirets."
            ),
            "returning_min_years": _(
                "Un cluster déjà soutenu peut candidater après ce nombre d'années de soutien."
            ),
            "min_company_share": _("Pourcentage d'entreprises parmi les membres, de 0 à 100."),
            "max_dossier_size_mb": _("Total de toutes les pièces d'un dossier."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language_fields(self, "title", "description")
        self.fields["specification"].help_text = _(
            "Facultatif. Un fichier PDF de %(size)s Mo au plus."
        ) % {"size": SPECIFICATION_MAX_MB}
        if self.instance.specification:
            self.fields["specification"].help_text = _(
                "Un cahier des charges est déjà déposé ; un nouveau fichier le remplace. "
                "Un fichier PDF de %(size)s Mo au plus."
            ) % {"size": SPECIFICATION_MAX_MB}
            self.fields["specification_clear"] = forms.BooleanField(
                label=_("Retirer le cahier des charges actuel"), required=False
            )
        if self.instance.pk and self.instance.is_published:
            # The public address and the deadline of a published call stay put here; the
            # deadline moves through its own page, which tells the directors concerned.
            for name in ("reference", "closes_at"):
                self.fields[name].disabled = True
            self.fields["reference"].help_text = _(
                "Un appel publié garde sa référence : son adresse publique a pu être diffusée."
            )
            self.fields["closes_at"].help_text = _(
                "Pour prolonger ou déplacer la clôture d'un appel publié, utilisez "
                "« Prolonger ou modifier la clôture » sur la page de l'appel."
            )

    def fieldsets(self):
        return [(title, language_rows(self, list(names))) for title, names in self.GROUPS]

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("specification_clear") and isinstance(
            cleaned_data.get("specification"), UploadedFile
        ):
            self.add_error(
                "specification_clear",
                _("Retirez le cahier des charges ou déposez-en un nouveau, pas les deux."),
            )
        return cleaned_data

    def clean_specification(self):
        upload = self.cleaned_data.get("specification")
        if not isinstance(upload, UploadedFile):
            return upload
        if upload.size > SPECIFICATION_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("Le cahier des charges dépasse %(size)s Mo : réduisez sa taille."),
                params={"size": SPECIFICATION_MAX_MB},
                code="too_large",
            )
        upload.seek(0)
        header = upload.read(5)
        upload.seek(0)
        if header != b"%PDF-":
            raise forms.ValidationError(
                _("Le cahier des charges doit être un fichier PDF. Ce fichier n'en est pas un."),
                code="not_pdf",
            )
        # The stored name keeps the suffix of the given one: make it the true one.
        upload.name = "cahier-des-charges.pdf"
        try:
            # The same checks as every other file: encrypted, active content, polyglots.
            check_upload(upload, allowed_types=[FileType.PDF], max_size_mb=SPECIFICATION_MAX_MB)
        except ApplicationError as error:
            raise forms.ValidationError(error.message, code="refused") from error
        return upload

    def call_fields(self):
        """The cleaned values as call_save() takes them; locked fields are left as they are."""
        fields = {
            name: value
            for name, value in self.cleaned_data.items()
            if not self.fields[name].disabled
        }
        specification = fields.pop("specification", None)
        if fields.pop("specification_clear", False):
            fields["specification"] = ""
        elif isinstance(specification, UploadedFile):
            fields["specification"] = specification
        return fields


class RequiredDocumentForm(forms.ModelForm):
    part = forms.ChoiceField(
        label=_("Partie du dossier"),
        choices=DocumentPart.choices,
        widget=forms.RadioSelect,
        initial=DocumentPart.ADMINISTRATIVE,
    )
    allowed_types = forms.MultipleChoiceField(
        label=_("Types de fichiers acceptés"),
        choices=FileType.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[FileType.PDF],
        error_messages={"required": _("Cochez au moins un type de fichier.")},
    )

    class Meta:
        model = RequiredDocument
        fields = (
            "part",
            *columns("label"),
            *columns("help_text"),
            "mandatory",
            "allowed_types",
            "max_size_mb",
            "position",
        )
        help_texts = {
            "help_text_fr": _("Affiché sous l'intitulé pour guider le directeur du cluster."),
            "position": _("Les pièces d'une même partie sont listées dans cet ordre."),
        }

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        language_fields(self, "label", "help_text")
        self.fields["help_text_fr"].help_text = _(
            "Affiché sous l'intitulé pour guider le directeur du cluster."
        )
        self.call = call
        self.fields["max_size_mb"].help_text = _(
            "Au plus %(size)s Mo, la taille maximum d'un dossier complet pour cet appel."
        ) % {"size": call.max_dossier_size_mb}

    def clean_max_size_mb(self):
        size = self.cleaned_data["max_size_mb"]
        if size > self.call.max_dossier_size_mb:
            raise forms.ValidationError(
                _("Une pièce ne peut dépasser la taille maximum d'un dossier (%(size)s Mo)."),
                params={"size": self.call.max_dossier_size_mb},
                code="too_large",
            )
        return size

    def document_fields(self):
        return dict(self.cleaned_data)


class DeadlineChangeForm(forms.Form):
    closes_at = moroccan_datetime_field(_("Nouvelle date de clôture"))
    reason = forms.CharField(
        label=_("Motif du changement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Il figurera au journal de l'appel et dans l'e-mail envoyé aux directeurs "
            "dont le dossier est encore en brouillon."
        ),
        error_messages={"required": _("Indiquez le motif du changement de date.")},
    )
