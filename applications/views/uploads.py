"""The dossier's files: upload (a card for htmx, a redirect without script), delete,
download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reselect, retarget

from core.errors import ApplicationError
from core.formatting import isolated_text

from ..choices import DocumentPart, ScanStatus
from ..forms.dossier import UploadForm
from ..sections import SECTIONS_BY_SLUG
from ..services.documents import document_delete, document_upload
from .dossier import _can_edit, _dossier, _dossier_to_act_on, _upload_rows

# What the antivirus writes of a file once it has judged it.
SCAN_FIELDS = ["scan_status", "scan_signature", "scanned_at", "file", "quarantine_name"]


@login_required
@require_POST
def document_upload_view(request, pk, requirement_pk):
    # A successful upload reads nothing more: its card (htmx) or a redirect (no script).
    dossier = _dossier_to_act_on(request, pk, for_page=False)
    requirement = get_object_or_404(dossier.call.required_documents, pk=requirement_pk)
    slug = (
        "pieces-administratives"
        if requirement.part == DocumentPart.ADMINISTRATIVE
        else "pieces-techniques"
    )
    form = UploadForm(request.POST, request.FILES, requirement=requirement)
    if form.is_valid():
        try:
            document = document_upload(
                actor=request.user,
                dossier=dossier,
                requirement=requirement,
                uploaded=form.cleaned_data["file"],
            )
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            # An antivirus run inline has already judged the file once the service committed:
            # say only what is true of it. A file refused is not in the dossier (its card says
            # so in red); a file still waiting for its verdict is received, not yet saved.
            document.refresh_from_db(fields=SCAN_FIELDS)
            saved = document.scan_status == ScanStatus.CLEAN
            if request.htmx:
                return _document_card(request, dossier, requirement, document, saved=saved)
            _tell_upload(request, requirement, document)
            return redirect("applications:dossier_section", pk=dossier.pk, slug=slug)
    section = SECTIONS_BY_SLUG[slug]
    context = {
        "dossier": dossier,
        "section": section,
        "editable": _can_edit(request, dossier),
        "upload_forms": _upload_rows(dossier, section, failed=(requirement.pk, form)),
        "failed_form": form,
        "failed_requirement": requirement.pk,
    }
    # 200, not 400: htmx swaps the whole page in, with the error summary and the error next
    # to the file input, in place of the card the form was sent from.
    response = render(request, "applications/dossier/section.html", context)
    if request.htmx:
        reselect(retarget(response, "#main"), "#main")
    return response


def _tell_upload(request, requirement, document):
    if document.scan_status == ScanStatus.CLEAN:
        messages.success(
            request,
            _("Le fichier « %(label)s » est enregistré.")
            % {"label": isolated_text(requirement.label)},
        )
    elif document.scan_status != ScanStatus.INFECTED:
        messages.info(
            request,
            _(
                "Le fichier « %(label)s » est reçu : il comptera dans le dossier dès que "
                "l'antivirus l'aura déclaré sain."
            )
            % {"label": isolated_text(requirement.label)},
        )


def _document_card(request, dossier, requirement, document, *, saved):
    """The answer to an upload sent by htmx: the document's card, as the section shows it."""
    context = {
        "dossier": dossier,
        "requirement": requirement,
        "document": document,
        "upload_form": UploadForm(requirement=requirement),
        "editable": _can_edit(request, dossier),
        "saved": saved,
    }
    return render(request, "applications/dossier/_document_card.html", context)


@login_required
@require_POST
def document_delete_view(request, pk, document_pk):
    dossier = _dossier_to_act_on(request, pk)
    document = get_object_or_404(dossier.documents, pk=document_pk)
    slug = (
        "pieces-administratives"
        if document.requirement.part == DocumentPart.ADMINISTRATIVE
        else "pieces-techniques"
    )
    try:
        document_delete(actor=request.user, document=document)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Le fichier a été supprimé."))
    return redirect("applications:dossier_section", pk=dossier.pk, slug=slug)


@login_required
def document_download(request, pk, document_pk):
    dossier = _dossier(request, pk, for_page=False)
    # A file waiting for the antivirus, or quarantined, is served to no one.
    document = get_object_or_404(
        dossier.documents.filter(scan_status=ScanStatus.CLEAN), pk=document_pk
    )
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
