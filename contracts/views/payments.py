"""The payment of a tranche that has become due, recorded by the ministry."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.decorators import recent_login_required
from core.errors import ApplicationError
from core.permissions import permission_required

from ..forms.reports import PaymentForm
from ..models import Tranche
from ..services.payments import payment_record
from .reports import MANAGE, _contract_url


@permission_required(MANAGE)
@recent_login_required
def payment(request, pk):
    tranche = get_object_or_404(
        Tranche.objects.select_related("contract__cluster", "contract__call"), pk=pk
    )
    contract = tranche.contract
    form = PaymentForm(request.POST or None, tranche=tranche)
    if request.method == "POST" and form.is_valid():
        try:
            payment_record(actor=request.user, tranche=tranche, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Le versement de la tranche %(number)s est enregistré. Le cluster en est informé."
                )
                % {"number": f"{tranche.year}.{tranche.position}"},
            )
            return redirect(_contract_url(contract, "versements"))
        tranche.refresh_from_db()
    return render(
        request,
        "contracts/reports/payment.html",
        {"contract": contract, "tranche": tranche, "form": form},
    )
