"""Panels of the drafting stage: the call's contracts on its back-office page, and the way to
edit a draft on the contract's page (see core.dashboard)."""

from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from applications.models import CallStatus
from evaluation.models import Decision

from ..models import Tranche
from ..selectors import ZERO, committed_under

MANAGE = "contracts.manage"


def call_contracts_panel(request, call=None, **_page):
    """On the call's back-office page: the envelope, what the contracts commit, and each
    selected dossier with its contract or the button to generate it. Two queries."""
    if call is None or not request.user.has_perm(MANAGE):
        return None
    contract_total = Coalesce(
        Subquery(
            Tranche.objects.filter(contract__decision=OuterRef("pk"))
            .values("contract")
            .annotate(total=Sum("amount"))
            .values("total")
        ),
        ZERO,
    )
    decisions = list(
        Decision.objects.filter(dossier__call=call, outcome=Decision.Outcome.SELECTED)
        .select_related("dossier__cluster", "contract")
        .annotate(contract_total=contract_total)
        .order_by("dossier__reference")
    )
    if not decisions:
        return None
    rows = [
        {
            "decision": decision,
            "dossier": decision.dossier,
            "contract": getattr(decision, "contract", None),
            "contract_total": decision.contract_total,
        }
        for decision in decisions
    ]
    committed = committed_under(call)
    envelope = call.budget_envelope
    return {
        "call": call,
        "rows": rows,
        "envelope": envelope,
        "committed": committed,
        "remaining": envelope - committed,
        "percent": min(round(committed * 100 / envelope), 100) if envelope else 0,
        "generable": call.status == CallStatus.RESULTS_PUBLISHED,
        "missing": sum(1 for row in rows if row["contract"] is None),
    }


def draft_actions_panel(request, contract=None, **_page):
    """On the contract's page, while it is a draft: the ways to edit it."""
    if contract is None or not contract.is_draft or not request.user.has_perm(MANAGE):
        return None
    return {"contract": contract}


def register():
    from accounts.models import Role
    from core.dashboard import BACKOFFICE_CALL, CONTRACT_DETAIL, register_panel

    register_panel(
        page=BACKOFFICE_CALL,
        roles=[Role.ADMINISTRATOR],
        template="contracts/drafting/_call_panel.html",
        context=call_contracts_panel,
        order=40,
    )
    register_panel(
        page=CONTRACT_DETAIL,
        roles=[Role.ADMINISTRATOR],
        template="contracts/drafting/_draft_actions_panel.html",
        context=draft_actions_panel,
        order=5,
    )
