"""The programme dashboard for administrators, its exports, and the public summary."""

from django.core.validators import slug_re
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape
from django.utils.translation import gettext as _

from applications.models import Call, CallStatus
from core.formatting import Numbers, written_html
from core.permissions import permission_required

from .. import exports
from ..dashboard.programme import programme, programme_calls
from ..dashboard.public import public_summary

VIEW_DASHBOARD = "contracts.view_dashboard"
CALL_PARAMETER = "appel"


def _chosen_call(request):
    """The call given in the URL (`?appel=<reference>`), or None for the whole programme."""
    reference = request.GET.get(CALL_PARAMETER)
    if not reference:
        return None
    # A reference is a slug; anything else (a NUL byte would reach PostgreSQL) names no call.
    if not slug_re.match(reference):
        raise Http404
    return get_object_or_404(Call.objects.exclude(status=CallStatus.DRAFT), reference=reference)


def _cluster_cells(clusters):
    """Each cluster's cells of the indicators' table (a row of the programme's 200 clusters
    by its indicators), written once here rather than by tags and filters in each cell."""
    numbers = Numbers()
    no_report = escape(_("aucun rapport approuvé"))
    for cluster in clusters:
        cells = []
        for cell in cluster.row:
            if cell is None:
                cells.append('<td class="num">—</td>')
                continue
            rate = cell.rate
            note = no_report if rate is None else f"{numbers.decimal(rate, 0)} %"
            cells.append(
                f'<td class="num"><span class="text-nowrap">{cell.achieved} / {cell.target}'
                f'</span><div class="small text-body-secondary">{note}</div></td>'
            )
        cluster.cells_html = written_html("".join(cells))
    return clusters


@permission_required(VIEW_DASHBOARD)
def programme_dashboard(request):
    call = _chosen_call(request)
    figures = programme(call)
    return render(
        request,
        "contracts/dashboard/programme.html",
        {
            "call": call,
            "calls": programme_calls(),
            "figures": figures,
            "clusters": _cluster_cells(figures.clusters),
            "money_scale": max((line.money.committed for line in figures.calls), default=0),
            "query": f"?{CALL_PARAMETER}={call.reference}" if call else "",
        },
    )


@permission_required(VIEW_DASHBOARD)
def programme_csv(request):
    return exports.programme_csv(_chosen_call(request))


@permission_required(VIEW_DASHBOARD)
def programme_xlsx(request):
    return exports.programme_xlsx(_chosen_call(request))


def public(request):
    return render(request, "contracts/dashboard/public.html", {"lines": public_summary()})
