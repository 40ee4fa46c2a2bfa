"""Spreadsheet files the staff download: CSV as French Excel reads it, XLSX through openpyxl.
Text typed by users never runs as a formula in either."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"


# A cell starting with one of these is a formula to a spreadsheet: text typed by users
# (cluster names, justifications) must never run as one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, Decimal):
        # French Excel reads "12,50" as a number, "12.50" as text.
        return f"{value:.2f}".replace(".", ",")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y %H:%M")
    return str(value)


def attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(header, rows, filename):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows([csv_value(value) for value in row] for row in rows)
    # The byte-order mark tells Excel the file is UTF-8.
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    return attachment(response, filename)


def sheet_fill(sheet, title, header, rows, formats):
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"
    for column, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    for index, title_cell in enumerate(sheet[1], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            12, min(60, len(str(title_cell.value)) + 2)
        )
    sheet.freeze_panes = "A2"
