from django import template

from ..choices import Indicator
from ..models import Dossier

register = template.Library()


@register.simple_tag
def section_texts(dossier, section):
    """[(label, text)] for the free-text fields of a section."""
    return [
        (Dossier._meta.get_field(name).verbose_name.capitalize(), getattr(dossier, name))
        for name in section.fields
    ]


@register.simple_tag
def kpi_grid(dossier):
    """The dossier's indicator targets as the form shows them, one row per indicator and one
    column per year: {"years": [1, …], "rows": [(label, [target or None, …])]}, from its
    prefetched `kpi_targets` (no query); empty when none is given."""
    targets = {
        (target.indicator, target.year): target.target for target in dossier.kpi_targets.all()
    }
    if not targets:
        return {"years": [], "rows": []}
    years = list(range(1, max(year for _indicator, year in targets) + 1))
    rows = [
        (label, [targets.get((indicator, year)) for year in years])
        for indicator, label in Indicator.choices
        if any((indicator, year) in targets for year in years)
    ]
    return {"years": years, "rows": rows}
