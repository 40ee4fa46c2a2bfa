"""The contract's page, for the ministry and for the cluster once sent for signature."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from core.dashboard import panels_for
from core.journal import journal_for

from ..selectors import contract_schedule, contracts_visible_to

# Other stages (reports, payments, KPI record) add their sections to the contract's page as
# panels of this page, with `contract=` as the page object.
CONTRACT_PAGE = "contract_detail"


@login_required
def detail(request, pk):
    contract = get_object_or_404(contracts_visible_to(request.user), pk=pk)
    return render(
        request,
        "contracts/contract/detail.html",
        {
            "contract": contract,
            "journal": journal_for(contract),
            "panels": panels_for(request, CONTRACT_PAGE, contract=contract),
            **contract_schedule(contract),
        },
    )
