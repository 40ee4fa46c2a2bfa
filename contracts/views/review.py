"""The ministry's review of an annual report: approve it (which releases the tranches it
conditions) or ask the cluster for changes."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.permissions import permission_required

from ..forms.reports import ApproveForm, ChangesForm
from ..models import TrancheStatus
from ..payouts import achievement_rate, released_by, tranche_due_amount
from ..services.reports import report_approve, report_request_changes
from .reports import (
    MANAGE,
    _contract,
    _contract_url,
    _due_on,
    _files,
    _report,
    _report_parts,
    indicator_lines,
)


def release_preview(report, rate):
    """The tranches approval would make payable and what each would be worth: the rules the
    release service applies (`payouts.released_by`, `payouts.tranche_due_amount`), without
    writing anything."""
    contract = report.contract
    tranches = contract.tranches.filter(
        released_by("report", report), status=TrancheStatus.PLANNED
    ).order_by("year", "position")
    rows = []
    for tranche in tranches:
        due = tranche_due_amount(tranche, contract, rate)
        rows.append({"tranche": tranche, "due": due, "reduced": due < tranche.amount})
    return rows


def _render_review(request, contract, report, approve_form=None, changes_form=None):
    commitments, achievements = _report_parts(report)
    lines = indicator_lines(report, commitments, achievements)
    reviewable = report.status == "submitted"
    rate = report.achievement_rate
    if reviewable:
        rate = achievement_rate(
            (line.achieved, line.commitment.target) for line in achievements.values()
        )
    return render(
        request,
        "contracts/reports/review.html",
        {
            "contract": contract,
            "report": report,
            "lines": lines,
            "rate": rate,
            "reviewable": reviewable,
            "preview": release_preview(report, rate) if reviewable else [],
            "released": _released_tranches(report) if report.status == "approved" else [],
            "files": _files(report),
            "due_on": _due_on(report),
            "approve_form": approve_form or ApproveForm(),
            "changes_form": changes_form or ChangesForm(),
        },
    )


def _released_tranches(report):
    return (
        report.contract.tranches.filter(released_by("report", report))
        .exclude(status=TrancheStatus.PLANNED)
        .order_by("year", "position")
    )


def _reviewed(request, pk, year):
    contract = _contract(request, pk)
    return contract, _report(contract, year)


@permission_required(MANAGE)
def report_review(request, pk, year):
    contract, report = _reviewed(request, pk, year)
    return _render_review(request, contract, report)


@require_POST
@permission_required(MANAGE)
def report_approve_view(request, pk, year):
    contract, report = _reviewed(request, pk, year)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            report = report_approve(
                actor=request.user, report=report, comment=form.cleaned_data["comment"]
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Le rapport de l'année %(year)s est approuvé : taux de réalisation des "
                    "indicateurs de %(rate)s %%. Le cluster en est informé par e-mail."
                )
                % {"year": report.year, "rate": report.achievement_rate},
            )
            return redirect(_contract_url(contract, "versements"))
    return _render_review(request, contract, report, approve_form=form)


@require_POST
@permission_required(MANAGE)
def report_changes_view(request, pk, year):
    contract, report = _reviewed(request, pk, year)
    form = ChangesForm(request.POST)
    if form.is_valid():
        try:
            report_request_changes(
                actor=request.user, report=report, comment=form.cleaned_data["review_comment"]
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Les compléments sont demandés au cluster, qui en est informé par e-mail."),
            )
            return redirect(_contract_url(contract))
    return _render_review(request, contract, report, changes_form=form)
