from django.core.management.base import BaseCommand
from django_otp.oath import totp

from accounts.demo import DEMO_TOTP_SECRET, demo_totp_key


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of the demo staff accounts (their secret is the "
        f"printed demo one, {DEMO_TOTP_SECRET}); real accounts have their own secrets."
    )

    def handle(self, *args, **options):
        code = totp(bytes.fromhex(demo_totp_key()))
        self.stdout.write(f"{code:06d}")
