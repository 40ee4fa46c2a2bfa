"""The contract's page, for the ministry and for the cluster once sent for signature; its
lifecycle actions, each for the role that may take it; its files; the administrators' list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import recent_login_required
from core.dashboard import CONTRACT_DETAIL, panels_for
from core.errors import ApplicationError
from core.journal import journal_for
from core.permissions import permission_required

from ..forms.contract import (
    ActivateForm,
    ContractFilterForm,
    RecallForm,
    SignForm,
    TerminateForm,
    VersionRequestForm,
)
from ..models import Contract, ContractStatus
from ..selectors import (
    contract_missing,
    contract_schedule,
    contracts_visible_to,
    with_totals,
)
from ..services import lifecycle
from ..services.lifecycle import CONTRACT_STATES

# Other stages (reports, payments, KPI record) add their sections to the contract's page as
# panels of CONTRACT_DETAIL, with `contract=` as the page object.
MANAGE = "contracts.manage"
SIGN = "contracts.sign"
PER_PAGE = 25


def _contract_or_404(request, pk):
    return get_object_or_404(with_totals(contracts_visible_to(request.user)), pk=pk)


def _versions(contract):
    """The versions, newest first, the newest rendered one (whatever its language) marked as
    the latest: it is the one sending for signature hands to the cluster."""
    versions = list(contract.versions.all())
    latest = next((version for version in versions if version.pdf), None)
    for version in versions:
        version.is_latest = version is latest
    return versions


def _actions(request, contract):
    """What the viewer may do now: administrators drive the contract, its cluster signs."""
    status = contract.status
    if request.user.has_perm(MANAGE):
        return {
            "version": status == ContractStatus.DRAFT,
            "send": CONTRACT_STATES.allows(status, "send"),
            "recall": CONTRACT_STATES.allows(status, "recall"),
            "activate": CONTRACT_STATES.allows(status, "activate"),
            "close": CONTRACT_STATES.allows(status, "close"),
            "terminate": CONTRACT_STATES.allows(status, "terminate"),
        }
    return {
        "sign": CONTRACT_STATES.allows(status, "sign") and request.user.has_perm(SIGN, contract)
    }


def _detail_page(request, contract, status=200, **forms):
    versions = _versions(contract)
    actions = _actions(request, contract)
    forms = {
        "version_form": VersionRequestForm(),
        "recall_form": RecallForm(),
        "sign_form": SignForm(),
        "activate_form": ActivateForm(),
        **forms,
    }
    return render(
        request,
        "contracts/contract/detail.html",
        {
            "contract": contract,
            "journal": journal_for(contract),
            "panels": panels_for(request, CONTRACT_DETAIL, contract=contract),
            "versions": versions,
            "latest": next((version for version in versions if version.is_latest), None),
            "actions": actions,
            "missing": contract_missing(contract) if actions.get("send") else [],
            "can_manage": request.user.has_perm(MANAGE),
            **forms,
            **contract_schedule(contract),
        },
        status=status,
    )


@login_required
def detail(request, pk):
    return _detail_page(request, _contract_or_404(request, pk))


def _back(contract):
    return redirect("contracts:detail", pk=contract.pk)


def _refused(request, contract, error):
    messages.error(request, error.message)
    return _back(contract)


# The administrators' actions


@require_POST
@permission_required(MANAGE)
def version_request(request, pk):
    contract = _contract_or_404(request, pk)
    form = VersionRequestForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, contract, status=400, version_form=form)
    try:
        version = lifecycle.version_request(
            actor=request.user, contract=contract, language=form.cleaned_data["language"]
        )
    except ApplicationError as error:
        return _refused(request, contract, error)
    messages.success(
        request,
        _("La version %(number)s du contrat est en cours de génération.")
        % {"number": version.number},
    )
    return _back(contract)


@require_POST
@permission_required(MANAGE)
def send(request, pk):
    contract = _contract_or_404(request, pk)
    try:
        lifecycle.contract_send(actor=request.user, contract=contract)
    except ApplicationError as error:
        return _refused(request, contract, error)
    messages.success(
        request,
        _("Le contrat a bien été envoyé pour signature : le cluster en est informé par e-mail."),
    )
    return _back(contract)


@require_POST
@permission_required(MANAGE)
def recall(request, pk):
    contract = _contract_or_404(request, pk)
    form = RecallForm(request.POST)
    if form.is_valid():
        try:
            lifecycle.contract_recall(
                actor=request.user, contract=contract, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            if error.field != "reason":
                return _refused(request, contract, error)
            form.add_error("reason", error.message)
        else:
            messages.success(request, _("Le contrat est repris en projet pour être corrigé."))
            return _back(contract)
    return _detail_page(request, contract, status=400, recall_form=form)


@require_POST
@permission_required(MANAGE)
@recent_login_required
def activate(request, pk):
    contract = _contract_or_404(request, pk)
    form = ActivateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            lifecycle.contract_activate(
                actor=request.user, contract=contract, final_copy=form.cleaned_data["final_copy"]
            )
        except ApplicationError as error:
            if error.field != "file":
                return _refused(request, contract, error)
            form.add_error("final_copy", error.message)
        else:
            messages.success(
                request,
                _("Le contrat est contresigné et entre en vigueur : le cluster en est informé."),
            )
            return _back(contract)
    return _detail_page(request, contract, status=400, activate_form=form)


@require_POST
@permission_required(MANAGE)
def close(request, pk):
    contract = _contract_or_404(request, pk)
    try:
        lifecycle.contract_close(actor=request.user, contract=contract)
    except ApplicationError as error:
        return _refused(request, contract, error)
    messages.success(request, _("Le contrat est clôturé."))
    return _back(contract)


@permission_required(MANAGE)
def terminate(request, pk):
    """A confirmation page: ending a contract early is serious and needs a stated reason."""
    contract = _contract_or_404(request, pk)
    if not CONTRACT_STATES.allows(contract.status, "terminate"):
        messages.error(request, _("Ce contrat est déjà clôturé ou résilié."))
        return _back(contract)
    form = TerminateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.contract_terminate(
                actor=request.user, contract=contract, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(request, _("Le contrat est résilié."))
            return _back(contract)
    return render(
        request,
        "contracts/contract/terminate.html",
        {"contract": contract, "form": form},
        status=400 if form.errors else 200,
    )


# The cluster's signature


@require_POST
@login_required
def sign(request, pk):
    contract = _contract_or_404(request, pk)
    if not request.user.has_perm(SIGN, contract):
        raise PermissionDenied
    form = SignForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            lifecycle.contract_sign(
                actor=request.user, contract=contract, scan=form.cleaned_data["scan"]
            )
        except ApplicationError as error:
            if error.field != "file":
                return _refused(request, contract, error)
            form.add_error("scan", error.message)
        else:
            messages.success(
                request,
                _(
                    "Votre contrat signé a bien été transmis. Le ministère le contresignera "
                    "et vous serez informé par e-mail de son entrée en vigueur."
                ),
            )
            return _back(contract)
    return _detail_page(request, contract, status=400, sign_form=form)


# The files


def _pdf_response(field, filename):
    if not field:
        raise Http404
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )


@login_required
def version_download(request, pk, number):
    contract = _contract_or_404(request, pk)
    version = get_object_or_404(contract.versions.exclude(pdf=""), number=number)
    return _pdf_response(
        version.pdf, f"{contract.reference}-v{version.number}-{version.language}.pdf"
    )


@login_required
def signed_scan_download(request, pk):
    contract = _contract_or_404(request, pk)
    return _pdf_response(contract.signed_scan, f"{contract.reference}-signe.pdf")


@login_required
def final_copy_download(request, pk):
    contract = _contract_or_404(request, pk)
    return _pdf_response(contract.final_copy, f"{contract.reference}-exemplaire-final.pdf")


# The administrators' list


@permission_required(MANAGE)
def contract_list(request):
    filters = ContractFilterForm(request.GET or None)
    contracts = Contract.objects.select_related("call", "cluster").order_by(
        "-call__edition_year", "reference"
    )
    if filters.is_valid():
        if filters.cleaned_data["call"]:
            contracts = contracts.filter(call=filters.cleaned_data["call"])
        if filters.cleaned_data["status"]:
            contracts = contracts.filter(status=filters.cleaned_data["status"])
    page = Paginator(with_totals(contracts), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "contracts/contract/list.html",
        {
            "page": page,
            "filters": filters,
            "filtered": filters.is_valid() and any(filters.cleaned_data.values()),
            "any_contract": page.paginator.count > 0 or Contract.objects.exists(),
        },
    )
