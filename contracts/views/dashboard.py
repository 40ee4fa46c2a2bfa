"""The programme dashboard for administrators, its exports, and the public summary."""

from functools import cached_property

from django.core.validators import slug_re
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from applications.models import Call, Cluster
from core.fragments import FRAGMENT_SECONDS, content_version
from core.permissions import permission_required

from .. import exports
from ..dashboard import programme, programme_calls, public_summary
from ..models import (
    AnnualReport,
    Contract,
    ContractYear,
    KpiAchievement,
    KpiCommitment,
    Payment,
    Tranche,
)

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
    return get_object_or_404(Call.objects.exclude(status=Call.Status.DRAFT), reference=reference)


# The tables the dashboard's version reads.
VERSION_TABLES = 9


def programme_version(call):
    """A digest of every row the dashboard adds up: it changes with any of them."""
    contracts = Contract.objects.all() if call is None else Contract.objects.filter(call=call)
    stamped = ("pk", "updated_at")
    return content_version(
        contracts.values(*stamped),
        ContractYear.objects.filter(contract__in=contracts).values(),
        Tranche.objects.filter(contract__in=contracts).values(),
        Payment.objects.filter(tranche__contract__in=contracts).values(*stamped),
        KpiCommitment.objects.filter(contract__in=contracts).values(),
        AnnualReport.objects.filter(contract__in=contracts).values(*stamped),
        KpiAchievement.objects.filter(report__contract__in=contracts).values(
            "pk", "report", "commitment", "achieved"
        ),
        Cluster.objects.filter(pk__in=contracts.values("cluster")).values(*stamped),
        Call.objects.filter(pk__in=contracts.values("call")).values(*stamped),
    )


class _Figures:
    """The dashboard's figures, computed only when the cached page part does not hold them."""

    def __init__(self, call):
        self.call = call

    @cached_property
    def figures(self):
        return programme(self.call)

    @cached_property
    def money_scale(self):
        return max((line.money.committed for line in self.figures.calls), default=0)


@permission_required(VIEW_DASHBOARD)
def programme_dashboard(request):
    call = _chosen_call(request)
    lazy = _Figures(call)
    return render(
        request,
        "contracts/dashboard/programme.html",
        {
            "call": call,
            "calls": programme_calls(),
            "lazy": lazy,
            "version": programme_version(call),
            "fragment_seconds": FRAGMENT_SECONDS,
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
