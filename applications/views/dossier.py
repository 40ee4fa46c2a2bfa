"""The director's dossier: its list, its start, its task list, its sections and projects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.dashboard import DOSSIER_DETAIL, panels_for
from core.errors import ApplicationError
from core.formatting import isolated_text
from core.journal import journal_for
from core.permissions import permission_required

from ..concurrency import project_fingerprint, section_fingerprint
from ..eligibility import eligibility_gaps
from ..forms.dossier import (
    BudgetForm,
    KpiForm,
    MembersForm,
    ProjectForm,
    SectionTextForm,
    UploadForm,
)
from ..models import Call, CallStatus, Dossier
from ..sections import SECTIONS_BY_SLUG, task_list
from ..selectors import (
    cluster_for_user,
    critical_mass,
    dossier_for_check,
    dossier_for_page,
    dossier_for_section,
    dossier_for_task_list,
    dossiers_visible_to,
)
from ..services import dossiers as services


def _dossier(request, pk, *, for_page=True, section=None, for_check=False, for_task_list=False):
    """The dossier if this person may see it; 404 otherwise, whoever's it is. With all that
    its pages show, or what one `section` shows, or what check-your-answers shows
    (`for_check`), or what its own page shows (`for_task_list`), or (`for_page` False, a
    change that only redirects or a download) just its call and cluster.

    The permission decides on the row itself: the same rule as `dossiers_visible_to`, whose
    subquery cost more to build than the page's own query."""
    dossiers = Dossier.objects.all()
    if for_task_list:
        dossiers = dossier_for_task_list(dossiers)
    elif section is not None:
        dossiers = dossier_for_section(dossiers, section.kind)
    elif for_check:
        dossiers = dossier_for_check(dossiers)
    elif for_page:
        dossiers = dossier_for_page(dossiers)
    else:
        dossiers = dossiers.select_related("call", "cluster")
    dossier = get_object_or_404(dossiers, pk=pk)
    if not request.user.has_perm("applications.view_dossier", dossier):
        raise Http404
    return dossier


def _dossier_to_act_on(request, pk, *, for_page=True, section=None):
    """The dossier for a change: 404 for whoever may not see it, 403 for whoever may see it
    without being one of its cluster's editors (an administrator)."""
    dossier = _dossier(request, pk, for_page=for_page, section=section)
    if not request.user.has_perm("applications.act_on_dossier", dossier):
        raise PermissionDenied
    return dossier


def _journal_for_viewer(user, dossier):
    """The cluster sees the steps of its dossier, never the ministry's internal work
    (who evaluates it, their reviews): those entries stay for staff."""
    journal = journal_for(dossier)
    if user.is_administrator:
        return journal
    journal = journal.filter(action__startswith="dossier.")
    if dossier.call.status != CallStatus.RESULTS_PUBLISHED:
        # The committee's decisions are told when the results are published.
        journal = journal.exclude(
            action__in=["dossier.select", "dossier.waitlist", "dossier.reject"]
        )
    return journal


def _can_edit(request, dossier):
    return request.user.has_perm("applications.change_dossier", dossier) and dossier.call.is_open()


@permission_required("applications.create_cluster")
def dossier_list(request):
    dossiers = dossiers_visible_to(request.user).order_by("-call__closes_at")
    return render(
        request,
        "applications/dossier/list.html",
        {"dossiers": dossiers, "cluster": cluster_for_user(request.user)},
    )


@permission_required("applications.create_cluster")
def dossier_start(request, reference):
    call = get_object_or_404(Call.objects.exclude(status=CallStatus.DRAFT), reference=reference)
    cluster = cluster_for_user(request.user)
    if cluster is None:
        messages.info(
            request, _("Décrivez d'abord votre cluster : le dossier s'appuie sur son profil.")
        )
        return redirect("applications:cluster_profile")
    if request.method == "POST":
        try:
            dossier = services.dossier_start(actor=request.user, call=call, cluster=cluster)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            return redirect("applications:dossier_detail", pk=dossier.pk)
    mass = critical_mass(cluster)
    context = {
        "call": call,
        "cluster": cluster,
        "mass": mass,
        "gaps": eligibility_gaps(cluster, call, mass),
    }
    return render(request, "applications/dossier/start.html", context)


@login_required
def dossier_detail(request, pk):
    dossier = _dossier(request, pk, for_task_list=True)
    rows, progress = task_list(dossier)
    context = {
        "dossier": dossier,
        "rows": rows,
        "progress": progress,
        "can_edit": _can_edit(request, dossier),
        "journal": _journal_for_viewer(request.user, dossier),
        # Later stages (requests for documents, results) add their own sections.
        "panels": panels_for(request, DOSSIER_DETAIL, dossier=dossier),
    }
    return render(request, "applications/dossier/detail.html", context)


def _section_form(section, dossier, data=None):
    form = _section_form_of_kind(section, dossier, data)
    if form is not None:
        form.fields["seen"].initial = section_fingerprint(dossier, section)
    return form


def _section_form_of_kind(section, dossier, data):
    if section.kind in ("text", "innovation"):
        return SectionTextForm(data, instance=dossier, section=section)
    if section.kind == "members":
        initial = {"members": list(dossier.participating_members.all())}
        return MembersForm(data, cluster=dossier.cluster, initial=initial)
    if section.kind == "budget":
        return BudgetForm(data, dossier=dossier)
    if section.kind == "kpis":
        return KpiForm(data, dossier=dossier)
    return None


def _save_section(request, section, dossier, form):
    common = {"actor": request.user, "dossier": dossier, "seen": form.cleaned_data["seen"]}
    if section.kind in ("text", "innovation"):
        return services.dossier_section_save(**common, slug=section.slug, values=form.cleaned_data)
    if section.kind == "members":
        return services.dossier_members_save(**common, members=list(form.cleaned_data["members"]))
    if section.kind == "budget":
        return services.budget_save(**common, years=form.years_data())
    return services.kpis_save(**common, targets=form.targets())


@login_required
def dossier_section(request, pk, slug):
    post = request.method == "POST"
    section = SECTIONS_BY_SLUG.get(slug) or _not_found()
    find = _dossier_to_act_on if post else _dossier
    dossier = find(request, pk, section=section)
    editable = _can_edit(request, dossier)
    form = _section_form(section, dossier, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form is None:
        # Files are sent to their own URL; a stray POST here just shows the section again.
        return redirect("applications:dossier_section", pk=dossier.pk, slug=slug)
    if request.method == "POST" and not editable:
        return _refuse_keeping_input(request, dossier, section, form)
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = _save_section(request, section, dossier, form)
            except ApplicationError as error:
                if request.htmx and error.code == "conflict":
                    context = {"refused": error.message}
                    return render(request, "applications/dossier/_autosaved.html", context)
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                if request.htmx:
                    # The page's form now stands on what was just saved.
                    seen = section_fingerprint(saved, section)
                    context = {"seen": seen}
                    return render(request, "applications/dossier/_autosaved.html", context)
                messages.success(
                    request,
                    _("La section « %(title)s » est enregistrée.")
                    % {"title": isolated_text(section.title)},
                )
                return redirect("applications:dossier_detail", pk=dossier.pk)
        if request.htmx:
            return render(request, "applications/dossier/_autosaved.html", {"failed": True})
    context = {
        "dossier": dossier,
        "section": section,
        "form": form,
        "editable": editable,
        "upload_forms": _upload_rows(dossier, section) if section.kind == "documents" else None,
        "project_form": ProjectForm() if section.kind == "innovation" else None,
    }
    return render(request, "applications/dossier/section.html", context)


def _refuse_keeping_input(request, dossier, section, form):
    """A save refused (deadline passed, dossier submitted elsewhere): say why, and give back
    what was typed, so the person can keep a copy; nothing is lost silently."""
    error = _editing_error(request, dossier)
    if request.htmx:
        return render(request, "applications/dossier/_autosaved.html", {"refused": error.message})
    messages.error(request, error.message)
    context = {"dossier": dossier, "section": section, "form": form, "editable": False}
    return render(request, "applications/dossier/section.html", context)


def _not_found():
    raise Http404


def _editing_error(request, dossier):
    try:
        services.ensure_editable(request.user, dossier)
    except ApplicationError as error:
        return error
    return ApplicationError(_("Vous ne pouvez pas modifier ce dossier."))


def _upload_rows(dossier, section, failed=None):
    """Each required document of the section, with its file if given and its upload form."""
    given = {document.requirement_id: document for document in dossier.documents.all()}
    rows = []
    for requirement in dossier.call.required_documents.all():
        if requirement.part != section.part:
            continue
        form = failed[1] if failed and failed[0] == requirement.pk else None
        rows.append(
            (requirement, given.get(requirement.pk), form or UploadForm(requirement=requirement))
        )
    return rows


@login_required
def project_edit(request, pk, project_pk=None):
    dossier = _dossier_to_act_on(request, pk)
    project = get_object_or_404(dossier.projects, pk=project_pk) if project_pk else None
    if request.method != "POST" and not _can_edit(request, dossier):
        # No form for what cannot be done: the dossier's page, and why.
        messages.info(request, _editing_error(request, dossier).message)
        return redirect("applications:dossier_detail", pk=dossier.pk)
    form = ProjectForm(request.POST or None, instance=project)
    if project:
        form.fields["seen"].initial = project_fingerprint(project)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.project_save(
                actor=request.user,
                dossier=dossier,
                project=project,
                seen=form.cleaned_data["seen"],
                **fields,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Le projet est enregistré."))
            return redirect("applications:dossier_section", pk=dossier.pk, slug="innovation")
    return render(
        request,
        "applications/dossier/project_form.html",
        {"dossier": dossier, "form": form, "project": project},
    )


@login_required
@require_POST
def project_delete(request, pk, project_pk):
    dossier = _dossier_to_act_on(request, pk)
    project = get_object_or_404(dossier.projects, pk=project_pk)
    try:
        services.project_delete(actor=request.user, project=project)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Le projet a été supprimé."))
    return redirect("applications:dossier_section", pk=dossier.pk, slug="innovation")
