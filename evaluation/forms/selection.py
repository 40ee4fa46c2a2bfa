"""Forms of the selection: the committee's consensus score and its decisions."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Decision


class ConsensusForm(forms.Form):
    score = forms.DecimalField(
        label=_("Note de consensus (sur 100)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Elle remplace la moyenne des évaluations dans le classement."),
    )
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce qui a conduit le comité à cette note ; elle est inscrite au journal."),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Décision"), choices=Decision.Outcome.choices)
