"""The ministry's model contrat-programme: the clauses a call's contracts start from, and the
default split of each year's subsidy into tranches."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import TrancheCondition

# The first tranche of a year is 60 % of its subsidy, the second the rest.
FIRST_TRANCHE_SHARE = Decimal("0.60")

TERMS = {
    "title": _("Contrat-programme d'appui au cluster"),
    "preamble": _(
        "Dans le cadre du programme d'appui aux clusters et du Fonds d'appui aux clusters, "
        "le ministère de l'Industrie et du Commerce accompagne les clusters labellisés à l'issue "
        "de l'appel à projets. Le présent contrat-programme est conclu à la suite de la décision "
        "du comité de sélection."
    ),
    "purpose": _(
        "Le présent contrat-programme a pour objet de définir les engagements réciproques de "
        "l'État et du cluster pour le développement du cluster, le financement de sa structure "
        "d'animation et l'atteinte des indicateurs de performance figurant en annexe."
    ),
    "state_obligations": _(
        "L'État s'engage à verser au cluster une subvention annuelle destinée au fonctionnement "
        "de sa structure d'animation, selon l'échéancier ci-après, et à assurer la promotion du "
        "cluster aux niveaux national et international."
    ),
    "cluster_obligations": _(
        "Le cluster s'engage à recruter l'équipe d'animation nécessaire à l'atteinte de ses "
        "objectifs, à atteindre les indicateurs de performance qu'il a fixés, à transmettre "
        "chaque année un rapport d'activité et un rapport financier, et à tenir une comptabilité "
        "permettant de justifier l'emploi de la subvention."
    ),
    "attribution_terms": _(
        "La subvention est attribuée au cluster pour la durée du contrat. Son montant annuel ne "
        "peut excéder le plafond fixé par l'appel à projets ; il est arrêté dans l'échéancier "
        "annexé au présent contrat."
    ),
    "payment_terms": _(
        "Chaque subvention annuelle est versée en tranches, selon les conditions indiquées dans "
        "l'échéancier : la première à la signature du contrat ou à l'approbation du rapport de "
        "l'année précédente, la seconde à l'approbation du rapport de l'année. Lorsque le taux "
        "de réalisation des indicateurs est inférieur au seuil fixé, la tranche correspondante "
        "est réduite ou retenue selon les règles du présent contrat."
    ),
    "evaluation_terms": _(
        "Le ministère examine chaque rapport annuel et calcule le taux de réalisation des "
        "indicateurs : la moyenne, sur les indicateurs de l'année, du rapport entre la valeur "
        "réalisée et la cible, chacun plafonné à 100 %. Une évaluation à mi-parcours peut "
        "conduire à réviser le contrat."
    ),
    "final_terms": _(
        "Le présent contrat prend effet à sa date de prise d'effet, après signature des deux "
        "parties. Il peut être résilié par le ministère en cas de manquement grave du cluster à "
        "ses engagements, par décision motivée."
    ),
}


def default_tranches(year, amount):
    """The tranches of one year's subsidy: (amount, condition) pairs that add up exactly."""
    first = (amount * FIRST_TRANCHE_SHARE).quantize(Decimal("0.01"))
    if year == 1:
        conditions = (TrancheCondition.SIGNATURE, TrancheCondition.REPORT)
    else:
        conditions = (TrancheCondition.PREVIOUS_REPORT, TrancheCondition.REPORT_KPI)
    return [(first, conditions[0]), (amount - first, conditions[1])]
