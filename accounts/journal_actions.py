"""How the journal names what happens to an account."""

from django.utils.translation import gettext_lazy as _

from core.journal import register_actions

ACTIONS = {
    "two_factor.enrol": _("Double authentification activée"),
    "two_factor.recovery_codes": _("Codes de secours régénérés"),
    "two_factor.disable": _("Double authentification désactivée"),
}


def register():
    register_actions(ACTIONS)
