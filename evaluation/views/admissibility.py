"""Admissibility, for the programme administrators: the call's deposited dossiers with the
portal's pre-check, and on each dossier the three decisions staff can take."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Call, CallStatus, Dossier, DossierStatus
from applications.sections import task_list
from applications.selectors import critical_masses, dossier_for_page
from applications.services.submission import DOSSIER_STATES
from core.errors import ApplicationError
from core.journal import journal_for
from core.permissions import permission_required

from ..forms.admissibility import AdmissibleForm, DocumentsRequestForm, InadmissibleForm
from ..selectors.assignments import precheck, request_pending
from ..services.admissibility import (
    DECIDED,
    WAITING,
    admissibility_declare,
    documents_request,
)

MANAGE = "evaluation.manage"


def _with_prechecks(dossiers):
    """Each dossier with its pre-check in `gaps`; the members of every cluster counted at once."""
    masses = critical_masses(dossier.cluster_id for dossier in dossiers)
    for dossier in dossiers:
        dossier.gaps = precheck(dossier, masses[dossier.cluster_id])
    return dossiers


@permission_required(MANAGE)
def admissibility_list(request, call_pk):
    call = get_object_or_404(Call.objects.exclude(status=CallStatus.DRAFT), pk=call_pk)
    closed = call.is_closed()
    waiting, decided = [], []
    if closed:
        dossiers = list(
            dossier_for_page(call.dossiers.filter(status__in=[*WAITING, *DECIDED]))
            .prefetch_related("document_requests")
            .order_by("submitted_at", "reference")
        )
        for dossier in _with_prechecks(dossiers):
            (waiting if dossier.status in WAITING else decided).append(dossier)
    context = {"call": call, "closed": closed, "waiting": waiting, "decided": decided}
    return render(request, "evaluation/admissibility/list.html", context)


def _dossier(dossier_pk):
    """Any deposited dossier; drafts belong to their cluster and are not found here."""
    queryset = dossier_for_page(Dossier.objects.exclude(status=DossierStatus.DRAFT))
    return get_object_or_404(queryset.select_related("cluster__owner"), pk=dossier_pk)


def _detail_page(request, dossier, **forms):
    call = dossier.call
    closed = call.is_closed()
    allows = {
        action: closed and DOSSIER_STATES.allows(dossier.status, action)
        for action in ("declare_admissible", "declare_inadmissible", "request_documents")
    }
    allows["declare_admissible"] &= not request_pending(dossier)
    context = {
        "dossier": dossier,
        "call": call,
        "closed": closed,
        "rows": task_list(dossier)[0],
        "can_edit": False,
        "gaps": _with_prechecks([dossier])[0].gaps,
        "requests": dossier.document_requests.prefetch_related("requirements"),
        "journal": journal_for(dossier),
        "allows": allows,
        "any_action": any(allows.values()),
        "admissible_form": forms.get("admissible_form") or AdmissibleForm(),
        "inadmissible_form": forms.get("inadmissible_form") or InadmissibleForm(),
        "request_form": forms.get("request_form") or DocumentsRequestForm(call=call),
        "now": timezone.now(),
    }
    return render(request, "evaluation/admissibility/detail.html", context)


@permission_required(MANAGE)
def admissibility_detail(request, dossier_pk):
    return _detail_page(request, _dossier(dossier_pk))


def _refused(request, dossier, form, error):
    """A refusal about one field shows next to it; any other (call not closed, a decision
    already taken in another tab) is said at the top of the dossier's page."""
    if error.field in form.fields:
        form.add_error(error.field, error.message)
        return None
    messages.error(request, error.message)
    return redirect("evaluation:admissibility_detail", dossier_pk=dossier.pk)


def _declare(request, dossier_pk, *, admissible):
    dossier = _dossier(dossier_pk)
    form_class, reason_field = (
        (AdmissibleForm, "comment") if admissible else (InadmissibleForm, "reason")
    )
    form = form_class(request.POST)
    if form.is_valid():
        try:
            admissibility_declare(
                actor=request.user,
                dossier=dossier,
                admissible=admissible,
                reason=form.cleaned_data[reason_field],
            )
        except ApplicationError as error:
            if error.field == "reason":
                error.field = reason_field
            refused = _refused(request, dossier, form, error)
            if refused:
                return refused
        else:
            text = (
                _("Le dossier %(reference)s est déclaré recevable.")
                if admissible
                else _("Le dossier %(reference)s est déclaré irrecevable.")
            )
            messages.success(request, text % {"reference": dossier.reference})
            return redirect("evaluation:admissibility_list", call_pk=dossier.call_id)
    key = "admissible_form" if admissible else "inadmissible_form"
    return _detail_page(request, dossier, **{key: form})


@permission_required(MANAGE)
@require_POST
def admissibility_accept(request, dossier_pk):
    return _declare(request, dossier_pk, admissible=True)


@permission_required(MANAGE)
@require_POST
def admissibility_reject(request, dossier_pk):
    return _declare(request, dossier_pk, admissible=False)


@permission_required(MANAGE)
@require_POST
def admissibility_request(request, dossier_pk):
    dossier = _dossier(dossier_pk)
    form = DocumentsRequestForm(request.POST, call=dossier.call)
    if form.is_valid():
        try:
            documents_request(
                actor=request.user,
                dossier=dossier,
                requirements=form.cleaned_data["requirements"],
                message=form.cleaned_data["message"],
                reply_by=form.cleaned_data["reply_by"],
            )
        except ApplicationError as error:
            refused = _refused(request, dossier, form, error)
            if refused:
                return refused
        else:
            messages.success(
                request,
                _("La demande de compléments est envoyée au cluster du dossier %(reference)s.")
                % {"reference": dossier.reference},
            )
            return redirect("evaluation:admissibility_detail", dossier_pk=dossier.pk)
    return _detail_page(request, dossier, request_form=form)
