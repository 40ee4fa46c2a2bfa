"""Panels of the programme dashboard on other pages: the administrators' key figures, the
public summary on the home page and on a call's page, and a returning cluster's record on the
dossier its evaluators score."""

from accounts.models import Role
from applications.models import CallStatus
from core.dashboard import CALL_DETAIL, DASHBOARD, EVALUATION_WORKSPACE, HOME, register_panel
from evaluation.selectors.assignments import live_assignments

from ..dashboard.programme import cluster_record, key_figures
from ..dashboard.public import public_call_line
from ..dashboard.sums import PUBLIC
from ..models import Contract


def administrator_panel(request, **_page):
    if not request.user.has_perm("contracts.view_dashboard"):
        return None
    return key_figures()


def home_panel(request, **_page):
    """A link to the public summary once a contract is in force."""
    published = Contract.objects.filter(
        status__in=PUBLIC, call__status=CallStatus.RESULTS_PUBLISHED
    )
    return {} if published.exists() else None


def call_panel(request, call=None, **_page):
    """On a call's public page: its contracts in force or closed, totals only."""
    line = public_call_line(call) if call is not None else None
    return {"line": line} if line else None


def returning_cluster_panel(request, dossier=None, **_page):
    """On the dossier an evaluator scores: the cluster's contracts under earlier calls."""
    if dossier is None:
        return None
    # The workspace lets in only the dossier's evaluators; the panel checks it again.
    if not live_assignments([dossier.pk]).filter(evaluator=request.user).exists():
        return None
    contracts = cluster_record(dossier.cluster, excluding_call=dossier.call)
    return {"contracts": contracts, "dossier": dossier} if contracts else None


def register():
    register_panel(
        page=DASHBOARD,
        roles=[Role.ADMINISTRATOR],
        template="contracts/dashboard/_administrator_panel.html",
        context=administrator_panel,
        order=30,
    )
    register_panel(
        page=HOME,
        template="contracts/dashboard/_home_panel.html",
        context=home_panel,
        order=120,
    )
    register_panel(
        page=CALL_DETAIL,
        template="contracts/dashboard/_call_panel.html",
        context=call_panel,
        order=110,
    )
    register_panel(
        page=EVALUATION_WORKSPACE,
        roles=[Role.EVALUATOR],
        template="contracts/dashboard/_returning_panel.html",
        context=returning_cluster_panel,
    )
