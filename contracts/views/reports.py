"""Annual reports: the director files the year's report, with its indicators and files, and
anyone who may see the contract downloads them. The ministry's review and the payments have
their own modules."""

from decimal import Decimal
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from applications.choices import Indicator
from core.errors import ApplicationError

from ..forms.reports import FILE_FIELDS, ReportForm
from ..models import AnnualReport, ContractStatus
from ..payouts import HUNDRED
from ..selectors import contracts_visible_to, report_missing
from ..services.reports import ensure_report_can_open, report_fill

MANAGE = "contracts.manage"
REPORT = "contracts.report"
FILE_NAMES = {
    "activity_report": "rapport-activite",
    "financial_report": "rapport-financier",
}


def _contract(request, pk):
    return get_object_or_404(contracts_visible_to(request.user), pk=pk)


def _report(contract, year):
    return get_object_or_404(contract.reports.select_related("contract"), year=year)


def _report_url(report, name="report"):
    return reverse(f"contracts:{name}", args=[report.contract_id, report.year])


def _contract_url(contract, anchor="rapports"):
    return f"{reverse('contracts:detail', args=[contract.pk])}#{anchor}"


def indicator_lines(report, commitments, achievements):
    """Per commitment: target, achieved, the ratio capped at 100 % (None for a zero target)."""
    lines = []
    for commitment in commitments:
        line = achievements.get(commitment.pk)
        ratio = None
        if line is not None and commitment.target:
            ratio = min(Decimal(line.achieved) / Decimal(commitment.target), Decimal(1)) * HUNDRED
        lines.append({"commitment": commitment, "achievement": line, "ratio": ratio})
    return lines


def _due_on(report):
    return (
        report.contract.contract_years.filter(year=report.year)
        .values_list("report_due_on", flat=True)
        .first()
    )


def _in_programme_order(commitment):
    """The programme's indicators in their usual order, then the contract's own ones."""
    order = Indicator.values
    position = order.index(commitment.indicator) if commitment.indicator in order else len(order)
    return position, commitment.label


def _report_parts(report):
    commitments = sorted(
        report.contract.commitments.filter(year=report.year), key=_in_programme_order
    )
    # A report not saved yet (its page opened for the first time) has no line.
    lines = report.achievements.all() if report.pk else []
    achievements = {line.commitment_id: line for line in lines}
    return commitments, achievements


def _files(report):
    """The two report files, with the name they download under, their type and size."""
    files = []
    for name in FILE_FIELDS:
        field = getattr(report, name)
        info = {"name": name, "label": capfirst(report._meta.get_field(name).verbose_name)}
        if field:
            extension = PurePosixPath(field.name).suffix.lower()
            try:
                size = field.size
            except OSError:
                size = None
            info.update(
                filename=_download_name(report, name, extension),
                extension=extension.lstrip(".").upper(),
                size=size,
            )
        files.append(info)
    return files


def _download_name(report, name, extension):
    return f"{FILE_NAMES[name]}-{report.contract.reference}-annee-{report.year}{extension}"


# The director's report ------------------------------------------------------------------------


def _open_report(request, contract, year):
    """The year's report; the first time, a new one, not saved (its first save creates it);
    None, said in a message, when this person may not start it yet."""
    report = contract.reports.filter(year=year).first()
    if report is not None:
        return report
    if not request.user.has_perm(REPORT, contract):
        raise Http404
    try:
        ensure_report_can_open(actor=request.user, contract=contract, year=year)
    except ApplicationError as error:
        messages.error(request, error.message)
        return None
    return AnnualReport(contract=contract, year=year)


def _file_report(request, contract, year, form):
    """The page's one service call: what is valid of the form saved, in one transaction;
    each refusal next to its field."""
    # Even with errors, cleaned_data holds the valid fields: they are saved; a report with
    # an error in its form is not transmitted.
    valid = form.is_valid()
    filing = report_fill(
        actor=request.user,
        contract=contract,
        year=year,
        # A refused comment (a NUL byte) is not in cleaned_data: None keeps the stored one.
        comment=form.cleaned_data.get("comment"),
        files={name: form.cleaned_data.get(name) for name in FILE_FIELDS},
        lines=[
            (commitment, achieved, comment, evidence or None)
            for commitment, achieved, comment, evidence in form.line_values()
        ],
        submit=valid and request.POST.get("action") == "submit",
    )
    for field, message in filing.errors:
        form.add_error(field if field in form.fields else None, message)
    return filing


@login_required
def report(request, pk, year):
    contract = _contract(request, pk)
    if request.user.has_perm(MANAGE):
        return redirect("contracts:report_review", pk=contract.pk, year=year)
    if not 1 <= year <= contract.years:
        raise Http404
    report = _open_report(request, contract, year)
    if report is None:
        return redirect(_contract_url(contract))
    editable = (
        report.is_editable
        and contract.status == ContractStatus.ACTIVE
        and request.user.has_perm(REPORT, contract)
    )
    commitments, achievements = _report_parts(report)
    form = None
    failed_missing = None
    if editable:
        posted = request.method == "POST"
        form = ReportForm(
            request.POST if posted else None,
            request.FILES if posted else None,
            report=report,
            commitments=commitments,
            achievements=achievements,
        )
    if editable and request.method == "POST":
        try:
            filing = _file_report(request, contract, year, form)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(_contract_url(contract))
        report = filing.report
        if filing.submitted:
            messages.success(
                request,
                _(
                    "Le rapport de l'année %(year)s a bien été transmis au ministère. "
                    "Vous recevrez un e-mail quand il aura été examiné."
                )
                % {"year": report.year},
            )
            return redirect(_report_url(report))
        if filing.refusal is not None:
            if filing.refusal.code != "incomplete":
                messages.error(request, filing.refusal.message)
            failed_missing = report_missing(report)
        elif not form.errors:
            messages.success(request, _("Le rapport est enregistré."))
            return redirect(_report_url(report))
        else:
            messages.error(
                request,
                _("Les informations valides sont enregistrées ; corrigez les erreurs signalées."),
            )
        report.refresh_from_db()
        commitments, achievements = _report_parts(report)
        for line in form.lines:
            line["achievement"] = achievements.get(line["commitment"].pk)
    elif request.method == "POST":
        messages.error(request, _("Ce rapport est transmis : il ne peut plus être modifié."))
        return redirect(_report_url(report))
    return render(
        request,
        "contracts/reports/report.html",
        {
            "contract": contract,
            "report": report,
            "form": form,
            "editable": editable,
            "lines": indicator_lines(report, commitments, achievements),
            "missing": report_missing(report) if editable else [],
            "failed_missing": failed_missing,
            "files": _files(report),
            "due_on": _due_on(report),
        },
    )


# Files ----------------------------------------------------------------------------------------


def _send(field, filename):
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except OSError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=filename)


@login_required
def report_file(request, pk, year, kind):
    if kind not in FILE_FIELDS:
        raise Http404
    contract = _contract(request, pk)
    report = _report(contract, year)
    field = getattr(report, kind)
    extension = PurePosixPath(field.name).suffix.lower() if field else ""
    return _send(field, _download_name(report, kind, extension))


@login_required
def evidence_file(request, pk, year, line_pk):
    contract = _contract(request, pk)
    report = _report(contract, year)
    line = get_object_or_404(report.achievements, pk=line_pk)
    return _send(line.evidence, line.evidence_name or PurePosixPath(line.evidence.name).name)
