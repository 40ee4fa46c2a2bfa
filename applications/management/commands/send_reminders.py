from django.core.management.base import BaseCommand

from applications.services.reminders import deadline_reminders_send


class Command(BaseCommand):
    help = "Send the deadline reminders due now (the periodic task runs the same job)."

    def handle(self, *args, **options):
        queued = deadline_reminders_send()
        for mail in queued:
            self.stdout.write(f"{mail.to}\t{mail.subject}")
        self.stdout.write(self.style.SUCCESS(f"{len(queued)} reminder(s) sent."))
