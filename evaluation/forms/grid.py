"""Forms of the grid page: the grid's thresholds and scale, and one criterion."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import moroccan_datetime_field
from core.translation import columns, language_fields, language_rows

from ..models import Criterion, Grid


class GridForm(forms.Form):
    """The grid's settings. The minimum share per criterion is typed as a percentage."""

    scale_max = forms.IntegerField(
        label=_("Note maximum"),
        min_value=1,
        max_value=20,
        help_text=_("Chaque critère est noté de 0 à cette note."),
    )
    min_total = forms.DecimalField(
        label=_("Total minimum pour être éligible (sur 100)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        localize=True,
    )
    criterion_min_percent = forms.IntegerField(
        label=_("Part minimum de chaque critère (%)"),
        min_value=0,
        max_value=100,
        help_text=_(
            "Un critère noté en dessous de cette part de son maximum rend le dossier "
            "inéligible, sauf note minimum propre au critère."
        ),
    )
    divergence_threshold = forms.DecimalField(
        label=_("Écart entre évaluateurs qui appelle un consensus (points sur 100)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        localize=True,
    )
    evaluation_deadline = moroccan_datetime_field(_("Date limite d'évaluation"), required=False)
    conflict_lookback_years = forms.IntegerField(
        label=_("Années prises en compte pour les conflits d'intérêts"),
        min_value=1,
        max_value=20,
        help_text=_(
            "Une organisation pour laquelle ou avec laquelle un évaluateur a travaillé pendant "
            "ces dernières années compte comme conflit présumé."
        ),
    )
    appeal_days = forms.IntegerField(
        label=_("Délai de recours après la publication (jours)"), min_value=1, max_value=90
    )
    results_require_closed_sitting = forms.BooleanField(
        label=_("Publier les résultats seulement après une séance du comité clôturée"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in columns("scale_labels"):
            self.fields[name] = forms.CharField(
                required=False, widget=forms.Textarea(attrs={"rows": 6})
            )
        language_fields(self, "scale_labels", model=Grid)
        self.fields["scale_labels_fr"].help_text = _(
            "Un libellé par ligne, de la note 0 à la note maximum (par exemple « Absent », "
            "« Faible »…). Laissez vide pour n'afficher que les chiffres."
        )

    def rows(self):
        """The fields in order, the scale's three languages as one row."""
        return language_rows(
            self,
            [
                "scale_max",
                "scale_labels",
                "min_total",
                "criterion_min_percent",
                "divergence_threshold",
                "evaluation_deadline",
                "conflict_lookback_years",
                "appeal_days",
                "results_require_closed_sitting",
            ],
        )

    @classmethod
    def for_grid(cls, grid, data=None):
        initial = {
            "scale_max": grid.scale_max,
            **{name: "\n".join(getattr(grid, name) or []) for name in columns("scale_labels")},
            "min_total": grid.min_total,
            "criterion_min_percent": int(grid.criterion_min_ratio * 100),
            "divergence_threshold": grid.divergence_threshold,
            "evaluation_deadline": grid.evaluation_deadline,
            "conflict_lookback_years": grid.conflict_lookback_years,
            "appeal_days": grid.appeal_days,
            "results_require_closed_sitting": grid.results_require_closed_sitting,
        }
        return cls(data, initial=initial)

    def clean(self):
        cleaned_data = super().clean()
        scale_max = cleaned_data.get("scale_max")
        for name in columns("scale_labels"):
            labels = [line.strip() for line in cleaned_data.get(name, "").splitlines()]
            labels = [label for label in labels if label]
            if labels and scale_max is not None and len(labels) != scale_max + 1:
                self.add_error(
                    name,
                    _(
                        "Donnez %(expected)s libellés, un pour chaque note de 0 à %(max)s "
                        "(%(count)s donnés)."
                    )
                    % {"expected": scale_max + 1, "max": scale_max, "count": len(labels)},
                )
            cleaned_data[name] = labels
        if not cleaned_data.get("scale_labels_fr") and any(
            cleaned_data.get(name) for name in columns("scale_labels")
        ):
            self.add_error(
                "scale_labels_fr",
                _("Donnez les libellés en français : ils s'affichent quand une traduction manque."),
            )
        return cleaned_data

    def grid_fields(self):
        """The cleaned values as grid_update() takes them."""
        fields = dict(self.cleaned_data)
        fields["criterion_min_ratio"] = Decimal(fields.pop("criterion_min_percent")) / 100
        return fields


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = (*columns("label"), *columns("description"), "weight", "min_score", "position")
        localized_fields = ("min_score",)
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 2}) for name in columns("label")},
            **{name: forms.Textarea(attrs={"rows": 4}) for name in columns("description")},
        }
        help_texts = {
            "weight": _("Points sur 100 ; les poids de tous les critères totalisent 100."),
            "position": _("Les critères sont présentés aux évaluateurs dans cet ordre."),
        }

    def __init__(self, *args, grid, others_weight, **kwargs):
        super().__init__(*args, **kwargs)
        language_fields(self, "label", "description")
        if others_weight < 100:
            self.fields["weight"].help_text = _(
                "Points sur 100. Les autres critères totalisent %(others)s : pour atteindre "
                "100, ce critère doit peser %(left)s."
            ) % {"others": others_weight, "left": 100 - others_weight}
        else:
            self.fields["weight"].help_text = _(
                "Points sur 100. Les autres critères totalisent déjà %(others)s : réduisez "
                "leur poids pour faire place à celui-ci."
            ) % {"others": others_weight}
        self.fields["min_score"].help_text = _(
            "Facultatif, de 0 à %(max)s. Vide : la part minimum de la grille s'applique."
        ) % {"max": grid.scale_max}

    def criterion_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
