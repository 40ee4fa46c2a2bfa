"""How the journal names what happens during the evaluation."""

from django.utils.translation import gettext_lazy as _

from core.journal import register_actions

ACTIONS = {
    "grid.update": _("Grille d'évaluation modifiée"),
    "assignment.create": _("Évaluateur attribué"),
    "assignment.remove": _("Attribution retirée"),
    "assignment.conflict": _("Conflit d'intérêts déclaré"),
    "assignment.accept": _("Absence de conflit d'intérêts déclarée"),
    "review.submit": _("Évaluation soumise"),
    "review.reopen": _("Évaluation rouverte"),
    "review.reopen_request": _("Réouverture d'une évaluation demandée"),
    "consensus.record": _("Note de consensus arrêtée"),
    "results.publish": _("Résultats publiés"),
}


def register():
    register_actions(ACTIONS)
