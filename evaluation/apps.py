from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Évaluation")

    def ready(self):
        from core.journal import register_actions

        register_actions(
            {
                "grid.update": _("Grille d'évaluation modifiée"),
                "assignment.create": _("Évaluateur attribué"),
                "assignment.remove": _("Attribution retirée"),
                "assignment.conflict": _("Conflit d'intérêts déclaré"),
                "assignment.accept": _("Absence de conflit d'intérêts déclarée"),
                "review.submit": _("Évaluation soumise"),
                "review.reopen": _("Évaluation rouverte"),
                "consensus.record": _("Note de consensus arrêtée"),
                "results.publish": _("Résultats publiés"),
            }
        )
