"""The call's eligibility rules, checked against a cluster: what it still lacks, in plain words.

Shown to directors on their cluster profile and before they submit; the ministry's
admissibility check starts from the same list.
"""

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.formatting import isolated_text

from .selectors import critical_mass


def _members_gap(call, mass):
    missing = call.min_members - mass["total"]
    if missing <= 0:
        return None
    return ngettext(
        "Il manque %(missing)s membre pour atteindre le minimum de %(min)s de l'appel « %(call)s ».",
        "Il manque %(missing)s membres pour atteindre le minimum de %(min)s de l'appel « %(call)s ».",
        missing,
    ) % {"missing": missing, "min": call.min_members, "call": isolated_text(call.title)}


def _companies_gap(call, mass):
    # Compared exactly, not on the rounded share shown to the user.
    if 100 * mass["companies"] >= call.min_company_share * mass["total"] and mass["total"]:
        return None
    return _(
        "Les entreprises représentent %(share)s %% des membres ; "
        "l'appel « %(call)s » en demande au moins %(min)s %%."
    ) % {
        "share": floatformat(mass["company_share"], -1),
        "min": floatformat(call.min_company_share, -1),
        "call": isolated_text(call.title),
    }


def _support_gap(call, cluster):
    if cluster.first_supported_year is None:
        if call.accepts_new_clusters:
            return None
        return _("L'appel « %(call)s » n'est pas ouvert aux nouveaux clusters.") % {
            "call": isolated_text(call.title)
        }
    if not call.accepts_returning_clusters:
        return _("L'appel « %(call)s » n'est pas ouvert aux clusters déjà soutenus par l'État.") % {
            "call": isolated_text(call.title)
        }
    years = cluster.years_of_support(call.edition_year)
    if years >= call.returning_min_years:
        return None
    return _(
        "Le cluster est soutenu par l'État depuis %(years)s ans ; l'appel « %(call)s » "
        "n'accepte les clusters déjà soutenus qu'après %(min)s ans."
    ) % {"years": years, "min": call.returning_min_years, "call": isolated_text(call.title)}


def eligibility_gaps(cluster, call, mass=None):
    """[message] of every rule of the call the cluster does not meet yet; empty when eligible."""
    mass = mass or critical_mass(cluster)
    gaps = [_members_gap(call, mass), _companies_gap(call, mass), _support_gap(call, cluster)]
    return [gap for gap in gaps if gap]
