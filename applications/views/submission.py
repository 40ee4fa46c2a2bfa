"""Check your answers and submit, the confirmation and its receipt, withdraw and reopen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.formatting import moment_text

from ..eligibility import eligibility_gaps
from ..forms.dossier import SubmitForm, WithdrawForm
from ..models import DossierStatus
from ..sections import missing_items, task_list
from ..services.submission import (
    dossier_reopen,
    dossier_submit,
    dossier_withdraw,
    ensure_withdrawable,
)
from .dossier import _can_edit, _dossier, _dossier_to_act_on


@login_required
def dossier_review(request, pk):
    """Check your answers: the whole dossier, what is missing, the declaration, submit."""
    received_at = timezone.now()
    post = request.method == "POST"
    # A submission reads what it checks itself, under the lock; the page is read if refused.
    if post:
        dossier = _dossier_to_act_on(request, pk, for_page=False)
    else:
        dossier = _dossier(request, pk, for_check=True)
    if request.method == "POST" and dossier.status == DossierStatus.SUBMITTED:
        # A second click on "Soumettre": the first one went through.
        return redirect("applications:dossier_confirmation", pk=dossier.pk)
    form = SubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier_submit(
                actor=request.user,
                dossier=dossier,
                declaration=form.cleaned_data["declaration"],
                now=received_at,
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("applications:dossier_confirmation", pk=dossier.pk)
    if post:
        dossier = _dossier(request, pk, for_check=True)
    rows, progress = task_list(dossier)
    context = {
        "dossier": dossier,
        "form": form,
        "rows": rows,
        "progress": progress,
        "missing": missing_items(dossier),
        "gaps": eligibility_gaps(dossier.cluster, dossier.call),
        "can_edit": _can_edit(request, dossier),
    }
    return render(request, "applications/dossier/review.html", context)


@login_required
def dossier_confirmation(request, pk):
    dossier = _dossier(request, pk, for_page=False)
    receipt = dossier.receipts.first()
    return render(
        request, "applications/dossier/confirmation.html", {"dossier": dossier, "receipt": receipt}
    )


@login_required
def receipt_download(request, pk, receipt_pk):
    dossier = _dossier(request, pk, for_page=False)
    receipt = get_object_or_404(dossier.receipts, pk=receipt_pk)
    if not receipt.pdf:
        messages.info(
            request,
            _("L'accusé de réception est en cours de préparation : réessayez dans un instant."),
        )
        return redirect("applications:dossier_confirmation", pk=dossier.pk)
    return FileResponse(
        receipt.pdf.open("rb"),
        as_attachment=True,
        filename=f"{receipt.number}.pdf",
        content_type="application/pdf",
    )


@login_required
def dossier_withdraw_view(request, pk):
    dossier = _dossier_to_act_on(request, pk)
    if request.method != "POST":
        try:
            ensure_withdrawable(request.user, dossier)
        except ApplicationError as error:
            # No form for what cannot be done: the dossier's page, and why.
            messages.info(request, error.message)
            return redirect("applications:dossier_detail", pk=dossier.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier_withdraw(
                actor=request.user, dossier=dossier, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            closes_at = timezone.localtime(dossier.call.closes_at)
            messages.success(
                request,
                _(
                    "Votre dossier a été retiré. Vous pouvez le rouvrir jusqu'à la clôture de "
                    "l'appel, le %(date)s (heure du Maroc)."
                )
                % {"date": moment_text(closes_at)},
            )
            return redirect("applications:dossier_detail", pk=dossier.pk)
    return render(request, "applications/dossier/withdraw.html", {"dossier": dossier, "form": form})


@login_required
@require_POST
def dossier_reopen_view(request, pk):
    dossier = _dossier_to_act_on(request, pk)
    try:
        dossier_reopen(actor=request.user, dossier=dossier)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Votre dossier est de nouveau un brouillon : complétez-le puis déposez-le avant la clôture."
            ),
        )
    return redirect("applications:dossier_detail", pk=dossier.pk)
