"""Choice fields over rows whose ids a visitor types: an id no database integer can hold is
nobody's row. PostgreSQL finds no row for it; SQLite raises OverflowError instead, a 500."""

from django import forms
from django.core.exceptions import ValidationError

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
