from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Évaluation")

    def ready(self):
        from accounts.models import Role
        from core.dashboard import register_panel
        from core.journal import register_actions

        from . import panels
        from .views import assignment, results

        register_panel(
            page="dossier_detail",
            template="evaluation/results/_dossier_panel.html",
            context=results.result_panel,
            order=20,
        )
        register_panel(
            page="call_detail",
            template="evaluation/results/_call_panel.html",
            context=results.selected_panel,
        )
        register_panel(
            page="backoffice_call",
            roles=[Role.ADMINISTRATOR],
            template="evaluation/_stages_panel.html",
            context=panels.stages_panel,
            order=10,
        )
        register_panel(
            roles=[Role.EVALUATOR],
            template="evaluation/_evaluator_panel.html",
            context=panels.evaluator_panel,
        )
        register_panel(
            roles=[Role.COMMITTEE, Role.ADMINISTRATOR],
            template="evaluation/_committee_panel.html",
            context=panels.committee_panel,
            order=20,
        )
        register_panel(
            page="backoffice_call",
            roles=[Role.ADMINISTRATOR],
            template="evaluation/assignment/_call_panel.html",
            context=assignment.call_panel,
            order=20,
        )

        register_actions(
            {
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
        )
