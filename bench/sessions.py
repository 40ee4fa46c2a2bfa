"""Signed-in `requests` sessions for the seeded accounts: password, then, for staff, a TOTP
code computed from the device's key (accepted once per time step, so one login per account)."""

import secrets
import time

import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import sessions as activity
from core.bench.plan import PASSWORD


class LoginFailed(RuntimeError):
    pass


def _post_form(session, url, data):
    session.get(url, timeout=30)
    data = {**data, "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")}
    return session.post(url, data=data, headers={"Referer": url}, timeout=30)


def _code(user):
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def login(base_url, user, *, check_url):
    session = requests.Session()
    response = _post_form(
        session,
        f"{base_url}/comptes/connexion/",
        {"username": user.email, "password": PASSWORD},
    )
    if "/double-authentification/" in response.url:
        response = _post_form(session, response.url, {"code": _code(user)})
    landing = session.get(f"{base_url}{check_url}", allow_redirects=False, timeout=60)
    if landing.status_code != 200:
        raise LoginFailed(f"{user.email}: {check_url} answered {landing.status_code}")
    return session


def session_of(user, host="127.0.0.1"):
    """A `requests` session already signed in as `user` (a director without a second factor):
    the session row the login page would have written, and a CSRF secret of our own.

    For the deadline rush, whose clients are signed in before the clock starts: 300 logins
    through the page would spend minutes hashing passwords, which is not what it measures.
    """
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[activity.LAST_ACTIVITY] = store[activity.PASSWORD_GIVEN_AT] = activity.now()
    store.create()
    session = requests.Session()
    # Under the host's name, as the cookies the portal sets: it then replaces, not doubles, them.
    session.cookies.set(settings.SESSION_COOKIE_NAME, store.session_key, domain=host)
    # Django takes the bare 32-character secret as a form's token as well as a masked one.
    session.cookies.set(settings.CSRF_COOKIE_NAME, secrets.token_hex(16), domain=host)
    return session
