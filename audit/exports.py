"""The filtered journal as CSV and XLSX files, through core.exports."""

import io
import json

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.exports import XLSX_TYPE, attachment, csv_response, sheet_fill

from .selectors import journal_rows


def _header():
    return [
        _("Date"),
        _("Auteur"),
        _("Action"),
        _("Objet"),
        _("Référence"),
        _("État avant"),
        _("État après"),
        _("Motif"),
        _("Avant"),
        _("Après"),
    ]


def _json(value):
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _lines(entries):
    for row in journal_rows(entries):
        entry = row.entry
        data = entry.data if isinstance(entry.data, dict) else {}
        yield [
            # Local time without zone: spreadsheets keep no time zone.
            timezone.localtime(entry.created_at).replace(tzinfo=None),
            entry.actor.full_name if entry.actor else "",
            str(entry.label),
            row.kind,
            row.reference,
            row.from_state,
            row.to_state,
            entry.message,
            _json(data.get("before")),
            _json(data.get("after")),
        ]


def _filename(extension):
    return f"journal-{timezone.localdate():%Y-%m-%d}.{extension}"


def journal_csv(entries):
    return csv_response(_header(), _lines(entries), _filename("csv"))


def journal_xlsx(entries):
    workbook = Workbook()
    sheet_fill(workbook.active, _("Journal"), _header(), _lines(entries), {1: "dd/mm/yyyy hh:mm"})
    buffer = io.BytesIO()
    workbook.save(buffer)
    return attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE), _filename("xlsx"))
