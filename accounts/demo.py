"""Demo accounts for `manage.py seed_demo`: one per role, with known passwords."""

from django.utils import timezone

from .models import Role, User

DEMO_PASSWORD = "Clusters-Demo-2026"  # noqa: S105 -- printed on purpose, demo only  # nosec B105

DEMO_ACCOUNTS = [
    ("directeur@demo.clusters.ma", "Salma Bennani", Role.DIRECTOR),
    ("evaluateur@demo.clusters.ma", "Youssef El Amrani", Role.EVALUATOR),
    ("comite@demo.clusters.ma", "Nadia Chraibi", Role.COMMITTEE),
    ("admin@demo.clusters.ma", "Karim Alaoui", Role.ADMINISTRATOR),
]


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
        state = "created" if created else "already there"
        stdout.write(f"  {user.get_role_display():<32} {email:<30} {DEMO_PASSWORD}  ({state})")
