from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import RowsChoiceField
from core.templatetags.portal import mad
from core.uploads import EXTENSIONS

from ..choices import Indicator
from ..models import CollaborativeProject, Dossier


def seen_field():
    """The fingerprint of what the form was loaded from (see applications.concurrency)."""
    return forms.CharField(widget=forms.HiddenInput, required=False)


class SectionTextForm(forms.ModelForm):
    """The free-text fields of one section; every field may stay empty in a draft."""

    seen = seen_field()

    class Meta:
        model = Dossier
        fields = ()

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, **kwargs)
        for name in section.fields:
            model_field = Dossier._meta.get_field(name)
            self.fields[name] = forms.CharField(
                label=model_field.verbose_name.capitalize(),
                required=False,
                widget=forms.Textarea(attrs={"rows": 8}),
                initial=getattr(self.instance, name),
            )


class MembersForm(forms.Form):
    seen = seen_field()
    members = RowsChoiceField(
        label=_("Membres qui participent à la candidature"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = cluster.members.all()


class ProjectForm(forms.ModelForm):
    seen = seen_field()

    class Meta:
        model = CollaborativeProject
        fields = ("title", "partners", "budget", "duration_months")
        widgets = {"partners": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"partners": _("Entreprises, laboratoires et centres de formation associés.")}


def _amount_field(label, max_value=None):
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=max_value,
        max_digits=14,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class BudgetForm(forms.Form):
    """One pair of amounts per contract year."""

    seen = seen_field()

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = range(1, dossier.call.contract_years + 1)
        existing = {row.year: row for row in dossier.budget_years.all()}
        for year in self.years:
            budget = _amount_field(
                _("Année %(year)s — budget de la structure d'animation (MAD)") % {"year": year}
            )
            subsidy = _amount_field(
                _("Année %(year)s — subvention demandée (MAD)") % {"year": year},
                max_value=dossier.call.max_annual_subsidy,
            )
            subsidy.error_messages["max_value"] = _(
                "La subvention demandée dépasse le maximum annuel de l'appel (%(limit)s)."
            ) % {"limit": mad(dossier.call.max_annual_subsidy)}
            if year in existing:
                budget.initial = existing[year].animation_budget
                subsidy.initial = existing[year].subsidy_requested
            self.fields[f"budget_{year}"] = budget
            self.fields[f"subsidy_{year}"] = subsidy

    def clean(self):
        cleaned = super().clean()
        for year in self.years:
            if f"budget_{year}" in self.errors or f"subsidy_{year}" in self.errors:
                continue  # that year already has its own, more precise message
            budget, subsidy = cleaned.get(f"budget_{year}"), cleaned.get(f"subsidy_{year}")
            if (budget is None) != (subsidy is None):
                self.add_error(
                    f"subsidy_{year}" if subsidy is None else f"budget_{year}",
                    _("Indiquez le budget et la subvention de l'année, ou aucun des deux."),
                )
            elif budget is not None and subsidy > budget:
                self.add_error(
                    f"subsidy_{year}",
                    _("La subvention ne peut pas dépasser le budget de la structure d'animation."),
                )
        return cleaned

    def years_data(self):
        """{year: (budget, subsidy)}, or {year: None} for a year left empty."""
        data = {}
        for year in self.years:
            budget = self.cleaned_data.get(f"budget_{year}")
            data[year] = None if budget is None else (budget, self.cleaned_data[f"subsidy_{year}"])
        return data


class KpiForm(forms.Form):
    """A grid: one row per programme indicator, one column per contract year."""

    seen = seen_field()

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = range(1, dossier.call.contract_years + 1)
        existing = {(row.indicator, row.year): row.target for row in dossier.kpi_targets.all()}
        self.rows = []
        for indicator, label in Indicator.choices:
            names = []
            for year in self.years:
                name = f"{indicator}_{year}"
                self.fields[name] = forms.IntegerField(
                    label=_("%(indicator)s — année %(year)s") % {"indicator": label, "year": year},
                    min_value=0,
                    max_value=100000,
                    required=False,
                    initial=existing.get((indicator, year)),
                    widget=forms.NumberInput(attrs={"class": "form-control text-end"}),
                )
                names.append(name)
            self.rows.append((label, [self[name] for name in names]))

    def targets(self):
        return {
            (indicator, year): self.cleaned_data.get(f"{indicator}_{year}")
            for indicator in Indicator.values
            for year in self.years
        }


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Fichier"))

    def __init__(self, *args, requirement, **kwargs):
        super().__init__(*args, **kwargs)
        extensions = sorted(
            extension for code in requirement.allowed_types for extension in EXTENSIONS[code]
        )
        self.fields["file"].widget.attrs["accept"] = ",".join(extensions)


class SubmitForm(forms.Form):
    declaration = forms.BooleanField(
        label=_(
            "Je déclare sur l'honneur que les informations et les pièces de ce dossier sont "
            "exactes et complètes, et que je suis habilité à déposer cette candidature au nom "
            "du cluster."
        ),
        required=True,
        error_messages={
            "required": _("Cochez la déclaration sur l'honneur pour déposer le dossier.")
        },
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du retrait"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
