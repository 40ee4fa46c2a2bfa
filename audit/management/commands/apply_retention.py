from django.core.management.base import BaseCommand

from audit.retention import RULES, retention_apply, retention_dry_run


class Command(BaseCommand):
    help = (
        "Apply the data retention policy (docs/operations/retention.md). Dry run by default: "
        "prints what each rule would delete, erase or anonymise; --apply does it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="Delete and anonymise what is due (journaled)."
        )

    def handle(self, *args, **options):
        report = retention_apply() if options["apply"] else retention_dry_run()
        if not report.applied:
            self.stdout.write("Dry run: nothing is changed. Run with --apply to apply.")
        width = max(len(rule.name) for rule in RULES)
        for rule in RULES:
            verb = rule.verb if report.applied or rule.verb == "reported" else f"to be {rule.verb}"
            count = report.counts[rule.name]
            self.stdout.write(f"{rule.name:<{width}}  {count:>6}  {verb}: {rule.what}")
        if report.applied:
            self.stdout.write(
                self.style.SUCCESS(f"Applied and journaled (retention run {report.run.pk}).")
            )
