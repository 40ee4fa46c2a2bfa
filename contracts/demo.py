"""Demo contracts for `manage.py seed_demo`: the 2011 cohort's contrats-programmes replayed
through the real services: signed on 6 September 2011 for 3 years, 17 MDH for the four
clusters, 81 collaborative R&D projects, 28 patents, 24 start-ups and 266 R&D jobs committed,
and the reports of the first two years approved and paid."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.utils import translation

from accounts.models import User
from applications.choices import Indicator
from applications.demo import DEMO_PDF
from applications.models import Call, CallStatus, KpiTarget
from core.journal import journal_dated
from core.templatetags.portal import mad
from evaluation.models import Decision

from .models import (
    AnnualReport,
    Contract,
    ContractStatus,
    ContractVersion,
    KpiCommitment,
    Payment,
    ReportStatus,
    Tranche,
    TrancheStatus,
)
from .selectors import committed_under, latest_version
from .services import drafting, generation, lifecycle, payments, reports, terms

CASABLANCA = ZoneInfo("Africa/Casablanca")
# The title typed by the ministry for a cluster without a president, in its three languages.
DIRECTOR_TITLE = {
    "representative_title_fr": "Directeur de la structure d'animation",
    "representative_title_ar": "مدير هيكل التنشيط",
    "representative_title_en": "Director of the cluster's management body",
}
START = date(2011, 9, 6)  # the four contracts were signed on 6 September 2011

# Targets per cluster and indicator for years 1, 2 and 3. Over the four clusters and three
# years: 81 collaborative R&D projects, 28 patents, 24 start-ups and 266 R&D jobs.
TARGETS = {
    "MNC": {
        Indicator.RD_PROJECTS: (7, 9, 11),
        Indicator.PATENTS: (2, 3, 4),
        Indicator.STARTUPS: (2, 3, 5),
        Indicator.RD_JOBS: (20, 30, 40),
        Indicator.TRAININGS: (6, 8, 10),
    },
    "CE3M": {
        Indicator.RD_PROJECTS: (5, 7, 9),
        Indicator.PATENTS: (2, 3, 3),
        Indicator.STARTUPS: (1, 2, 2),
        Indicator.RD_JOBS: (15, 25, 30),
        Indicator.TRAININGS: (4, 6, 8),
    },
    "MMC": {
        Indicator.RD_PROJECTS: (4, 6, 8),
        Indicator.PATENTS: (2, 3, 3),
        Indicator.STARTUPS: (1, 2, 2),
        Indicator.RD_JOBS: (15, 20, 25),
        Indicator.TRAININGS: (4, 5, 6),
    },
    "Océanopôle": {
        Indicator.RD_PROJECTS: (3, 5, 7),
        Indicator.PATENTS: (0, 1, 2),
        Indicator.STARTUPS: (1, 1, 2),
        Indicator.RD_JOBS: (10, 16, 20),
        Indicator.TRAININGS: (3, 4, 5),
    },
}
# Share of each target achieved in years 1 and 2. MMC's second year falls short of the 50 %
# threshold: its KPI tranche of year 2 is reduced in proportion.
ACHIEVED = {
    "MNC": (Decimal("0.95"), Decimal("0.85")),
    "CE3M": (Decimal("0.85"), Decimal("0.70")),
    "MMC": (Decimal("0.75"), Decimal("0.45")),
    "Océanopôle": (Decimal("1.00"), Decimal("0.65")),
}


def _at(year, month, day, hour=10):
    return datetime(year, month, day, hour, tzinfo=CASABLANCA)


GENERATED_AT = _at(2011, 7, 15)
SIGNED_AT = _at(2011, 9, 6, 10)
ACTIVATED_AT = _at(2011, 9, 6, 12)
# When each year's report was transmitted and approved; the tranches it releases are paid on
# the date that follows.
REPORT_DATES = {
    1: (_at(2012, 9, 28), _at(2012, 10, 25), date(2012, 11, 22)),
    2: (_at(2013, 9, 27), _at(2013, 10, 24), date(2013, 11, 21)),
}
FIRST_PAYMENT_ON = date(2011, 10, 20)


def _pdf(name, content=DEMO_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _targets(decision, acronym):
    for indicator, per_year in TARGETS[acronym].items():
        for year, target in enumerate(per_year, start=1):
            KpiTarget.objects.get_or_create(
                dossier=decision.dossier,
                indicator=indicator,
                year=year,
                defaults={"target": target},
            )


def _render(contract):
    """Render the queued versions now, dated from the draft (the task runs after commit)."""
    for version in ContractVersion.objects.filter(contract=contract, pdf=""):
        ContractVersion.objects.filter(pk=version.pk).update(requested_at=GENERATED_AT)
        lifecycle.version_pdf_render(version_id=version.pk)
        ContractVersion.objects.filter(pk=version.pk).update(rendered_at=GENERATED_AT)


def _contract(admin, decision):
    contract = Contract.objects.filter(decision=decision).first()
    if contract is None:
        with journal_dated(GENERATED_AT):
            contract = generation.contract_generate(
                actor=admin, decision=decision, start_date=START
            )
            cluster = decision.dossier.cluster
            if contract.representative_name in ("", "—"):
                contract = drafting.contract_update(
                    actor=admin,
                    contract=contract,
                    fields={
                        "representative_name": cluster.director_name,
                        **DIRECTOR_TITLE,
                    },
                )
                # The first version predates this change: the PDF sent is a new one.
                lifecycle.version_request(actor=admin, contract=contract, language="fr")
        Contract.objects.filter(pk=contract.pk).update(
            created_at=GENERATED_AT, updated_at=GENERATED_AT, edited_at=GENERATED_AT
        )
    _render(contract)
    contract.refresh_from_db()
    return contract


def _signed_copy(contract):
    version = latest_version(contract, "fr")
    with version.pdf.open("rb") as handle:
        return handle.read()


def _sign_and_activate(admin, contract):
    director = contract.cluster.owner
    if contract.status == ContractStatus.DRAFT:
        with journal_dated(_at(2011, 7, 20)):
            contract = lifecycle.contract_send(actor=admin, contract=contract)
        Contract.objects.filter(pk=contract.pk).update(sent_at=_at(2011, 7, 20))
    if contract.status == ContractStatus.SENT:
        with journal_dated(SIGNED_AT):
            contract = lifecycle.contract_sign(
                actor=director,
                contract=contract,
                scan=_pdf(f"{contract.reference}-signe.pdf", _signed_copy(contract)),
            )
        Contract.objects.filter(pk=contract.pk).update(signed_at=SIGNED_AT)
    if contract.status == ContractStatus.SIGNED:
        with journal_dated(ACTIVATED_AT):
            contract = lifecycle.contract_activate(
                actor=admin,
                contract=contract,
                final_copy=_pdf(f"{contract.reference}-contresigne.pdf", _signed_copy(contract)),
            )
        Contract.objects.filter(pk=contract.pk).update(
            activated_at=ACTIVATED_AT, updated_at=ACTIVATED_AT
        )
        Tranche.objects.filter(contract=contract, due_at__isnull=False).update(due_at=ACTIVATED_AT)
    contract.refresh_from_db()
    return contract


def _achieved(target, share):
    return int((Decimal(target) * share).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _report(admin, contract, year, share):
    """The year's report filed by the director and approved by the ministry."""
    director = contract.cluster.owner
    submitted_at, reviewed_at, _paid_on = REPORT_DATES[year]
    report = AnnualReport.objects.filter(contract=contract, year=year).first()
    if report is not None and report.status == ReportStatus.APPROVED:
        return report
    with journal_dated(submitted_at):
        report = reports.report_open(actor=director, contract=contract, year=year)
        for commitment in contract.commitments.filter(year=year).order_by("indicator"):
            achieved = _achieved(commitment.target, share)
            reports.achievement_save(
                actor=director,
                report=report,
                commitment=commitment,
                achieved=achieved,
                comment=""
                if achieved >= commitment.target
                else "Des projets ont été décalés à l'année suivante.",
            )
        reports.report_save(
            actor=director,
            report=report,
            comment=f"Rapport de l'année {year} du contrat-programme.",
            activity_report=_pdf(f"rapport-activite-{year}.pdf"),
            financial_report=_pdf(f"rapport-financier-{year}.pdf"),
        )
        report = reports.report_submit(actor=director, report=report)
    with journal_dated(reviewed_at):
        report = reports.report_approve(
            actor=admin, report=report, comment="Rapport approuvé par le comité de suivi."
        )
    AnnualReport.objects.filter(pk=report.pk).update(
        created_at=submitted_at,
        updated_at=reviewed_at,
        submitted_at=submitted_at,
        reviewed_at=reviewed_at,
    )
    Tranche.objects.filter(contract=contract, due_at__gt=reviewed_at).update(due_at=reviewed_at)
    return report


def _pay_due(admin, contract, paid_on):
    when = datetime.combine(paid_on, datetime.min.time().replace(hour=11), tzinfo=CASABLANCA)
    for tranche in contract.tranches.filter(status=TrancheStatus.DUE).order_by("year", "position"):
        with journal_dated(when):
            payment = payments.payment_record(
                actor=admin,
                tranche=tranche,
                paid_on=paid_on,
                amount=tranche.due_amount,
                reference=f"VIR-{paid_on:%Y%m%d}-{contract.reference}-{tranche.year}.{tranche.position}",
            )
        Payment.objects.filter(pk=payment.pk).update(created_at=when, updated_at=when)


def _replay(admin, decision):
    acronym = decision.dossier.cluster.acronym
    _targets(decision, acronym)
    contract = _contract(admin, decision)
    contract = _sign_and_activate(admin, contract)
    _pay_due(admin, contract, FIRST_PAYMENT_ON)
    for year, share in enumerate(ACHIEVED[acronym], start=1):
        _report(admin, contract, year, share)
        _pay_due(admin, contract, REPORT_DATES[year][2])
    return contract


def seed(stdout):
    admin = User.objects.filter(email="admin@demo.clusters.ma").first()
    call = Call.objects.filter(
        reference="aap-clusters-2011", status=CallStatus.RESULTS_PUBLISHED
    ).first()
    if admin is None or call is None:
        return
    with translation.override("fr"):
        for language in ("fr", "ar", "en"):
            terms.terms_ensure(call=call, language=language)
        decisions = (
            Decision.objects.filter(dossier__call=call, outcome=Decision.Outcome.SELECTED)
            .select_related("dossier__cluster__owner")
            .order_by("dossier__submitted_at", "pk")
        )
        contracts = [
            _replay(admin, decision)
            for decision in decisions
            if decision.dossier.cluster.acronym in TARGETS
        ]
    subsidy = Tranche.objects.filter(contract__call=call).aggregate(total=Sum("amount"))["total"]
    paid = Payment.objects.filter(tranche__contract__call=call).aggregate(total=Sum("amount"))[
        "total"
    ]
    commitments = dict(
        KpiCommitment.objects.filter(contract__call=call)
        .values_list("indicator")
        .annotate(total=Sum("target"))
        .values_list("indicator", "total")
    )
    stdout.write(
        f"  2011 contracts: {len(contracts)} active, {mad(subsidy)} scheduled, "
        f"{mad(committed_under(call))} committed, {mad(paid)} paid; KPI targets: "
        f"{commitments.get(Indicator.RD_PROJECTS, 0)} collaborative R&D projects, "
        f"{commitments.get(Indicator.PATENTS, 0)} patents, {commitments.get(Indicator.STARTUPS, 0)} start-ups, "
        f"{commitments.get(Indicator.RD_JOBS, 0)} R&D jobs"
    )
