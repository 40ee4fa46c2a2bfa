"""Forms of the annual reports and the payments: the director's report, the ministry's review,
the record of a transfer."""

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.fields import DateInput
from core.formatting import isolated_text, joined_text
from core.uploads import EXTENSIONS, FileType

from ..services.reports import EVIDENCE_TYPES, REPORT_MAX_MB, REPORT_TYPES
from .drafting import MAX_TARGET

FILE_FIELDS = ("activity_report", "financial_report")


def accept(types):
    return ",".join(sorted(extension for code in types for extension in EXTENSIONS[code]))


def rules_text(types):
    labels = joined_text(str(dict(FileType.choices)[code]) for code in types)
    return gettext("Types acceptés : %(types)s. Taille maximum : %(size)s Mo.") % {
        "types": labels,
        "size": REPORT_MAX_MB,
    }


def _file_field(label, types):
    return forms.FileField(
        label=label,
        required=False,
        help_text=lazy(rules_text, str)(types),
        widget=forms.FileInput(attrs={"accept": accept(types), "class": "form-control"}),
    )


class ReportForm(forms.Form):
    """The whole report on one page: a line per commitment of the year, the two report files
    and the cluster's comment. Files are checked by the services, which know the rules."""

    activity_report = _file_field(_("Rapport d'activité"), REPORT_TYPES)
    financial_report = _file_field(_("Rapport financier"), REPORT_TYPES)
    comment = forms.CharField(
        label=_("Commentaire général"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce que le ministère doit savoir de l'année : faits marquants, difficultés."),
    )

    LINE_FIELDS = ("achieved", "comment", "evidence")

    def __init__(self, *args, report, commitments, achievements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].initial = report.comment
        self.lines = []
        for commitment in commitments:
            line = achievements.get(commitment.pk)
            achieved, comment, evidence = (f"{name}_{commitment.pk}" for name in self.LINE_FIELDS)
            self.fields[achieved] = forms.IntegerField(
                label=_("Réalisé — %(name)s") % {"name": isolated_text(commitment.name)},
                min_value=0,
                max_value=MAX_TARGET,
                # A value once given can be corrected but not erased.
                required=line is not None,
                initial=line.achieved if line else None,
                widget=forms.NumberInput(attrs={"class": "form-control text-end"}),
            )
            self.fields[comment] = forms.CharField(
                label=_("Commentaire — %(name)s") % {"name": isolated_text(commitment.name)},
                required=False,
                initial=line.comment if line else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[evidence] = _file_field(
                _("Justificatif — %(name)s") % {"name": isolated_text(commitment.name)},
                EVIDENCE_TYPES,
            )
            self.lines.append(
                {
                    "commitment": commitment,
                    "achievement": line,
                    "achieved": self[achieved],
                    "comment": self[comment],
                    "evidence": self[evidence],
                }
            )

    def line_values(self):
        """(commitment, achieved, comment, evidence) of the lines with a value."""
        for line in self.lines:
            pk = line["commitment"].pk
            achieved = self.cleaned_data.get(f"achieved_{pk}")
            if achieved is None:
                continue
            yield (
                line["commitment"],
                achieved,
                self.cleaned_data.get(f"comment_{pk}", ""),
                self.cleaned_data.get(f"evidence_{pk}"),
            )


class ApproveForm(forms.Form):
    prefix = "approve"
    comment = forms.CharField(
        label=_("Observations (facultatives)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChangesForm(forms.Form):
    prefix = "changes"
    review_comment = forms.CharField(
        label=_("Compléments attendus du cluster"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Le cluster lira ce message en haut de son rapport et pourra le compléter."),
        error_messages={"required": _("Précisez les compléments attendus du cluster.")},
    )


class PaymentForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Date du versement"),
        widget=DateInput(),
    )
    amount = forms.DecimalField(
        label=_("Montant versé (MAD)"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control text-end", "step": "0.01"}),
    )
    reference = forms.CharField(
        label=_("Référence du virement"),
        max_length=100,
        help_text=_("Telle qu'elle figure sur l'ordre de virement."),
    )

    def __init__(self, *args, tranche, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["paid_on"].initial = today
        self.fields["paid_on"].widget.attrs["max"] = today.isoformat()
        self.fields["amount"].initial = tranche.due_amount

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("La date du versement ne peut pas être dans le futur."))
        return paid_on
