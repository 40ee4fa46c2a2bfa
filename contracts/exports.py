"""The programme's figures as CSV and XLSX files, written as the evaluation's exports are
(UTF-8 with a byte-order mark and `;` for CSV, openpyxl for XLSX)."""

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.exports import MONEY_FORMAT, XLSX_TYPE, attachment, csv_response, sheet_fill

from .dashboard.programme import contract_lines, programme

RATE_FORMAT = "0.0"


def _filename(call, extension):
    suffix = f"-{call.reference}" if call is not None else ""
    return f"programme{suffix}.{extension}"


def _indicators_of(contracts):
    """Every indicator the contracts commit to, programme's first, custom ones by label."""
    lines = {}
    for contract in contracts:
        for key, line in contract.kpis.items():
            lines.setdefault(key, line)
    return sorted(lines.values(), key=lambda line: line.sort_key)


def _contracts_table(call):
    """One line per contract: its money, and per indicator its target and achieved value."""
    contracts = contract_lines(call)
    indicators = _indicators_of(contracts)
    header = [
        _("Appel à projets"),
        _("Référence du contrat"),
        _("Cluster"),
        _("État"),
        _("Durée (années)"),
        _("Subvention prévue à l'échéancier (MAD)"),
        _("Subvention engagée (MAD)"),
        _("Subvention versée (MAD)"),
    ]
    for line in indicators:
        header += [
            _("%(indicator)s — cible") % {"indicator": line.name},
            _("%(indicator)s — réalisé (rapports approuvés)") % {"indicator": line.name},
        ]
    rows = []
    for contract in contracts:
        row = [
            contract.call.title,
            contract.reference,
            str(contract.cluster),
            contract.get_status_display(),
            contract.years,
            contract.subsidy_total,
            contract.committed_total,
            contract.paid_total,
        ]
        for indicator in indicators:
            line = contract.kpis.get(indicator.key)
            row += [line.target, line.achieved] if line else [None, None]
        rows.append(row)
    return header, rows


def _rate(value):
    return round(value, 1) if value is not None else None


def _indicators_table(figures):
    header = [
        _("Indicateur"),
        _("Cible sur la durée des contrats"),
        _("Cible des années aux rapports approuvés"),
        _("Réalisé (rapports approuvés)"),
        _("Taux de réalisation (%)"),
    ]
    rows = [
        [line.name, line.target, line.target_to_date, line.achieved, _rate(line.rate)]
        for line in figures.indicators
    ]
    return header, rows


def _clusters_table(figures):
    header = [
        _("Cluster"),
        _("Indicateur"),
        _("Cible sur la durée des contrats"),
        _("Cible des années aux rapports approuvés"),
        _("Réalisé (rapports approuvés)"),
        _("Taux de réalisation (%)"),
    ]
    rows = [
        [cluster.name, cell.name, cell.target, cell.target_to_date, cell.achieved, _rate(cell.rate)]
        for cluster in figures.clusters
        for cell in cluster.row
        if cell is not None
    ]
    return header, rows


def _calls_table(figures):
    header = [
        _("Appel à projets"),
        _("Contrats"),
        _("Contrats signés"),
        _("Clusters sous contrat"),
        _("Subvention engagée (MAD)"),
        _("Subvention versée (MAD)"),
        _("Exigible non versé (MAD)"),
        _("Réduit ou retenu (MAD)"),
        _("Part versée (%)"),
    ]
    lines = [*figures.calls, figures.total]
    rows = [
        [
            line.title or _("Ensemble du programme"),
            line.contracts,
            line.signed,
            line.clusters,
            line.money.committed,
            line.money.paid,
            line.money.due_unpaid,
            line.money.reduced,
            _rate(line.money.share_paid),
        ]
        for line in lines
    ]
    return header, rows


def programme_csv(call=None):
    return csv_response(*_contracts_table(call), _filename(call, "csv"))


def programme_xlsx(call=None):
    figures = programme(call)
    workbook = Workbook()
    money = dict.fromkeys((5, 6, 7, 8), MONEY_FORMAT)
    sheet_fill(workbook.active, _("Appels"), *_calls_table(figures), {**money, 9: RATE_FORMAT})
    header, rows = _contracts_table(call)
    sheet_fill(
        workbook.create_sheet(),
        _("Contrats"),
        header,
        rows,
        dict.fromkeys((6, 7, 8), MONEY_FORMAT),
    )
    sheet_fill(
        workbook.create_sheet(), _("Indicateurs"), *_indicators_table(figures), {5: RATE_FORMAT}
    )
    sheet_fill(
        workbook.create_sheet(),
        _("Clusters et indicateurs"),
        *_clusters_table(figures),
        {6: RATE_FORMAT},
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    return attachment(response, _filename(call, "xlsx"))
