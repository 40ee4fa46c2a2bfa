"""Receivers of the authentication signals."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .sessions import login_remember


@receiver(user_logged_in, dispatch_uid="accounts_login_remember")
def _login_remember(sender, request, user, **kwargs):
    # The time of the login is the time the password was last given (see decorators.py).
    if request is not None and hasattr(request, "session"):
        login_remember(request)
