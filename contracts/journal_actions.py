"""How the journal names what happens to contracts, their reports and tranches."""

from django.utils.translation import gettext_lazy as _

from core.journal import register_actions

ACTIONS = {
    "contract_terms.update": _("Modèle de contrat modifié"),
    "contract.generate": _("Contrat-programme généré"),
    "contract.update": _("Contrat modifié"),
    "contract.schedule_update": _("Échéancier modifié"),
    "contract.commitments_update": _("Engagements d'indicateurs modifiés"),
    "contract.version": _("Nouvelle version du contrat"),
    "contract.send": _("Contrat envoyé pour signature"),
    "contract.recall": _("Contrat repris pour correction"),
    "contract.sign": _("Contrat signé par le cluster"),
    "contract.activate": _("Contrat contresigné, en vigueur"),
    "contract.close": _("Contrat clôturé"),
    "contract.terminate": _("Contrat résilié"),
    "contract.file_infected": _("Fichier refusé : virus détecté"),
    "report.submit": _("Rapport annuel transmis"),
    "report.request_changes": _("Compléments demandés sur le rapport annuel"),
    "report.approve": _("Rapport annuel approuvé"),
    "tranche.due": _("Tranche exigible"),
    "tranche.withhold": _("Tranche retenue"),
    "tranche.pay": _("Tranche versée"),
}


def register():
    register_actions(ACTIONS)
