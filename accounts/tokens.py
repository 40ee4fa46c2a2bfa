"""Signed, time-limited links for e-mail verification."""

from django.conf import settings
from django.core import signing

SALT = "accounts.email-verification"


def email_verification_token(user):
    # The address is signed too: a link stops working if the address changes.
    return signing.dumps({"u": user.pk, "e": user.email}, salt=SALT, compress=True)


def email_verification_payload(token):
    """Return the signed payload; raises signing.SignatureExpired or signing.BadSignature."""
    max_age = settings.EMAIL_VERIFICATION_MAX_AGE.total_seconds()
    return signing.loads(token, salt=SALT, max_age=max_age)
