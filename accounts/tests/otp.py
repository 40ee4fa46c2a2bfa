"""Codes of an authenticator app, computed in tests as the person's phone would."""

import re
import time
from base64 import b32decode

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


def confirmed_device(user):
    """The person's authenticator app, set up as the enrolment page would leave it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
        User.objects.filter(pk=user.pk).update(two_factor_enabled=True)
        user.two_factor_enabled = True
    return device


def code_for_secret(secret):
    """The code an app set up from the secret the enrolment page shows gives right now."""
    key = b32decode(secret.replace(" ", ""))
    return f"{hotp(key, int(time.time() // 30), 6):06d}"


def shown_secret(page):
    """The secret the enrolment page writes out for apps that cannot read its QR code."""
    return re.search(r'<code class="otp-secret" dir="ltr">([A-Z2-7 ]+)</code>', page)[1]


def totp_code(device):
    """The next code the device will accept.

    A code is refused once its time step has been used, so a second login within the same
    30 seconds takes the next step's code, which the one-step tolerance accepts.
    """
    device.refresh_from_db()
    now_step = int((time.time() - device.t0) // device.step) + device.drift
    counter = max(now_step, device.last_t + 1)
    return f"{hotp(device.bin_key, counter, device.digits):0{device.digits}d}"
