import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.data.seed import BenchRefused, seed


class Command(BaseCommand):
    help = (
        "Write the benchmark's programme-scale data set in bulk: 1,000 clusters of 20 members, "
        "1,000 submitted dossiers with their files, 3 reviews each, 200 contracts of 5 years "
        "(--scale shrinks it all). PDFs are not rendered; see bench/data/__init__.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000 clusters")
        parser.add_argument("--seed", type=int, default=7, help="same seed, same data")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="empty the database first (only a database of benchmark accounts)",
        )

    def handle(self, *args, scale, reset, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        started = time.perf_counter()
        try:
            plan, _timings = seed(
                scale=scale, seed=options["seed"], reset=reset, report=self.stdout.write
            )
        except BenchRefused as error:
            raise CommandError(str(error)) from error
        if connection.vendor == "postgresql":
            # Rows written in bulk have no statistics until autovacuum comes by: without
            # them the planner takes every table for empty and picks nested loops.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Benchmark data: {plan.clusters} clusters and dossiers, "
                f"{plan.contracts} contracts, {plan.evaluators} evaluators "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )
