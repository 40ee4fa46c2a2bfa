from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from audit.personal_data import personal_data_zip


class Command(BaseCommand):
    help = (
        "Export everything the portal holds about one person (law 09-08, right of access) as "
        "a ZIP: personal-data.json, README.txt and the files they uploaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's login address (any case).")
        parser.add_argument(
            "--output", help="Where to write the ZIP (default: personal-data-<id>-<date>.zip)."
        )

    def handle(self, *args, **options):
        email = options["email"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(
                f"No account has the e-mail address {email!r} (an anonymised account no longer "
                "answers to its former address). Nothing was exported."
            )
        default = f"personal-data-{user.pk}-{timezone.localdate():%Y%m%d}.zip"
        output = Path(options["output"] or default)
        with output.open("wb") as archive:
            export = personal_data_zip(user, archive)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {output}: {len(export.files)} file(s) and personal-data.json. "
                "It holds personal data: hand it to the person over a secure channel only."
            )
        )
