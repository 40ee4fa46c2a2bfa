"""Form fields and widgets the apps' forms share: dates typed in Moroccan time, and choices
over rows whose ids a visitor types."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What a <input type="datetime-local"> sends and shows; the value is Moroccan time.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
MOROCCAN_TIME_HELP = _("Heure du Maroc (Africa/Casablanca).")

# An id no database integer can hold is nobody's row. PostgreSQL finds no row for it; SQLite
# raises OverflowError instead, a 500.
LARGEST_ID = 2**63 - 1


def _out_of_range(value):
    try:
        return not -LARGEST_ID <= int(str(value).strip()) <= LARGEST_ID
    except ValueError:
        return False  # not a number: the field's own check says so


class RowChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and _out_of_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class RowsChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            if _out_of_range(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def moroccan_datetime_field(label, **kwargs):
    return forms.DateTimeField(
        label=label,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=MOROCCAN_TIME_HELP,
        **kwargs,
    )
