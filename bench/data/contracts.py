"""200 contracts of 5 years in force: tranches, KPI commitments and two approved reports.

The contract PDFs (versions, signed scan, countersigned copy) are NOT rendered nor stored:
the benchmark times PDF rendering on its own (issue 7, step 5)."""

from datetime import timedelta
from decimal import Decimal

from applications.models import KpiTarget
from contracts.models import (
    AnnualReport,
    Contract,
    ContractStatus,
    ContractYear,
    KpiAchievement,
    KpiCommitment,
    Payment,
    ReportStatus,
    Tranche,
    TrancheCondition,
    TrancheStatus,
)
from contracts.payouts import achievement_rate, tranche_due_amount
from contracts.services.figures import call_figures_refresh
from contracts.services.generation import MINISTRY, PRESIDENT
from contracts.services.schedule import report_due_on, schedule_rows
from contracts.services.terms import terms_ensure
from core.translation import in_each_language
from evaluation.models import Decision

from .dossiers import store_pdf
from .plan import BATCH, CONTRACT_YEARS

REPORTED_YEARS = (1, 2)
# Share of each target achieved in years 1 and 2: some contracts fall under the 50 % threshold.
SHARES = (Decimal("1.0"), Decimal("0.8"), Decimal("0.6"), Decimal("0.4"))


def _at(plan, days):
    return plan.now.replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=days)


def contracts_create(plan):
    terms_ensure(call=plan.call, language="fr")
    selected = [x for x in plan.decisions if x.outcome == Decision.Outcome.SELECTED]
    start = plan.start_date
    activated = plan.closes_at + timedelta(days=115)
    contracts = [
        Contract(
            decision=decision,
            call=plan.call,
            cluster=decision.dossier.cluster,
            reference=f"CP-{plan.call.edition_year}-B{n + 1:04d}",
            status=ContractStatus.ACTIVE,
            years=CONTRACT_YEARS,
            start_date=start,
            legal_name=decision.dossier.cluster.name,
            representative_name=decision.dossier.cluster.president_name,
            **in_each_language("representative_title", PRESIDENT),
            **in_each_language("ministry_representative", MINISTRY),
            sent_at=activated - timedelta(days=20),
            signed_at=activated - timedelta(days=5),
            activated_at=activated,
            created_by=plan.admin,
        )
        for n, decision in enumerate(selected[: plan.contracts])
    ]
    Contract.objects.bulk_create(contracts, batch_size=BATCH)
    plan.contract_list = contracts
    _schedule_create(plan, contracts)
    _commitments_create(plan, contracts)
    _reports_create(plan, contracts)
    # Written in bulk, not through `contract_transition`: the call's public figures are
    # counted here, as the transition would have.
    call_figures_refresh(call=plan.call)


def _schedule_create(plan, contracts):
    years, tranches = [], []
    for contract in contracts:
        amount = plan.requested[contract.decision.dossier_id]
        contract_years, contract_tranches = schedule_rows(contract, [amount] * CONTRACT_YEARS)
        years += contract_years
        tranches += contract_tranches
    ContractYear.objects.bulk_create(years, batch_size=BATCH)
    plan.tranches = tranches


def _commitments_create(plan, contracts):
    by_dossier = {}
    for target in KpiTarget.objects.filter(dossier__call=plan.call, year__lte=CONTRACT_YEARS):
        by_dossier.setdefault(target.dossier_id, []).append(target)
    commitments = [
        KpiCommitment(contract=c, indicator=t.indicator, year=t.year, target=t.target)
        for c in contracts
        for t in by_dossier[c.decision.dossier_id]
    ]
    KpiCommitment.objects.bulk_create(commitments, batch_size=BATCH)
    plan.commitments = commitments


def _reports_create(plan, contracts):
    """Years 1 and 2 reported and approved; the tranches they release made due (and those of
    the signature and of year 1 paid), as `report_approve` and `payment_record` would."""
    by_contract = {}
    for commitment in plan.commitments:
        by_contract.setdefault(commitment.contract_id, []).append(commitment)
    reports, achievements, rates = [], [], {}
    for n, contract in enumerate(contracts):
        share = SHARES[n % len(SHARES)]
        for year in REPORTED_YEARS:
            pairs = [(c, int(c.target * share)) for c in by_contract[contract.pk] if c.year == year]
            rate = achievement_rate([(achieved, c.target) for c, achieved in pairs])
            due = report_due_on(contract.start_date, year)
            submitted = _at(plan, (due - plan.now.date()).days - 10)
            report = AnnualReport(
                contract=contract,
                year=year,
                status=ReportStatus.APPROVED,
                comment=f"Rapport de l'année {year}.",
                submitted_at=submitted,
                submitted_by=contract.cluster.owner,
                review_comment="Rapport approuvé.",
                reviewed_at=submitted + timedelta(days=15),
                reviewed_by=plan.admin,
                achievement_rate=rate,
            )
            for field in ("activity_report", "financial_report"):
                name, _content = store_pdf(plan, f"contracts/{contract.pk}/reports", field)
                setattr(report, field, name)
            reports.append(report)
            achievements += [(report, c, achieved) for c, achieved in pairs]
            rates[(contract.pk, year)] = (rate, report.reviewed_at)
    AnnualReport.objects.bulk_create(reports, batch_size=BATCH)
    KpiAchievement.objects.bulk_create(
        (KpiAchievement(report=r, commitment=c, achieved=a) for r, c, a in achievements),
        batch_size=BATCH,
    )
    _tranches_release(plan, contracts, rates)


def _release(tranche, contract, rates):
    """(report year or 0 for the signature, rate, when) of the event that made the tranche
    payable, or None while it is still planned."""
    if tranche.condition == TrancheCondition.SIGNATURE:
        return 0, None, contract.activated_at
    year = tranche.year
    if tranche.condition == TrancheCondition.PREVIOUS_REPORT:
        year -= 1
    if (contract.pk, year) not in rates:
        return None
    rate, when = rates[(contract.pk, year)]
    return year, rate, when


def _released(tranche, contract, rates):
    """The tranche as its release left it: a new row, the bench writing rows in their final
    state rather than moving them (statuses move only through `tranche_transition`)."""
    released = _release(tranche, contract, rates)
    if released is None:
        return tranche
    report_year, rate, when = released
    due = tranche_due_amount(tranche, contract, rate)
    # Released at signature or by year 1's report: paid; by year 2's: awaiting payment.
    if due > 0:
        status = TrancheStatus.PAID if report_year < 2 else TrancheStatus.DUE
    else:
        status = TrancheStatus.WITHHELD
    kpi = tranche.condition == TrancheCondition.REPORT_KPI
    return Tranche(
        contract=contract,
        year=tranche.year,
        position=tranche.position,
        amount=tranche.amount,
        condition=tranche.condition,
        status=status,
        due_amount=due,
        due_at=when,
        achievement_rate=rate if kpi else None,
    )


def _tranches_release(plan, contracts, rates):
    by_pk = {c.pk: c for c in contracts}
    plan.tranches = [
        _released(tranche, by_pk[tranche.contract_id], rates) for tranche in plan.tranches
    ]
    payments = [t for t in plan.tranches if t.status == TrancheStatus.PAID]
    Tranche.objects.bulk_create(plan.tranches, batch_size=BATCH)
    Payment.objects.bulk_create(
        (
            Payment(
                tranche=t,
                paid_on=(t.due_at + timedelta(days=28)).date(),
                amount=t.due_amount,
                reference=f"VIR-{t.contract_id}-{t.year}.{t.position}",
                recorded_by=plan.admin,
            )
            for t in payments
        ),
        batch_size=BATCH,
    )
