"""The ministry's grid, from the texts of the calls (DOMAIN.md): weights out of 100."""

from django.utils.translation import gettext_lazy as _

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
