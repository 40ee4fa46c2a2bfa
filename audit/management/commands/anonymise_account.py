from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from audit.retention import person_anonymise_on_request, person_is_active


class Command(BaseCommand):
    help = (
        "Anonymise one person's account at their request (law 09-08, art. 9), before the "
        "retention time is up. Dry run by default; --apply does it (journaled). Refused while "
        "the person is still active (dossier under examination, contract in force, evaluation "
        "pending) and for administrators."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's login address (any case).")
        parser.add_argument("--apply", action="store_true", help="Anonymise now.")

    def handle(self, *args, **options):
        email = options["email"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account has the e-mail address {email!r}.")
        if user.role == Role.ADMINISTRATOR or user.is_superuser:
            raise CommandError(
                "An administrator's account is deactivated, not anonymised: their name answers "
                "for the decisions they took (docs/operations/retention.md)."
            )
        if person_is_active(user):
            raise CommandError(
                f"Account {user.pk} is still active (a dossier under examination, a contract in "
                "force or an evaluation pending): its data is needed for the public task. "
                "Nothing was changed."
            )
        if not options["apply"]:
            self.stdout.write(
                f"Dry run: account {user.pk} ({user.get_role_display()}) would be anonymised. "
                "Run with --apply to do it."
            )
            return
        person_anonymise_on_request(user=user)
        self.stdout.write(self.style.SUCCESS(f"Account {user.pk} anonymised and journaled."))
