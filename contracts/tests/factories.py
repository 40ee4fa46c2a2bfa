"""Contracts in a known state for the tests: built from a selected dossier through the real
services (generation, signature, activation, reports)."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.tests.factories import AdministratorFactory
from applications.choices import Indicator
from applications.models import BudgetYear, CallStatus, DossierStatus, KpiTarget
from applications.tests.builders import pdf_file
from applications.tests.factories import CallFactory, ClusterFactory, DossierFactory
from evaluation.models import Decision

from ..models import ContractVersion
from ..services import generation, lifecycle, reports

# Yearly targets per indicator for a dossier; year n gets n times these.
TARGETS = {
    Indicator.RD_PROJECTS: 4,
    Indicator.PATENTS: 1,
    Indicator.STARTUPS: 2,
    Indicator.RD_JOBS: 10,
    Indicator.TRAININGS: 5,
}


def decided_call(**fields):
    """A call closed and whose results are published."""
    now = timezone.now()
    defaults = {
        "opens_at": now - timedelta(days=120),
        "closes_at": now - timedelta(days=60),
        "status": CallStatus.RESULTS_PUBLISHED,
    }
    return CallFactory(**{**defaults, **fields})


def selected_decision(*, director=None, call=None, amounts=None, targets=TARGETS, decided_by=None):
    """A selected dossier's decision, with the budget and KPI targets its contract starts from."""
    call = call or decided_call()
    cluster = ClusterFactory(**({"owner": director} if director else {}))
    dossier = DossierFactory(
        call=call,
        cluster=cluster,
        status=DossierStatus.SELECTED,
        submitted_at=call.closes_at - timedelta(days=2),
    )
    amounts = amounts or [Decimal("2000000")] * call.contract_years
    for year, amount in enumerate(amounts, start=1):
        BudgetYear.objects.create(
            dossier=dossier,
            year=year,
            animation_budget=amount * 2,
            subsidy_requested=amount,
        )
        for indicator, per_year in (targets or {}).items():
            KpiTarget.objects.create(
                dossier=dossier, indicator=indicator, year=year, target=per_year * year
            )
    return Decision.objects.create(
        dossier=dossier,
        outcome=Decision.Outcome.SELECTED,
        subsidy_total=sum(amounts, Decimal("0")),
        decided_by=decided_by or AdministratorFactory(),
    )


def render_versions(contract):
    """Render the versions the services queued: tests run without on_commit callbacks."""
    for version in ContractVersion.objects.filter(contract=contract, pdf=""):
        lifecycle.version_pdf_render(version_id=version.pk)


def draft_contract(administrator, **decision_fields):
    decision = selected_decision(decided_by=administrator, **decision_fields)
    contract = generation.contract_generate(actor=administrator, decision=decision)
    render_versions(contract)
    return contract


def sent_contract(administrator, **decision_fields):
    contract = draft_contract(administrator, **decision_fields)
    return lifecycle.contract_send(actor=administrator, contract=contract)


def active_contract(administrator, director, **decision_fields):
    """A contract signed by `director`'s cluster and countersigned: the first tranche is due."""
    contract = sent_contract(administrator, director=director, **decision_fields)
    contract = lifecycle.contract_sign(
        actor=director, contract=contract, scan=pdf_file("contrat-signe.pdf")
    )
    return lifecycle.contract_activate(
        actor=administrator, contract=contract, final_copy=pdf_file("contrat-final.pdf")
    )


def filed_report(contract, director, *, year=1, share=Decimal("1")):
    """The year's report, transmitted, with each indicator achieved at `share` of its target."""
    report = reports.report_open(actor=director, contract=contract, year=year)
    for commitment in contract.commitments.filter(year=year):
        reports.achievement_save(
            actor=director,
            report=report,
            commitment=commitment,
            achieved=int(commitment.target * share),
        )
    reports.report_save(
        actor=director,
        report=report,
        comment="Année conforme au plan d'action.",
        activity_report=pdf_file("rapport-activite.pdf"),
        financial_report=pdf_file("rapport-financier.pdf"),
    )
    return reports.report_submit(actor=director, report=report)


def stored_files(folder):
    """The names of the files stored in `folder` (not in its subfolders)."""
    try:
        return default_storage.listdir(folder)[1]
    except FileNotFoundError:
        return []


def report_form_data(contract, comment, **files):
    """The annual report form of year 1, each indicator achieved above its target."""
    data = {"action": "save", "comment": comment}
    for commitment in contract.commitments.filter(year=1):
        data[f"achieved_{commitment.pk}"] = commitment.target + 1
        data[f"comment_{commitment.pk}"] = f"Réalisé pour {commitment.name}."
    return {**data, **files}
