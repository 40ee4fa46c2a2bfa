"""The ranking as lines ready to show or export, and its CSV and XLSX files."""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.exports import (
    MONEY_FORMAT,
    XLSX_TYPE,
    attachment,
    csv_response,
    sheet_fill,
)

from .models import Decision, Review, Score
from .selectors import ranking
from .services.selection import ineligibility_reason

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


def ranking_csv(call):
    return csv_response(*_ranking_table(call), f"classement-{call.reference}.csv")


def scores_csv(call):
    return csv_response(*_scores_table(call), f"notes-{call.reference}.csv")


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


def ranking_xlsx(call):
    header, rows = _ranking_table(call)
    workbook = Workbook()
    sheet_fill(
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
    sheet_fill(workbook.create_sheet(), _("Notes"), scores_header, score_rows, {5: SCORE_FORMAT})
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    return attachment(response, f"classement-{call.reference}.xlsx")
