"""The filters of the administrators' journal page (django-filter)."""

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from applications.models import Call, Dossier
from contracts.models import Contract
from core.journal import action_choices
from core.models import JournalEntry
from evaluation.models import Assignment

# The kinds of object the services journal, and how each belongs to a call.
KINDS = {
    "call": (Call, _("Appel à projets"), "pk", "reference"),
    "dossier": (Dossier, _("Dossier"), "call", "reference"),
    "contract": (Contract, _("Contrat-programme"), "call", "reference"),
    "assignment": (Assignment, _("Attribution"), "dossier__call", "dossier__reference"),
}


def _targets(lookup):
    """Entries whose object matches `lookup(kind)` (a filter on that kind's model)."""
    condition = Q(pk__in=[])
    for kind, (model, *_rest) in KINDS.items():
        ids = model.objects.filter(lookup(kind)).values("pk")
        condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return condition


class JournalFilter(django_filters.FilterSet):
    call = django_filters.ModelChoiceFilter(
        label=_("Appel à projets"),
        queryset=Call.objects.order_by("-edition_year", "reference"),
        method="filter_call",
        empty_label=_("Tous"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Objet"),
        choices=[(kind, label) for kind, (_model, label, *_rest) in KINDS.items()],
        method="filter_kind",
        empty_label=_("Tous"),
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=action_choices, empty_label=_("Toutes")
    )
    actor = django_filters.ModelChoiceFilter(
        label=_("Auteur"), queryset=User.objects.order_by("full_name"), empty_label=_("Tous")
    )
    after = django_filters.DateFilter(
        label=_("Du"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    before = django_filters.DateFilter(
        label=_("Au"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reference = django_filters.CharFilter(label=_("Référence"), method="filter_reference")

    class Meta:
        model = JournalEntry
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    def filter_call(self, queryset, name, call):
        return queryset.filter(_targets(lambda kind: Q(**{KINDS[kind][2]: call.pk})))

    def filter_kind(self, queryset, name, kind):
        model = KINDS[kind][0]
        return queryset.filter(content_type=ContentType.objects.get_for_model(model))

    def filter_reference(self, queryset, name, text):
        text = text.strip()
        if not text:
            return queryset
        return queryset.filter(_targets(lambda kind: Q(**{f"{KINDS[kind][3]}__icontains": text})))
