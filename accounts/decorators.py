"""View guards of the accounts app."""

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .sessions import password_given_recently, return_path, with_next


def recent_login_required(view):
    """Ask for the password again when it was given longer ago than REAUTHENTICATION_MAX_AGE.

    Put it under the permission check, so that people without the right get their refusal,
    not a password prompt. A POST is not replayed after the confirmation: the person is
    brought back to the page the form was on and sends it again, knowingly.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if password_given_recently(request):
            return view(request, *args, **kwargs)
        messages.info(
            request,
            _("Par sécurité, confirmez votre mot de passe avant cette action sensible."),
        )
        return redirect(with_next(reverse("accounts:password_confirm"), return_path(request)))

    return wrapped
