"""Runs the parts of the seed in order, timing each; and empties a benchmark database."""

import time

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import translation

from accounts.models import User
from applications.models import Call, DossierDocument
from contracts.models import AnnualReport

from . import contracts, dossiers, evaluation, mix, people, rush
from .plan import CALL_REFERENCE, DOMAIN, Plan


class BenchRefused(Exception):
    """The seed would mix benchmark data with other data: an operator's message, in English."""


STEPS = (
    ("users", people.users_create),
    ("call", lambda plan: people.call_create(plan, envelope=0)),
    ("clusters", people.clusters_create),
    ("dossiers", dossiers.dossiers_create),
    ("files", dossiers.documents_create),
    ("grid", evaluation.grid_prepare),
    ("reviews", evaluation.reviews_create),
    ("decisions", evaluation.decisions_create),
    ("contracts", contracts.contracts_create),
    ("rush", rush.rush_prepare),
    ("mix", mix.mix_prepare),
)


def has_bench_data():
    return (
        Call.objects.filter(reference=CALL_REFERENCE).exists()
        or User.objects.filter(email__endswith=f"@{DOMAIN}").exists()
    )


def bench_reset():
    """Empty the benchmark database, files included.

    The journal is append-only (a trigger refuses DELETE) and the services refuse to delete
    submitted rows, so the only clean reset is a flush (TRUNCATE) of the whole database: it is
    refused unless every account in it is a benchmark account.
    """
    if User.objects.exclude(email__endswith=f"@{DOMAIN}").exists():
        raise BenchRefused(
            "This database holds accounts that are not the benchmark's: refusing to empty it."
        )
    names = list(DossierDocument.objects.values_list("file", flat=True))
    for report in AnnualReport.objects.only("activity_report", "financial_report"):
        names += [report.activity_report.name, report.financial_report.name]
    for name in names:
        if name:
            default_storage.delete(name)
    if connection.vendor == "postgresql":
        # Inside a transaction that wrote rows (a test), their deferred foreign-key checks
        # must run before TRUNCATE may proceed.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)


def seed(*, scale=1.0, seed=7, reset=False, report=print):
    """Write the data set; returns the time of each step, in seconds."""
    if has_bench_data():
        if not reset:
            raise BenchRefused("The database already holds benchmark data: use --reset.")
        bench_reset()
    plan = Plan(scale=scale, seed=seed)
    timings = {}
    with translation.override("fr"), transaction.atomic():
        for name, step in STEPS:
            started = time.perf_counter()
            step(plan)
            timings[name] = time.perf_counter() - started
            report(f"  {name}: {timings[name]:.2f} s")
    return plan, timings
