"""The ministry's grid, from the texts of the calls (DOMAIN.md): weights out of 100."""

from django.utils.translation import gettext_lazy as _

from core.translation import in_each_language, lists_in_each_language

SCALE_LABELS = [_("Absent"), _("Faible"), _("Satisfaisant"), _("Bon"), _("Excellent")]

DEFAULT_CRITERIA = [
    (_("Enjeux stratégiques : économiques, commerciaux, technologiques et scientifiques"), 15),
    (_("Masse critique ; nombre, identité et qualité des acteurs réellement impliqués"), 15),
    (
        _(
            "Projets de R&D collaboratifs et de coopération ; synergies entreprises–recherche–"
            "formation ; animation autour de projets de R&D dans les niches retenues"
        ),
        20,
    ),
    (_("Gouvernance, pilotage et rôle de la structure d'animation"), 15),
    (_("Modèle économique et cofinancement de la structure d'animation"), 10),
    (_("Coopération et visibilité internationales"), 10),
    (_("Ressources humaines et formation"), 5),
    (_("Ancrage territorial et effet réseau"), 5),
    (_("Dispositif de suivi et d'évaluation"), 5),
]


def default_grid(call):
    """The ministry's grid for `call`, unsaved, with its criteria: what the grid page shows
    for a call whose grid is not adapted yet, and what `grid_ensure` saves."""
    from .models import Criterion, Grid

    grid = Grid(call=call, **lists_in_each_language("scale_labels", SCALE_LABELS))
    criteria = [
        # Each language's label from the catalogues, whoever opens the grid first.
        Criterion(grid=grid, weight=weight, position=index, **in_each_language("label", label))
        for index, (label, weight) in enumerate(DEFAULT_CRITERIA)
    ]
    return grid, criteria
