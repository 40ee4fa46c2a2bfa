"""The ranking as lines ready to show or export, and its CSV and XLSX files."""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .models import Decision, Review, Score
from .selectors import ranking
from .services.selection import ineligibility_reason

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
SCORE_FORMAT = "0.00"


def _related(row, name):
    try:
        return getattr(row, name)
    except ObjectDoesNotExist:
        return None


@dataclass
class Figures:
    ranked: int
    selected: int
    committed: Decimal
    envelope: Decimal

    @property
    def remaining(self):
        return self.envelope - self.committed

    @property
    def percent(self):
        if not self.envelope:
            return 100 if self.committed else 0
        return min(100, int(self.committed * 100 / self.envelope))


def ranking_lines(call):
    """The call's ranking (one query), each line with its rank, decision, the reason it may
    not be selected, and the running total of the selected subsidies; and the big figures."""
    grid = call.grid
    lines = list(ranking(call))
    committed = Decimal("0")
    eligible_requested = Decimal("0")
    selected = 0
    for rank, line in enumerate(lines, start=1):
        line.rank = rank
        line.decision_made = _related(line, "decision")
        line.consensus_made = _related(line, "consensus")
        line.reason = ineligibility_reason(line, grid)
        # Where the envelope runs out among the dossiers that may be selected.
        line.eligible_cumulative = None
        if not line.reason:
            eligible_requested += line.subsidy_requested
            line.eligible_cumulative = eligible_requested
        line.over_envelope = eligible_requested > call.budget_envelope and not line.reason
        if line.decision_made and line.decision_made.outcome == Decision.Outcome.SELECTED:
            selected += 1
            committed += line.decision_made.subsidy_total
        line.committed_running = committed
    return lines, Figures(len(lines), selected, committed, call.budget_envelope)


def _local(moment):
    """Moroccan time without its zone: what a spreadsheet cell can hold."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _ranking_table(call):
    lines, _figures = ranking_lines(call)
    header = [
        _("Rang"),
        _("Référence"),
        _("Cluster"),
        _("Déposé le"),
        _("Évaluations soumises"),
        _("Moyenne (sur 100)"),
        _("Écart entre évaluateurs"),
        _("Divergent"),
        _("Consensus (sur 100)"),
        _("Note finale (sur 100)"),
        _("Éligible"),
        _("Motif d'inéligibilité"),
        _("Subvention demandée sur le contrat (MAD)"),
        _("Cumul des subventions demandées (MAD)"),
        _("Cumul des dossiers éligibles (MAD)"),
        _("Décision"),
    ]
    rows = [
        [
            line.rank,
            line.reference,
            str(line.cluster),
            _local(line.submitted_at),
            line.review_count,
            line.mean_total,
            line.spread,
            _("oui") if line.divergent else _("non"),
            line.consensus_made.score if line.consensus_made else None,
            line.final_score,
            _("oui") if not line.reason else _("non"),
            line.reason,
            line.subsidy_requested,
            line.cumulative_requested,
            line.eligible_cumulative,
            line.decision_made.get_outcome_display() if line.decision_made else "",
        ]
        for line in lines
    ]
    return header, rows


# A cell starting with one of these is a formula to a spreadsheet: text typed by users
# (cluster names, justifications) must never run as one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value):
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


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_response(header, rows, filename):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    writer.writerows([_csv_value(value) for value in row] for row in rows)
    # The byte-order mark tells Excel the file is UTF-8.
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, filename)


def ranking_csv(call):
    return _csv_response(*_ranking_table(call), f"classement-{call.reference}.csv")


def scores_csv(call):
    return _csv_response(*_scores_table(call), f"notes-{call.reference}.csv")


def all_scores(call):
    """Every submitted note of the call's dossiers, with who gave it and why."""
    return (
        Score.objects.filter(
            review__status=Review.Status.SUBMITTED, review__assignment__dossier__call=call
        )
        .select_related(
            "criterion",
            "review__assignment__evaluator",
            "review__assignment__dossier__cluster",
        )
        .order_by(
            "review__assignment__dossier__reference",
            "review__pk",
            "criterion__position",
            "criterion__pk",
        )
    )


def _scores_table(call):
    header = [
        _("Référence"),
        _("Cluster"),
        _("Évaluation n°"),
        _("Évaluateur"),
        _("Total de l'évaluation (sur 100)"),
        _("Critère"),
        _("Poids"),
        _("Note"),
        _("Note maximum"),
        _("Justification"),
    ]
    scale_max = call.grid.scale_max
    rows = [
        [
            score.review.assignment.dossier.reference,
            str(score.review.assignment.dossier.cluster),
            score.review.pk,
            score.review.assignment.evaluator.full_name,
            score.review.total,
            score.criterion.label,
            score.criterion.weight,
            score.value,
            scale_max,
            score.justification,
        ]
        for score in all_scores(call)
    ]
    return header, rows


def _sheet(sheet, title, header, rows, formats):
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


def ranking_xlsx(call):
    header, rows = _ranking_table(call)
    workbook = Workbook()
    _sheet(
        workbook.active,
        _("Classement"),
        header,
        rows,
        {
            4: "dd/mm/yyyy hh:mm",
            6: SCORE_FORMAT,
            7: SCORE_FORMAT,
            9: SCORE_FORMAT,
            10: SCORE_FORMAT,
            13: MONEY_FORMAT,
            14: MONEY_FORMAT,
            15: MONEY_FORMAT,
        },
    )
    scores_header, score_rows = _scores_table(call)
    _sheet(workbook.create_sheet(), _("Notes"), scores_header, score_rows, {5: SCORE_FORMAT})
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    return _attachment(response, f"classement-{call.reference}.xlsx")
