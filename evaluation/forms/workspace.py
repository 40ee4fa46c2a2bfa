from django import forms
from django.utils.translation import gettext_lazy as _

from ..scoring import justification_field, score_field


class ReviewForm(forms.Form):
    """A note and a justification per criterion; every field may stay empty in a draft."""

    comment = forms.CharField(
        label=_("Appréciation générale (facultative)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, grid, criteria, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = grid
        self.criteria = list(criteria)
        labels = list(grid.scale_labels)
        choices = [
            (value, f"{value} — {labels[value]}" if value < len(labels) else str(value))
            for value in range(grid.scale_max + 1)
        ]
        saved = {score.criterion_id: score for score in review.scores.all()} if review else {}
        if review:
            self.fields["comment"].initial = review.comment
        for criterion in self.criteria:
            score = saved.get(criterion.pk)
            self.fields[score_field(criterion)] = forms.TypedChoiceField(
                label=criterion.label,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                initial=score.value if score else None,
            )
            self.fields[justification_field(criterion)] = forms.CharField(
                label=_("Justification"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=score.justification if score else "",
            )

    def rows(self):
        """[(criterion, note field, justification field)] in the grid's order."""
        return [
            (criterion, self[score_field(criterion)], self[justification_field(criterion)])
            for criterion in self.criteria
        ]

    def scores(self):
        return {
            criterion.pk: (
                self.cleaned_data[score_field(criterion)],
                self.cleaned_data[justification_field(criterion)],
            )
            for criterion in self.criteria
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Indiquez le motif de la réouverture.")},
    )
