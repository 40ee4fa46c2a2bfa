"""Panels of the annual reports and payments: on the contract's page, the reports year by year
and the tranches with their payments; on the director's space, the reports to file."""

from decimal import Decimal

from django.utils import timezone

from accounts.models import Role
from core.dashboard import CONTRACT_DETAIL, DASHBOARD, register_panel

from ..models import ContractStatus, ReportStatus, TrancheStatus
from .contract import director_contracts

STAFF_AND_CLUSTER = [Role.DIRECTOR, Role.ADMINISTRATOR]
REPORTING_STATUSES = (ContractStatus.ACTIVE, ContractStatus.CLOSED, ContractStatus.TERMINATED)
TRANSMITTED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


def _director_action(report, year, previous, running):
    """What the director can do with a year's report: (label key, enabled)."""
    if report is not None:
        return "complete" if running and report.is_editable else "view"
    openable = year == 1 or (previous is not None and previous.status in TRANSMITTED)
    return "write" if running and openable else None


def _administrator_action(report):
    if report is None:
        return None
    return "review" if report.status == ReportStatus.SUBMITTED else "view"


def reports_panel(request, contract=None, **_page):
    """One row per contract year: due date, the report's state, its rate once approved, and
    what the viewer may do (two queries)."""
    if contract is None:
        return None
    if contract.status not in REPORTING_STATUSES:
        return {"contract": contract, "open": False, "rows": []}
    is_administrator = request.user.has_perm("contracts.manage")
    may_report = not is_administrator and request.user.has_perm("contracts.report", contract)
    running = contract.status == ContractStatus.ACTIVE
    reports = {report.year: report for report in contract.reports.all()}
    today = timezone.localdate()
    rows = []
    for contract_year in contract.contract_years.order_by("year"):
        year = contract_year.year
        report = reports.get(year)
        if is_administrator:
            action = _administrator_action(report)
        elif may_report:
            action = _director_action(report, year, reports.get(year - 1), running)
        else:
            action = "view" if report else None
        rows.append(
            {
                "year": year,
                "due_on": contract_year.report_due_on,
                "report": report,
                "late": running
                and contract_year.report_due_on < today
                and (report is None or report.status not in TRANSMITTED),
                "action": action,
            }
        )
    return {"contract": contract, "open": True, "rows": rows}


def payments_panel(request, contract=None, **_page):
    """The tranches whose condition is met: what is due, reduced, withheld and paid, with the
    contract's totals (one query)."""
    if contract is None:
        return None
    tranches = list(contract.tranches.select_related("payment").order_by("year", "position"))
    zero = Decimal("0")
    for tranche in tranches:
        tranche.paid = getattr(tranche, "payment", None) if tranche.status == "paid" else None
        tranche.reduced = tranche.due_amount is not None and tranche.due_amount < tranche.amount
        tranche.reduction = tranche.amount - tranche.due_amount if tranche.reduced else None
    counted = [t for t in tranches if t.status in (TrancheStatus.DUE, TrancheStatus.PAID)]
    # The schedule above lists every tranche; here, those whose condition has been met.
    released = [
        t for t in tranches if t.status not in (TrancheStatus.PLANNED, TrancheStatus.CANCELLED)
    ]
    return {
        "contract": contract,
        "tranches": released,
        "can_pay": request.user.has_perm("contracts.manage"),
        "planned_total": sum((t.amount for t in tranches), zero),
        "due_total": sum((t.due_amount for t in counted), zero),
        "paid_total": sum((t.paid.amount for t in tranches if t.paid), zero),
    }


def reports_due_panel(request, **_page):
    """The next report each of the director's active contracts must file, the soonest due
    first (read with the contracts of the panel above it)."""
    years = [
        step["year"]
        for _contract, step in director_contracts(request)
        if step and step["action"] == "report"
    ]
    if not years:
        return None
    today = timezone.localdate()
    rows = [
        {
            "year": year,
            "late": year.report_due_on < today,
            "days": (year.report_due_on - today).days,
        }
        for year in years
    ]
    return {"rows": sorted(rows, key=lambda row: row["year"].report_due_on)}


def register():
    register_panel(
        page=CONTRACT_DETAIL,
        roles=STAFF_AND_CLUSTER,
        template="contracts/reports/_reports_panel.html",
        context=reports_panel,
        order=40,
    )
    register_panel(
        page=CONTRACT_DETAIL,
        roles=STAFF_AND_CLUSTER,
        template="contracts/reports/_payments_panel.html",
        context=payments_panel,
        order=50,
    )
    register_panel(
        page=DASHBOARD,
        roles=[Role.DIRECTOR],
        template="contracts/reports/_due_panel.html",
        context=reports_due_panel,
        order=15,
    )
