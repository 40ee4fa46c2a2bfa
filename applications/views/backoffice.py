"""The programme administrators' pages: prepare, publish, clone a call and move its deadline."""

from datetime import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.dashboard import BACKOFFICE_CALL, panels_for
from core.errors import ApplicationError
from core.formatting import isolated_text
from core.journal import journal_for
from core.permissions import permission_required

from .. import selectors
from ..forms.calls import CallForm, DeadlineChangeForm, RequiredDocumentForm
from ..models import Call, CallStatus, RequiredDocument
from ..services import calls as services
from .public import with_phase

MANAGE_CALLS = "applications.manage_calls"


def _call_or_404(pk):
    return get_object_or_404(selectors.calls_for_administration(), pk=pk)


def _timeline(call):
    """The call's journal, with the dates of a deadline change ready to show."""
    entries = list(journal_for(call))
    for entry in entries:
        if entry.action == "call.deadline_change":
            entry.previous_deadline = datetime.fromisoformat(entry.data["from"])
            entry.new_deadline = datetime.fromisoformat(entry.data["to"])
    return entries


@permission_required(MANAGE_CALLS)
def call_list(request):
    page = Paginator(selectors.calls_for_administration(), 50).get_page(request.GET.get("page"))
    page.object_list = with_phase(list(page.object_list), timezone.now())
    return render(request, "applications/backoffice/call_list.html", {"page": page})


@permission_required(MANAGE_CALLS)
def call_detail(request, pk):
    call = _call_or_404(pk)
    now = timezone.now()
    with_phase([call], now)
    gaps = selectors.translation_gaps(call)
    return render(
        request,
        "applications/backoffice/call_detail.html",
        {
            "call": call,
            "now": now,
            "documents": call.required_documents.all(),
            "dossiers": selectors.deposited_dossiers(call),
            # The later stages (evaluation) add their own sections.
            "panels": panels_for(request, BACKOFFICE_CALL, call=call),
            "timeline": _timeline(call),
            "translation_gaps": gaps,
            "translation_status": [(_("Arabe"), gaps["ar"]), (_("Anglais"), gaps["en"])],
        },
    )


def _call_form_page(request, form, call=None):
    return render(request, "applications/backoffice/call_form.html", {"form": form, "call": call})


@permission_required(MANAGE_CALLS)
def call_create(request):
    year = timezone.localdate().year
    form = CallForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "edition_year": year,
            "title": _("Appel à projets clusters %(year)s") % {"year": year},
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_save(actor=request.user, **form.call_fields())
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _(
                    "L'appel est enregistré en brouillon. Ajoutez les pièces demandées, puis publiez-le."
                ),
            )
            return redirect("applications:backoffice_call_detail", pk=call.pk)
    return _call_form_page(request, form)


@permission_required(MANAGE_CALLS)
def call_update(request, pk):
    call = get_object_or_404(Call, pk=pk)
    form = CallForm(request.POST or None, request.FILES or None, instance=call)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_save(actor=request.user, call=call, **form.call_fields())
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Les modifications de l'appel sont enregistrées."))
            return redirect("applications:backoffice_call_detail", pk=call.pk)
    return _call_form_page(request, form, call)


@permission_required(MANAGE_CALLS)
@require_POST
def call_publish(request, pk):
    call = get_object_or_404(Call, pk=pk)
    try:
        services.call_publish(
            actor=request.user,
            call=call,
            without_arabic=request.POST.get("without_arabic") == "1",
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("L'appel est publié : il figure maintenant sur la page publique des appels.")
        )
    return redirect("applications:backoffice_call_detail", pk=call.pk)


@permission_required(MANAGE_CALLS)
@require_POST
def call_clone(request, pk):
    source = get_object_or_404(Call, pk=pk)
    try:
        clone = services.call_clone(actor=request.user, source=source)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("applications:backoffice_call_detail", pk=source.pk)
    messages.success(
        request,
        _(
            "Un nouvel appel en brouillon a été créé à partir de « %(title)s », avec ses règles "
            "et ses pièces demandées. Vérifiez ses dates avant de le publier."
        )
        % {"title": isolated_text(source.title)},
    )
    return redirect("applications:backoffice_call_update", pk=clone.pk)


@permission_required(MANAGE_CALLS)
def call_deadline_change(request, pk):
    call = get_object_or_404(Call, pk=pk)
    if call.status != CallStatus.PUBLISHED:
        messages.info(request, _("Un appel en brouillon se modifie directement, clôture comprise."))
        return redirect("applications:backoffice_call_update", pk=call.pk)
    form = DeadlineChangeForm(request.POST or None, initial={"closes_at": call.closes_at})
    if request.method == "POST" and form.is_valid():
        try:
            services.call_deadline_change(actor=request.user, call=call, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _(
                    "La nouvelle date de clôture est enregistrée. Les directeurs dont le dossier "
                    "est en brouillon en sont informés par e-mail."
                ),
            )
            return redirect("applications:backoffice_call_detail", pk=call.pk)
    return render(
        request, "applications/backoffice/deadline_form.html", {"form": form, "call": call}
    )


def _document_form_page(request, form, call, document=None):
    return render(
        request,
        "applications/backoffice/document_form.html",
        {"form": form, "call": call, "document": document},
    )


@permission_required(MANAGE_CALLS)
def required_document_create(request, pk):
    call = get_object_or_404(Call, pk=pk)
    form = RequiredDocumentForm(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            services.required_document_save(actor=request.user, call=call, **form.document_fields())
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("La pièce est ajoutée à la liste."))
            return redirect("applications:backoffice_call_detail", pk=call.pk)
    return _document_form_page(request, form, call)


def _document_or_404(pk, document_pk):
    return get_object_or_404(
        RequiredDocument.objects.select_related("call"), pk=document_pk, call_id=pk
    )


@permission_required(MANAGE_CALLS)
def required_document_update(request, pk, document_pk):
    document = _document_or_404(pk, document_pk)
    call = document.call
    form = RequiredDocumentForm(request.POST or None, instance=document, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            services.required_document_save(
                actor=request.user, call=call, document=document, **form.document_fields()
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("La pièce est modifiée."))
            return redirect("applications:backoffice_call_detail", pk=call.pk)
    return _document_form_page(request, form, call, document)


@permission_required(MANAGE_CALLS)
def required_document_delete(request, pk, document_pk):
    document = _document_or_404(pk, document_pk)
    call = document.call
    if request.method == "POST":
        try:
            services.required_document_delete(actor=request.user, document=document)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("La pièce « %(label)s » est retirée de la liste.")
                % {"label": isolated_text(document.label)},
            )
        return redirect("applications:backoffice_call_detail", pk=call.pk)
    return render(
        request,
        "applications/backoffice/document_confirm_delete.html",
        {"call": call, "document": document},
    )
