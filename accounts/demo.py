"""Demo accounts for `manage.py seed_demo`: one per role, with known passwords."""

from base64 import b32decode

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import STAFF_ROLES, Role, User

DEMO_PASSWORD = "Clusters-Demo-2026"  # noqa: S105 -- printed on purpose, demo only  # nosec B105
# The demo staff's authenticator secret, printed too: add it to any TOTP app, or run
# `manage.py demo_otp_code` to read the current code without a phone.
DEMO_TOTP_SECRET = "PORTAILDESCLUSTERSDEMOAAAAAAAAAA"  # noqa: S105 -- demo only  # nosec B105

DEMO_ACCOUNTS = [
    ("directeur@demo.clusters.ma", "Salma Bennani", Role.DIRECTOR),
    ("evaluateur@demo.clusters.ma", "Youssef El Amrani", Role.EVALUATOR),
    ("comite@demo.clusters.ma", "Nadia Chraibi", Role.COMMITTEE),
    ("admin@demo.clusters.ma", "Karim Alaoui", Role.ADMINISTRATOR),
]


def demo_totp_key():
    return b32decode(DEMO_TOTP_SECRET).hex()


def demo_device_give(user):
    """Staff must give a code at login: the demo ones share a printed secret."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return
    TOTPDevice.objects.create(
        user=user, name="Démo", key=demo_totp_key(), confirmed=True, tolerance=2
    )
    User.objects.filter(pk=user.pk).update(two_factor_enabled=True)


def seed(stdout):
    for email, full_name, role in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "full_name": full_name,
                "role": role,
                "email_verified_at": timezone.now(),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role in STAFF_ROLES:
            demo_device_give(user)
        state = "created" if created else "already there"
        stdout.write(f"  {user.get_role_display():<32} {email:<30} {DEMO_PASSWORD}  ({state})")
    secret = " ".join(DEMO_TOTP_SECRET[index : index + 4] for index in range(0, 32, 4))
    stdout.write(
        f"  Staff accounts ask for a code after the password: add the key {secret}\n"
        "  (time-based) to an authenticator app, or run `python manage.py demo_otp_code`."
    )
