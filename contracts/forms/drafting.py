"""Forms of the contract's drafting: the draft's parties and dates, the subsidy schedule in
tranche lines, the KPI commitments grid and the call's model contract."""

import contextlib
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from applications.choices import Indicator
from core.fields import DateInput
from core.translation import LANGUAGE_NAMES, columns, language_fields, language_rows

from ..defaults import TERMS
from ..models import (
    CUSTOM_INDICATOR,
    MONEY,
    BelowThreshold,
    Contract,
    ContractTerms,
    TrancheCondition,
)

# Spaces people type or paste between thousands: space, no-break space, narrow no-break space.
THOUSANDS_SPACES = re.compile(r"[\s\u00a0\u202f]")
# Empty rows offered under the custom indicators, to add new ones.
EMPTY_CUSTOM_ROWS = 3
MAX_CUSTOM_ROWS = 30
MAX_TARGET = 1_000_000
# A custom indicator's name is typed in French; these are its optional translations.
TRANSLATIONS = ("ar", "en")


def normalize_amount(text):
    """ "1 200 000,50", "1200000.50" or "1.200.000,50" → "1200000.50": the last comma or point
    is the decimal separator, spaces and the other separator group the thousands."""
    text = THOUSANDS_SPACES.sub("", text)
    last = max(text.rfind(","), text.rfind("."))
    if last < 0:
        return text
    if text.count(text[last]) > 1:  # "1,200,000": the separator only groups thousands
        return text.replace(",", "").replace(".", "")
    whole, decimals = text[:last], text[last + 1 :]
    whole = whole.replace(",", "").replace(".", "")
    return f"{whole}.{decimals}"


class AmountInput(forms.TextInput):
    """Shows a stored amount grouped by thousands ("1 200 000,00"), as people read it; what
    was typed is shown back as typed."""

    def format_value(self, value):
        if isinstance(value, Decimal):
            return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
        return super().format_value(value)


class AmountField(forms.DecimalField):
    """An amount in MAD, to the centime, typed as "1 200 000,50" or "1200000.50"."""

    widget = AmountInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", MONEY["max_digits"])
        kwargs.setdefault("decimal_places", MONEY["decimal_places"])
        kwargs.setdefault("localize", True)
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "invalid", _("Saisissez un montant en dirhams, par exemple 1 200 000,50.")
        )
        kwargs["error_messages"].setdefault(
            "max_decimal_places", _("Un montant s'arrête au centime (deux décimales au plus).")
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if isinstance(value, str):
            value = normalize_amount(value)
        value = super().to_python(value)
        # "NaN", "Infinity" and "sNaN" are Decimals too; a signalling NaN raises on the first
        # comparison (the formset's has_changed does one), so none of them gets that far.
        if value is not None and not value.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class ContractDraftForm(forms.ModelForm):
    """The draft's parties, start date and KPI rule (fields as contract_update takes them)."""

    class Meta:
        model = Contract
        fields = (
            "start_date",
            "legal_name",
            "representative_name",
            *columns("representative_title"),
            *columns("ministry_representative"),
            "kpi_threshold",
            "below_threshold",
        )
        localized_fields = ("kpi_threshold",)
        widgets = {
            "start_date": DateInput(),
            "below_threshold": forms.RadioSelect,
        }
        help_texts = {
            "start_date": _(
                "Les dates de remise des rapports annuels sont recalculées à partir de cette date."
            ),
            "legal_name": _("Telle qu'elle figure dans les statuts de l'association."),
            "kpi_threshold": _(
                "Taux de réalisation des indicateurs en dessous duquel la tranche liée aux "
                "indicateurs est réduite ou retenue (50 % par défaut)."
            ),
        }

    ORDER = (
        "start_date",
        "legal_name",
        "representative_name",
        "representative_title",
        "ministry_representative",
        "kpi_threshold",
        "below_threshold",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["below_threshold"].choices = BelowThreshold.choices
        language_fields(self, "representative_title", "ministry_representative")

    def rows(self):
        """The fields in order, each title's three languages as one row."""
        return language_rows(self, list(self.ORDER))


class MarksInvalid:
    """Bootstrap's `is-invalid` on the inputs of fields in error, for forms drawn by hand."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class TrancheLineForm(MarksInvalid, forms.Form):
    """One tranche line of a year. A line left without an amount is not kept."""

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    amount = AmountField(label=_("Montant (MAD)"), required=False, min_value=Decimal("0"))
    condition = forms.ChoiceField(
        label=_("Condition de versement"), choices=TrancheCondition.choices, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Figures typed left to right, lined up at the end of the cell as the totals are.
        self.fields["amount"].widget.attrs.update(
            {"class": "form-control text-end", "dir": "ltr", "autocomplete": "off"}
        )
        self.fields["condition"].widget.attrs.update({"class": "form-select"})
        self.fields["condition"].choices = [("", "—"), *TrancheCondition.choices]

    def clean(self):
        cleaned_data = super().clean()
        removed = cleaned_data.get("DELETE")
        if removed:
            return cleaned_data
        if cleaned_data.get("amount") is not None and not cleaned_data.get("condition"):
            self.add_error("condition", _("Choisissez la condition de versement de la tranche."))
        return cleaned_data

    @property
    def is_blank(self):
        """An empty line offered to add a tranche: nothing typed yet."""
        if self.is_bound:
            return not self["amount"].value()
        return self.initial.get("amount") is None


class BaseTrancheFormSet(forms.BaseFormSet):
    def __init__(self, *args, years, **kwargs):
        self.years = years
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        for form in self.forms:
            year = form.cleaned_data.get("year")
            if year is not None and year not in self.years:
                raise ValidationError(
                    _("L'année %(year)s n'existe pas dans ce contrat.") % {"year": year}
                )

    def lines(self):
        """The kept lines, as schedule_update takes them, in the order they were typed."""
        return [
            {
                "year": form.cleaned_data["year"],
                "amount": form.cleaned_data["amount"],
                "condition": form.cleaned_data["condition"],
            }
            for form in self.forms
            if not form.cleaned_data.get("DELETE") and form.cleaned_data.get("amount") is not None
        ]


TrancheFormSet = forms.formset_factory(
    TrancheLineForm,
    formset=BaseTrancheFormSet,
    extra=0,
    can_delete=True,
    max_num=200,
    absolute_max=200,
    validate_max=True,
)


def tranche_formset(contract, tranches, data=None):
    """The schedule's lines, year by year, each year followed by an empty line to add one."""
    years = list(range(1, contract.years + 1))
    initial = []
    for year in years:
        initial += [
            {"year": t.year, "amount": t.amount, "condition": t.condition}
            for t in tranches
            if t.year == year
        ]
        initial.append({"year": year, "amount": None, "condition": ""})
    return TrancheFormSet(data, initial=initial, years=years, prefix="tranches")


class CommitmentsForm(MarksInvalid, forms.Form):
    """Targets per indicator and year: the programme's five indicators, then custom ones (an
    intitulé and a target per year). An empty cell means no commitment for that year."""

    custom_rows = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=MAX_CUSTOM_ROWS
    )

    def __init__(self, data=None, *, years, commitments=(), **kwargs):
        self.years = list(years)
        initial = {}
        customs = []
        for commitment in commitments:
            if commitment.indicator == CUSTOM_INDICATOR:
                if commitment.label not in customs:
                    customs.append(commitment.label)
                row = customs.index(commitment.label)
                initial[f"custom-{row}-label"] = commitment.label
                for code in TRANSLATIONS:
                    initial[f"custom-{row}-label_{code}"] = getattr(commitment, f"label_{code}")
                initial[f"custom-{row}-{commitment.year}"] = commitment.target
            else:
                initial[f"{commitment.indicator}-{commitment.year}"] = commitment.target
        rows = len(customs) + EMPTY_CUSTOM_ROWS
        if data is not None:
            with contextlib.suppress(TypeError, ValueError):
                rows = max(0, min(int(data.get("custom_rows", rows)), MAX_CUSTOM_ROWS))
        initial["custom_rows"] = rows
        super().__init__(data, initial=initial, **kwargs)
        self.custom_count = rows
        for indicator in Indicator:
            for year in self.years:
                self.fields[f"{indicator.value}-{year}"] = self._target_field(
                    _("%(indicator)s, année %(year)s")
                    % {"indicator": indicator.label, "year": year}
                )
        for row in range(rows):
            self.fields[f"custom-{row}-label"] = forms.CharField(
                label=_("Intitulé de l'indicateur spécifique n° %(number)s") % {"number": row + 1},
                max_length=150,
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control", "lang": "fr"}),
            )
            french = initial.get(f"custom-{row}-label", "")
            for code in TRANSLATIONS:
                self.fields[f"custom-{row}-label_{code}"] = self._translation_field(
                    row, code, french
                )
            for year in self.years:
                self.fields[f"custom-{row}-{year}"] = self._target_field(
                    _("Indicateur spécifique n° %(number)s, année %(year)s")
                    % {"number": row + 1, "year": year}
                )

    @staticmethod
    def _translation_field(row, code, french):
        """A custom indicator's name in another language: optional, its French name shown
        (and read) while it is missing."""
        field = forms.CharField(
            label=_("Intitulé de l'indicateur spécifique n° %(number)s %(language)s")
            % {"number": row + 1, "language": LANGUAGE_NAMES[code]},
            max_length=150,
            required=False,
        )
        field.widget.attrs.update(
            {
                "class": "form-control form-control-sm mt-1",
                "lang": code,
                "dir": "rtl" if code == "ar" else "ltr",
                "placeholder": french or LANGUAGE_NAMES[code],
            }
        )
        return field

    @staticmethod
    def _target_field(label):
        # The bound of an achievement in the annual report: a target above it could never be
        # met, and the database's integer would overflow long before a clear message.
        field = forms.IntegerField(label=label, min_value=0, max_value=MAX_TARGET, required=False)
        field.widget.attrs.update(
            {"inputmode": "numeric", "class": "form-control text-end", "dir": "ltr"}
        )
        return field

    def programme_rows(self):
        """(indicator label, [bound field per year]) for the template."""
        return [
            (indicator.label, [self[f"{indicator.value}-{year}"] for year in self.years])
            for indicator in Indicator
        ]

    def custom_rows_fields(self):
        """(French name field, [(translation field, not translated?)], [field per year])."""
        return [
            (
                self[f"custom-{row}-label"],
                [self._translation(row, code) for code in TRANSLATIONS],
                [self[f"custom-{row}-{year}"] for year in self.years],
            )
            for row in range(self.custom_count)
        ]

    def _translation(self, row, code):
        field = self[f"custom-{row}-label_{code}"]
        missing = bool(self.initial.get(f"custom-{row}-label")) and not self.initial.get(
            f"custom-{row}-label_{code}"
        )
        return field, missing

    def clean(self):
        cleaned_data = super().clean()
        labels = set()
        for row in range(self.custom_count):
            label = (cleaned_data.get(f"custom-{row}-label") or "").strip()
            targets = [cleaned_data.get(f"custom-{row}-{year}") for year in self.years]
            if label and all(target is None for target in targets):
                self.add_error(
                    f"custom-{row}-label",
                    _(
                        "Donnez au moins une cible annuelle à cet indicateur, ou effacez son intitulé."
                    ),
                )
            elif not label and any(target is not None for target in targets):
                self.add_error(
                    f"custom-{row}-label", _("Donnez un intitulé à l'indicateur spécifique.")
                )
            elif label and label.casefold() in labels:
                self.add_error(
                    f"custom-{row}-label", _("Cet indicateur spécifique figure déjà plus haut.")
                )
            if label:
                labels.add(label.casefold())
        return cleaned_data

    def commitments(self):
        """The filled cells, as commitments_update takes them."""
        data = self.cleaned_data
        lines = [
            {"indicator": indicator.value, "label": "", "year": year, "target": target}
            for indicator in Indicator
            for year in self.years
            if (target := data.get(f"{indicator.value}-{year}")) is not None
        ]
        for row in range(self.custom_count):
            label = (data.get(f"custom-{row}-label") or "").strip()
            if not label:
                continue
            names = {
                f"label_{code}": (data.get(f"custom-{row}-label_{code}") or "").strip()
                for code in TRANSLATIONS
            }
            lines += [
                {
                    "indicator": CUSTOM_INDICATOR,
                    "label": label,
                    **names,
                    "year": year,
                    "target": target,
                }
                for year in self.years
                if (target := data.get(f"custom-{row}-{year}")) is not None
            ]
        return lines


class TermsForm(forms.ModelForm):
    """The clauses of the call's model contract in one language."""

    class Meta:
        model = ContractTerms
        fields = tuple(TERMS)
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in TERMS if name != "title"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The clauses are in the model's language, whatever the page's: the browser sets each
        # field's direction from its text (an Arabic model is French until it is translated).
        for field in self.fields.values():
            field.widget.attrs.update({"lang": self.instance.language, "dir": "auto"})
