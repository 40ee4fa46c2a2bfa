"""Two guards on every request of a signed-in person: inactivity, then the second factor."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

from . import sessions
from .two_factor import confirmed_totp_device

# Touching the session at most once a minute: enough precision for a 30-minute timeout,
# without a database write for every request (SESSION_SAVE_EVERY_REQUEST would do that).
ACTIVITY_RESOLUTION = 60

# What a person who still owes their second factor may open.
OPEN_TO_UNVERIFIED = {
    "accounts:otp_verify",
    "accounts:otp_enrol",
    "accounts:logout",
    "accounts:language_set",
    "javascript-catalog",
}


def _redirect(request, url):
    # An htmx request would swap the login page into a fragment: send the whole page there.
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


class SessionInactivityMiddleware:
    """Ends a session left idle longer than SESSION_INACTIVITY_TIMEOUT, and says so.

    The session records its last activity; once it is too old the person is signed out and
    sent to the login page with a message, and comes back to the page they asked for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.get(SESSION_KEY) is not None:
            last = session.get(sessions.LAST_ACTIVITY)
            now = sessions.now()
            timeout = settings.SESSION_INACTIVITY_TIMEOUT.total_seconds()
            if last is not None and now - last > timeout:
                return self._expire(request)
            if last is None or now - last >= ACTIVITY_RESOLUTION:
                session[sessions.LAST_ACTIVITY] = now
        return self.get_response(request)

    def _expire(self, request):
        back = sessions.return_path(request)
        logout(request)
        minutes = int(settings.SESSION_INACTIVITY_TIMEOUT.total_seconds() // 60)
        messages.warning(
            request,
            ngettext(
                "Votre session a expiré après %(minutes)s minute d'inactivité. "
                "Reconnectez-vous pour continuer.",
                "Votre session a expiré après %(minutes)s minutes d'inactivité. "
                "Reconnectez-vous pour continuer.",
                minutes,
            )
            % {"minutes": minutes},
        )
        return _redirect(request, sessions.with_next(reverse(settings.LOGIN_URL), back))


class TwoFactorMiddleware:
    """A person who must use two factors reaches nothing else until they have given a code.

    After the password, staff (and directors who turned it on) are sent to the code page, or
    to the enrolment page while they have no authenticator app yet.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not user.two_factor_required or user.is_verified():
            return None
        if request.resolver_match.view_name in OPEN_TO_UNVERIFIED:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        return _redirect(request, second_step_url(user, sessions.return_path(request)))


def second_step_url(user, next_url):
    """The code page when the person has an authenticator app, the enrolment page if not."""
    name = "accounts:otp_verify" if confirmed_totp_device(user) else "accounts:otp_enrol"
    return sessions.with_next(reverse(name), next_url)
