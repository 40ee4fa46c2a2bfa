"""The administrators' journal: every entry, filtered, a page of 50 at a time, exported."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.permissions import permission_required

from . import exports
from .filters import JournalFilter
from .selectors import journal_entries, journal_rows

PER_PAGE = 50
EXPORTS = {"csv": exports.journal_csv, "xlsx": exports.journal_xlsx}


# A page to read: nothing is ever posted to the journal.
@require_GET
@permission_required("audit.view_journal")
def journal(request):
    filters = JournalFilter(request.GET or None, queryset=journal_entries())
    entries = filters.qs
    export = EXPORTS.get(request.GET.get("format"))
    if export:
        return export(entries)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "filtered": any(
            value for name, value in request.GET.items() if name not in ("page", "format")
        ),
        "page": page,
        "rows": journal_rows(page.object_list),
    }
    return render(request, "audit/journal.html", context)
