"""Editing a draft contrat-programme: its parties and dates, its subsidy schedule and its KPI
commitments, always within the call's envelope."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from applications.models import Call
from core.errors import ApplicationError
from core.journal import journal_record
from core.services import assign_fields, full_clean_or_refuse
from core.templatetags.portal import mad
from core.translation import columns

from ..models import (
    CUSTOM_INDICATOR,
    Contract,
    ContractYear,
    KpiCommitment,
    Tranche,
    TrancheCondition,
)
from .guards import ensure_draft, require_manager
from .schedule import _ensure_plausible_start, ensure_within_envelope, report_due_on

if TYPE_CHECKING:
    from accounts.models import User

CENTIME = Decimal("0.01")
CENT = Decimal("0.01")


def _mark_edited(contract: Contract) -> None:
    """The draft's PDF versions are now out of date: a new one is needed before sending."""
    contract.edited_at = timezone.now()
    contract.save(update_fields=["edited_at", "updated_at"])


CONTRACT_FIELDS = (
    "start_date",
    "legal_name",
    "representative_name",
    *columns("representative_title"),
    *columns("ministry_representative"),
    "kpi_threshold",
    "below_threshold",
)


@transaction.atomic
def contract_update(*, actor: User, contract: Contract, fields: Mapping[str, Any]) -> Contract:
    """Change the parties, the start date or the KPI rule of a draft."""
    require_manager(actor)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    ensure_draft(contract)
    before = {name: str(getattr(contract, name)) for name in fields}
    assign_fields(contract, fields, allowed=CONTRACT_FIELDS)
    _ensure_plausible_start(contract.start_date)
    full_clean_or_refuse(contract)
    contract.edited_at = timezone.now()
    contract.save()
    if "start_date" in fields:
        for row in contract.contract_years.all():
            row.report_due_on = report_due_on(contract.start_date, row.year)
            row.save(update_fields=["report_due_on"])
    after = {name: str(getattr(contract, name)) for name in fields}
    changed = [name for name in fields if before[name] != after[name]]
    if changed:
        journal_record(
            target=contract,
            actor=actor,
            action="contract.update",
            data={
                "before": {name: before[name] for name in changed},
                "after": {name: after[name] for name in changed},
            },
        )
    return contract


def _clean_schedule(
    contract: Contract, call: Call, tranches: Iterable[Mapping[str, Any]]
) -> dict[int, list[tuple[Decimal, str]]]:
    """Each line (year, amount, condition) checked; returns {year: [lines]} in order."""
    by_year: dict[int, list[tuple[Decimal, str]]] = {
        year: [] for year in range(1, contract.years + 1)
    }
    for line in tranches:
        year, amount, condition = line["year"], line["amount"], line["condition"]
        if year not in by_year:
            raise ApplicationError(
                _("L'année %(year)s n'existe pas dans ce contrat.") % {"year": year}, field="year"
            )
        if amount is None or amount < 0 or amount != amount.quantize(CENT):
            raise ApplicationError(
                _("Un montant doit être positif, au centime près."), field="amount"
            )
        if condition not in TrancheCondition.values:
            raise ApplicationError(_("Condition de versement inconnue."), field="condition")
        if year == 1 and condition == TrancheCondition.PREVIOUS_REPORT:
            raise ApplicationError(
                _(
                    "La première année n'a pas de rapport précédent : choisissez une autre condition."
                ),
                field="condition",
            )
        by_year[year].append((amount, condition))
    for year, lines in by_year.items():
        if not lines:
            raise ApplicationError(
                _("L'année %(year)s doit compter au moins une tranche.") % {"year": year}
            )
        year_total = sum((amount for amount, _condition in lines), Decimal("0"))
        if year_total > call.max_annual_subsidy:
            raise ApplicationError(
                _(
                    "L'année %(year)s totalise %(total)s, au-delà du plafond annuel de "
                    "%(maximum)s fixé par l'appel."
                )
                % {
                    "year": year,
                    "total": mad(year_total),
                    "maximum": mad(call.max_annual_subsidy),
                }
            )
    return by_year


def _tranche_lines(tranches: Iterable[Tranche]) -> list[dict[str, Any]]:
    return [{"year": t.year, "amount": str(t.amount), "condition": t.condition} for t in tranches]


@transaction.atomic
def schedule_update(
    *, actor: User, contract: Contract, tranches: Iterable[Mapping[str, Any]]
) -> Contract:
    """Replace a draft's tranches; each year's subsidy and the total are their sums, so they
    always add up to the centime. `tranches`: dicts with year, amount and condition."""
    require_manager(actor)
    call = Call.objects.select_for_update().get(pk=contract.call_id)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    ensure_draft(contract)
    by_year = _clean_schedule(contract, call, tranches)
    before = contract.tranches.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    # In centimes, as stored: SQLite's sum of decimals comes back without them.
    before = before.quantize(CENTIME)
    before_tranches = _tranche_lines(contract.tranches.order_by("year", "position"))
    contract.tranches.all().delete()
    new = []
    years = {row.year: row for row in contract.contract_years.all()}
    for year, lines in by_year.items():
        for position, (amount, condition) in enumerate(lines, start=1):
            new.append(
                Tranche(
                    contract=contract,
                    year=year,
                    position=position,
                    amount=amount,
                    condition=condition,
                )
            )
        years[year].amount = sum((amount for amount, _condition in lines), Decimal("0"))
    bulk_update_with_history(list(years.values()), ContractYear, ["amount"], default_user=actor)
    bulk_create_with_history(new, Tranche, default_user=actor)
    _mark_edited(contract)
    total = sum((tranche.amount for tranche in new), Decimal("0"))
    ensure_within_envelope(call, contract, total)
    journal_record(
        target=contract,
        actor=actor,
        action="contract.schedule_update",
        data={
            "before": str(before),
            "after": str(total),
            "tranches_before": before_tranches,
            "tranches": _tranche_lines(new),
        },
    )
    return contract


def _clean_commitments(
    contract: Contract, commitments: Iterable[Mapping[str, Any]]
) -> list[KpiCommitment]:
    seen = set()
    rows = []
    for line in commitments:
        indicator = line["indicator"]
        label = (line.get("label") or "").strip() if indicator == CUSTOM_INDICATOR else ""
        if indicator == CUSTOM_INDICATOR and not label:
            raise ApplicationError(
                _("Donnez un intitulé à l'indicateur spécifique."), field="label"
            )
        year, target = line["year"], line["target"]
        if not 1 <= year <= contract.years:
            raise ApplicationError(
                _("L'année %(year)s n'existe pas dans ce contrat.") % {"year": year}, field="year"
            )
        if target is None or target < 0:
            raise ApplicationError(_("Une cible est un nombre positif ou nul."), field="target")
        key = (indicator, label, year)
        if key in seen:
            raise ApplicationError(
                _("Un même indicateur figure deux fois pour l'année %(year)s.") % {"year": year}
            )
        seen.add(key)
        # A custom indicator's Arabic and English names; French is read where they are empty.
        names = {
            name: (line.get(name) or "").strip() if label else "" for name in LABEL_TRANSLATIONS
        }
        rows.append(
            KpiCommitment(
                contract=contract,
                indicator=indicator,
                label=label,
                **names,
                year=year,
                target=target,
            )
        )
    return rows


LABEL_TRANSLATIONS = ("label_ar", "label_en")


def _commitment_lines(rows: Iterable[KpiCommitment]) -> list[dict[str, Any]]:
    return [
        {
            "indicator": r.indicator,
            "label": r.label,
            **{name: getattr(r, name) for name in LABEL_TRANSLATIONS if getattr(r, name)},
            "year": r.year,
            "target": r.target,
        }
        for r in rows
    ]


@transaction.atomic
def commitments_update(
    *, actor: User, contract: Contract, commitments: Iterable[Mapping[str, Any]]
) -> Contract:
    """Replace a draft's KPI commitments: dicts with indicator, label (custom), year, target."""
    require_manager(actor)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    ensure_draft(contract)
    rows = _clean_commitments(contract, commitments)
    for row in rows:
        full_clean_or_refuse(row, exclude=["contract"], validate_unique=False)
    before = _commitment_lines(contract.commitments.order_by("year", "indicator", "label"))
    contract.commitments.all().delete()
    bulk_create_with_history(rows, KpiCommitment, default_user=actor)
    _mark_edited(contract)
    journal_record(
        target=contract,
        actor=actor,
        action="contract.commitments_update",
        data={"before": before, "after": _commitment_lines(rows)},
    )
    return contract
