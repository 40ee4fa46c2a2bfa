"""The ranking as lines ready to show or export, and its CSV and XLSX files."""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F
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

from .models import Decision, ReviewStatus, Score
from .selectors.ranking import ranking, ranking_totals, reason_texts

SCORE_FORMAT = "0.00"
# What a line of the ranking page shows, read as values (no model built per row).
LINE_COLUMNS = (
    "pk",
    "reference",
    "review_count",
    "mean_total",
    "spread",
    "divergent",
    "final_score",
    "reason",
    "subsidy_requested",
    "eligible_cumulative",
)
LINE_EXPRESSIONS = {
    "cluster_name": F("cluster__name"),
    "cluster_acronym": F("cluster__acronym"),
    "consensus_score": F("consensus__score"),
    "outcome": F("decision__outcome"),
}


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


def ranking_figures(call):
    """The ranking's big figures, added up by the database (one query)."""
    return Figures(**ranking_totals(call), envelope=call.budget_envelope)


def _cluster(line):
    name, acronym = line["cluster_name"], line["cluster_acronym"]
    return f"{name} ({acronym})" if acronym else name


def ranking_lines(call, start=0, stop=None, *, columns=()):
    """Lines `start` to `stop` of the call's ranking (one query), each a dict with its rank,
    scores, the reason it may not be selected, its cluster's name and its decision; the
    eligible dossiers' running total only on the lines that may be selected."""
    rows = ranking(call).values(*LINE_COLUMNS, *columns, **LINE_EXPRESSIONS)[start:stop]
    reasons = reason_texts(call.grid)
    lines = list(rows)
    for rank, line in enumerate(lines, start=start + 1):
        line["rank"] = rank
        line["cluster"] = _cluster(line)
        line["reason_text"] = reasons[line["reason"]]
        if line["reason"]:
            line["eligible_cumulative"] = None
    return lines


def _local(moment):
    """Moroccan time without its zone: what a spreadsheet cell can hold."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _ranking_table(call):
    lines = ranking_lines(call, columns=("submitted_at", "cumulative_requested"))
    outcomes = dict(Decision.Outcome.choices)
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
    yes, no = _("oui"), _("non")
    rows = [
        [
            line["rank"],
            line["reference"],
            line["cluster"],
            _local(line["submitted_at"]),
            line["review_count"],
            line["mean_total"],
            line["spread"],
            yes if line["divergent"] else no,
            line["consensus_score"],
            line["final_score"],
            no if line["reason"] else yes,
            line["reason_text"],
            line["subsidy_requested"],
            line["cumulative_requested"],
            line["eligible_cumulative"],
            str(outcomes[line["outcome"]]) if line["outcome"] else "",
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
            review__status=ReviewStatus.SUBMITTED, review__assignment__dossier__call=call
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
