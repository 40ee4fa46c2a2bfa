"""Panels this stage contributes to other pages (see core.dashboard): the director's contracts
on their space, and the way from a selected dossier to its contract."""

from django.db.models import Prefetch

from accounts.models import Role
from applications.models import DossierStatus
from core.dashboard import DASHBOARD, DOSSIER_DETAIL, register_panel
from core.translation import columns

from ..models import AnnualReport, Contract, ContractStatus, ContractYear, ReportStatus
from ..selectors import contracts_visible_to

DONE = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
# What the two panels of the director's space show of a contract, its call, cluster and years.
DIRECTOR_PANEL_FIELDS = (
    "reference",
    "status",
    "start_date",
    "call",
    "cluster",
    *columns("call__title"),
    "cluster__name",
    "cluster__acronym",
)
YEAR_FIELDS = ("contract", "year", "report_due_on")


def next_step(contract):
    """What the cluster has to do next: sign, file a report, or nothing for now."""
    if contract.status == ContractStatus.SENT:
        return {"action": "sign"}
    if contract.status != ContractStatus.ACTIVE:
        return None
    reports = {report.year: report for report in contract.reports.all()}
    for year in contract.contract_years.all():
        report = reports.get(year.year)
        if report is None or report.status not in DONE:
            return {"action": "report", "year": year, "report": report}
    return None


def director_contracts(request):
    """[(contract, next step)] of the director's contracts, with their years and reports:
    read once per request for the two panels of their space that show them."""
    rows = getattr(request, "_director_contracts", None)
    if rows is None:
        contracts = (
            contracts_visible_to(request.user)
            .select_related(None)
            .select_related("call", "cluster")
            .only(*DIRECTOR_PANEL_FIELDS)
            .prefetch_related(
                Prefetch("contract_years", queryset=ContractYear.objects.only(*YEAR_FIELDS)),
                Prefetch(
                    "reports",
                    queryset=AnnualReport.objects.only("contract", "year", "status").order_by(
                        "year"
                    ),
                ),
            )
            .order_by("-start_date", "reference")
        )
        rows = request._director_contracts = [
            (contract, next_step(contract)) for contract in contracts
        ]
    return rows


def director_contracts_panel(request, **_page):
    rows = director_contracts(request)
    return {"rows": rows} if rows else None


def dossier_contract_panel(request, dossier=None, **_page):
    """On a selected dossier's page: its contract, for those who may open it."""
    # Only a selected dossier has a contract: the others cost no query.
    if dossier is None or dossier.status != DossierStatus.SELECTED:
        return None
    # The page has already let this person see the dossier: its one contract is read by the
    # decision and checked by the permission, not searched among all that they may see.
    contract = (
        Contract.objects.filter(decision__dossier_id=dossier.pk).select_related("cluster").first()
    )
    if contract is None or not request.user.has_perm("contracts.view_contract", contract):
        return None
    return {"contract": contract}


def register():
    register_panel(
        page=DASHBOARD,
        roles=[Role.DIRECTOR],
        template="contracts/contract/_director_panel.html",
        context=director_contracts_panel,
        order=5,
    )
    register_panel(
        page=DOSSIER_DETAIL,
        roles=[Role.DIRECTOR, Role.ADMINISTRATOR],
        template="contracts/contract/_dossier_panel.html",
        context=dossier_contract_panel,
        order=30,
    )
