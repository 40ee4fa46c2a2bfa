from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Appels à projets et dossiers")

    def ready(self):
        from accounts.models import Role
        from core.dashboard import HOME, register_panel
        from core.journal import register_actions

        from . import dashboard
        from .views.requests import request_panel

        register_panel(
            roles=[Role.DIRECTOR],
            template="applications/dashboard/director.html",
            context=dashboard.director_panel,
            order=10,
        )
        register_panel(
            page="dossier_detail",
            roles=[Role.DIRECTOR],
            template="applications/requests/_panel.html",
            context=request_panel,
            order=10,
        )
        register_panel(
            page=HOME,
            template="applications/dashboard/home_calls.html",
            context=dashboard.home_panel,
        )
        register_panel(
            roles=[Role.ADMINISTRATOR],
            template="applications/dashboard/administrator.html",
            context=dashboard.administrator_panel,
            order=10,
        )

        register_actions(
            {
                "call.create": _("Appel créé"),
                "call.update": _("Appel modifié"),
                "call.publish": _("Appel publié"),
                "call.deadline_change": _("Date de clôture modifiée"),
                "call.clone": _("Appel créé par copie d'une édition précédente"),
                "dossier.create": _("Dossier ouvert"),
                "dossier.submit": _("Dossier déposé"),
                "dossier.withdraw": _("Dossier retiré"),
                "dossier.reopen": _("Dossier rouvert en brouillon"),
                "dossier.document_replaced": _("Pièce remplacée en réponse aux compléments"),
                "dossier.document_infected": _("Fichier infecté mis en quarantaine"),
                "dossier.request_documents": _("Compléments demandés au cluster"),
                "dossier.documents_sent": _("Compléments envoyés par le cluster"),
                "dossier.declare_admissible": _("Dossier déclaré recevable"),
                "dossier.declare_inadmissible": _("Dossier déclaré irrecevable"),
                "dossier.start_evaluation": _("Évaluation commencée"),
                "dossier.select": _("Dossier retenu"),
                "dossier.waitlist": _("Dossier placé en liste d'attente"),
                "dossier.reject": _("Dossier non retenu"),
            }
        )
