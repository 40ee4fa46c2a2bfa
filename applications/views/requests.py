"""The director's side of a request for documents: add or replace the items asked, before
the reply-by date, then send the dossier back to the ministry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.formatting import isolated_text

from ..forms.dossier import UploadForm
from ..models import DossierStatus
from ..selectors import latest_request, provided_since
from ..services.requests import request_answer, request_document_upload
from .dossier import _dossier, _dossier_to_act_on


def _may_answer(user, dossier, document_request, now=None):
    return (
        dossier.status == DossierStatus.DOCUMENTS_REQUESTED
        and document_request.is_open(now)
        and user.has_perm("applications.change_cluster", dossier.cluster)
    )


def request_panel(request, dossier=None, **_objects):
    """The dossier page's panel: shown to the cluster's editors while a request is open."""
    if dossier is None or dossier.status != DossierStatus.DOCUMENTS_REQUESTED:
        return None
    document_request = latest_request(dossier)
    if document_request is None or not _may_answer(request.user, dossier, document_request):
        return None
    return {"dossier": dossier, "document_request": document_request}


def _dossier_and_request(request, pk):
    dossier = (_dossier_to_act_on if request.method == "POST" else _dossier)(request, pk)
    document_request = latest_request(dossier)
    if document_request is None:
        raise Http404
    return dossier, document_request


def _page(request, dossier, document_request, failed=None):
    now = timezone.now()
    provided = provided_since(document_request, dossier)
    given = {document.requirement_id: document for document in dossier.documents.all()}
    rows = [
        (
            requirement,
            given.get(requirement.pk),
            requirement.pk in provided,
            failed[1]
            if failed and failed[0] == requirement.pk
            else UploadForm(requirement=requirement),
        )
        for requirement in document_request.requirements.all()
    ]
    context = {
        "dossier": dossier,
        "document_request": document_request,
        "rows": rows,
        "provided_count": len(provided),
        "progress": round(100 * len(provided) / len(rows)) if rows else 0,
        "editable": _may_answer(request.user, dossier, document_request, now),
        "expired": document_request.answered_at is None and not document_request.is_open(now),
        "section": {"title": _("Compléments demandés")},
        "failed_form": failed[1] if failed else None,
        "failed_requirement": failed[0] if failed else None,
    }
    return render(request, "applications/requests/detail.html", context)


@login_required
def request_detail(request, pk):
    dossier, document_request = _dossier_and_request(request, pk)
    return _page(request, dossier, document_request)


@login_required
@require_POST
def request_upload(request, pk, requirement_pk):
    dossier, document_request = _dossier_and_request(request, pk)
    requirement = get_object_or_404(dossier.call.required_documents, pk=requirement_pk)
    form = UploadForm(request.POST, request.FILES, requirement=requirement)
    if form.is_valid():
        try:
            request_document_upload(
                actor=request.user,
                dossier=dossier,
                requirement=requirement,
                uploaded=form.cleaned_data["file"],
            )
        except ApplicationError as error:
            if error.field != "file":
                messages.error(request, error.message)
                return redirect("applications:request_detail", pk=dossier.pk)
            form.add_error("file", error.message)
        else:
            messages.success(
                request,
                _("Le fichier « %(label)s » est enregistré.")
                % {"label": isolated_text(requirement.label)},
            )
            return redirect("applications:request_detail", pk=dossier.pk)
    # 200, not 400: htmx swaps the page in, with the error next to the file input.
    return _page(request, dossier, document_request, failed=(requirement.pk, form))


@login_required
@require_POST
def request_answer_view(request, pk):
    dossier, _document_request = _dossier_and_request(request, pk)
    try:
        request_answer(actor=request.user, dossier=dossier)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("applications:request_detail", pk=dossier.pk)
    messages.success(
        request,
        _("Votre dossier a été renvoyé au ministère avec les pièces demandées."),
    )
    return redirect("applications:dossier_detail", pk=dossier.pk)
