"""The director's cluster (/mon-cluster/): its profile, its members and who may edit it.

Everything is reached through the signed-in director's own cluster, so another cluster's
member is simply not found (404), never "forbidden" (which would confirm it exists).
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.formatting import isolated_text
from core.permissions import permission_required

from ..choices import MemberType
from ..eligibility import eligibility_gaps
from ..forms.cluster import ClusterForm, CoEditorForm, MemberFilterForm, MemberForm
from ..selectors import cluster_for_user, critical_mass, open_calls
from ..services import clusters as services

# Role-level: only directors describe a cluster; the object check comes after.
DIRECTORS_ONLY = "applications.create_cluster"
TYPE_ORDER = Case(
    *[When(member_type=value, then=Value(rank)) for rank, value in enumerate(MemberType.values)],
    output_field=IntegerField(),
)
MEMBER_SORTS = {"nom": ("name", "pk"), "type": (TYPE_ORDER, "name", "pk")}


def _checked(request, cluster):
    if not request.user.has_perm("applications.change_cluster", cluster):
        raise PermissionDenied
    return cluster


def with_cluster(view):
    """Directors only; the view receives their cluster, or they are sent to create it."""

    @permission_required(DIRECTORS_ONLY)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        cluster = cluster_for_user(request.user)
        if cluster is None and kwargs:
            # A member or co-editor of no cluster of theirs: not found, like any other's.
            raise Http404
        if cluster is None:
            messages.info(request, _("Commencez par décrire votre cluster."))
            return redirect("applications:cluster_profile")
        return view(request, _checked(request, cluster), *args, **kwargs)

    return wrapped


def _cluster_form(request, cluster):
    form = ClusterForm(request.POST or None, instance=cluster)
    if request.method == "POST" and form.is_valid():
        try:
            services.cluster_save(actor=request.user, cluster=cluster, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Le profil du cluster a été enregistré."))
            return redirect("applications:cluster_profile")
    return render(
        request, "applications/cluster/cluster_form.html", {"form": form, "creating": not cluster}
    )


def _call_checks(cluster, figures):
    """For each open call, what the cluster still lacks to meet its rules."""
    return [
        {"call": call, "gaps": eligibility_gaps(cluster, call, figures)} for call in open_calls()
    ]


@permission_required(DIRECTORS_ONLY)
def cluster_profile(request):
    cluster = cluster_for_user(request.user)
    if cluster is None:
        return _cluster_form(request, None)
    _checked(request, cluster)
    figures = critical_mass(cluster)
    context = {
        "cluster": cluster,
        "figures": figures,
        "call_checks": _call_checks(cluster, figures),
        "can_manage_co_editors": request.user.has_perm("applications.manage_co_editors", cluster),
    }
    return render(request, "applications/cluster/profile.html", context)


@with_cluster
def cluster_edit(request, cluster):
    return _cluster_form(request, cluster)


def _query(**params):
    return "?" + urlencode({key: value for key, value in params.items() if value})


@with_cluster
def member_list(request, cluster):
    filters = MemberFilterForm(request.GET)
    member_type = filters.cleaned_data["type"] if filters.is_valid() else ""
    sort = request.GET.get("tri") if request.GET.get("tri") in MEMBER_SORTS else "nom"
    members = cluster.members.all()
    if member_type:
        members = members.filter(member_type=member_type)
    members = list(members.order_by(*MEMBER_SORTS[sort]))
    context = {
        "cluster": cluster,
        "members": members,
        "filters": filters,
        "member_type": member_type,
        "member_type_label": MemberType(member_type).label if member_type else "",
        "sort": sort,
        "sort_urls": {key: _query(type=member_type, tri=key) for key in MEMBER_SORTS},
        # Only needed to tell an empty cluster from an empty filter.
        "has_members": bool(members) or cluster.members.exists(),
    }
    return render(request, "applications/cluster/member_list.html", context)


def _member_form(request, cluster, member):
    title = member.name if member else None
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.member_save(
                actor=request.user, cluster=cluster, member=member, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("Le membre « %(name)s » a été enregistré.") % {"name": isolated_text(saved.name)},
            )
            if "save_and_add" in request.POST:
                return redirect("applications:member_add")
            return redirect("applications:member_list")
    context = {"cluster": cluster, "form": form, "member": member, "title": title}
    return render(request, "applications/cluster/member_form.html", context)


@with_cluster
def member_add(request, cluster):
    return _member_form(request, cluster, None)


@with_cluster
def member_edit(request, cluster, pk):
    return _member_form(request, cluster, get_object_or_404(cluster.members, pk=pk))


@with_cluster
def member_delete(request, cluster, pk):
    member = get_object_or_404(cluster.members, pk=pk)
    if request.method == "POST":
        services.member_delete(actor=request.user, member=member)
        messages.success(
            request,
            _("« %(name)s » a été retiré des membres du cluster.")
            % {"name": isolated_text(member.name)},
        )
        return redirect("applications:member_list")
    return render(
        request, "applications/cluster/member_delete.html", {"cluster": cluster, "member": member}
    )


@with_cluster
def co_editors(request, cluster):
    can_manage = request.user.has_perm("applications.manage_co_editors", cluster)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = CoEditorForm(request.POST or None) if can_manage else None
    if request.method == "POST" and form.is_valid():
        try:
            user = services.co_editor_add(
                actor=request.user, cluster=cluster, email=form.cleaned_data["email"]
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("%(name)s peut maintenant modifier le profil et les membres du cluster.")
                % {"name": isolated_text(user.full_name)},
            )
            return redirect("applications:co_editors")
    context = {
        "cluster": cluster,
        "form": form,
        "can_manage": can_manage,
        "editors": cluster.co_editors.order_by("full_name"),
    }
    return render(request, "applications/cluster/co_editors.html", context)


@with_cluster
@require_POST
def co_editor_remove(request, cluster, user_pk):
    if not request.user.has_perm("applications.manage_co_editors", cluster):
        raise PermissionDenied
    user = get_object_or_404(cluster.co_editors, pk=user_pk)
    try:
        services.co_editor_remove(actor=request.user, cluster=cluster, user=user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s ne peut plus modifier le cluster.")
            % {"name": isolated_text(user.full_name)},
        )
    return redirect("applications:co_editors")
