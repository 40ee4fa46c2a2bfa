"""How the journal names what happens to calls and dossiers."""

from django.utils.translation import gettext_lazy as _

from core.journal import register_actions

ACTIONS = {
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


def register():
    register_actions(ACTIONS)
