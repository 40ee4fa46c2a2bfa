"""Signed-in `requests` sessions for the seeded accounts: password, then, for staff, a TOTP
code computed from the device's key (accepted once per time step, so one login per account)."""

import time

import requests
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

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
