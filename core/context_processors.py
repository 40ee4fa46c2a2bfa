from django.utils.translation import gettext_lazy as _


def portal(request):
    return {
        "PORTAL_NAME": _("Portail des clusters"),
        "MINISTRY_NAME": _("Ministère de l'Industrie et du Commerce"),
    }
