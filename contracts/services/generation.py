"""Generating a contrat-programme from a selection decision, and editing its draft: parties,
dates, the subsidy schedule and the KPI commitments, always within the call's envelope."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from applications.models import BudgetYear, Call, CallStatus, KpiTarget
from core.errors import ApplicationError
from core.journal import journal_record
from core.services import assign_fields, full_clean_or_refuse
from core.templatetags.portal import mad
from evaluation.models import Decision

from ..defaults import TERMS, default_tranches
from ..models import (
    CUSTOM_INDICATOR,
    Contract,
    ContractTerms,
    ContractYear,
    KpiCommitment,
    Tranche,
    TrancheCondition,
)
from ..selectors import committed_under, contract_terms

if TYPE_CHECKING:
    from accounts.models import User
    from applications.models import Dossier

MANAGE = "contracts.manage"
MINISTRY = "M. le Ministre de l'Industrie et du Commerce"
CENTIME = Decimal("0.01")
# Days after the end of a contract year by which its annual report is expected.
REPORT_GRACE_DAYS = 30
CENT = Decimal("0.01")


def require_manager(actor: User) -> None:
    if not actor.has_perm(MANAGE):
        raise ApplicationError(
            _("Seul un administrateur du programme peut faire cela."), code="forbidden"
        )


def ensure_draft(contract: Contract) -> None:
    if not contract.is_draft:
        raise ApplicationError(
            _("Le contrat n'est plus un projet : il ne peut plus être modifié."), code="not_draft"
        )


def terms_ensure(*, call: Call, language: str = "fr") -> ContractTerms:
    """The call's model contract in a language, created from the ministry's model if missing
    (for the services that render a contract; pages read `selectors.contract_terms`)."""
    terms = contract_terms(call, language)
    if terms.pk is None:
        terms.save()
    return terms


@transaction.atomic
def terms_update(*, actor: User, call: Call, language: str, fields: dict) -> ContractTerms:
    """Save the call's model contract in a language; the first save creates it from the
    ministry's model, so that opening the page never writes."""
    require_manager(actor)
    terms = ContractTerms.objects.select_for_update().filter(
        call=call, language=language
    ).first() or contract_terms(call, language)
    assign_fields(terms, fields, allowed=TERMS.keys())
    full_clean_or_refuse(terms)
    terms.save()
    journal_record(
        target=terms.call,
        actor=actor,
        action="contract_terms.update",
        data={"language": terms.language},
    )
    return terms


def _years_later(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def report_due_on(start: date, year: int) -> date:
    return _years_later(start, year) + timedelta(days=REPORT_GRACE_DAYS)


def ensure_within_envelope(call: Call, contract: Contract | None, total: Decimal) -> None:
    """The call's row must be locked by the caller: two contracts changed at the same time are
    checked one after the other, so the second one sees the first one's commitment."""
    committed = committed_under(call, excluding=contract) + total
    if committed > call.budget_envelope:
        raise ApplicationError(
            _(
                "Les contrats de cet appel engageraient %(total)s pour une enveloppe de "
                "%(envelope)s (dépassement de %(excess)s)."
            )
            % {
                "total": mad(committed),
                "envelope": mad(call.budget_envelope),
                "excess": mad(committed - call.budget_envelope),
            },
            code="envelope",
        )


def _requested_by_year(dossier: Dossier) -> dict[int, Decimal]:
    return dict(BudgetYear.objects.filter(dossier=dossier).values_list("year", "subsidy_requested"))


def _next_reference(call: Call) -> str:
    """CP-<year>-<n>: numbered by edition year, which two calls of one year share."""
    prefix = f"CP-{call.edition_year}-"
    number = Contract.objects.filter(reference__startswith=prefix).count() + 1
    while Contract.objects.filter(reference=f"{prefix}{number:03d}").exists():
        number += 1
    return f"{prefix}{number:03d}"


def _save_with_reference(contract: Contract, call: Call, attempts: int = 5) -> None:
    """Two calls of one edition year share the numbering, and only the call is locked: a
    reference taken meanwhile by the other call's contract is taken again, a number further."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                contract.save()
            return
        except IntegrityError:
            if attempt == attempts - 1:
                raise
            contract.reference = _next_reference(call)


def _ensure_generable(decision: Decision) -> None:
    if decision.outcome != Decision.Outcome.SELECTED:
        raise ApplicationError(
            _("Seul un dossier retenu donne lieu à un contrat-programme."), code="not_selected"
        )
    if decision.dossier.call.status != CallStatus.RESULTS_PUBLISHED:
        raise ApplicationError(
            _("Les résultats de l'appel doivent être publiés avant de générer les contrats."),
            code="unpublished",
        )
    if Contract.objects.filter(decision=decision).exists():
        raise ApplicationError(
            _("Un contrat-programme existe déjà pour ce dossier."), code="exists"
        )


def schedule_rows(
    contract: Contract, amounts: Iterable[Decimal]
) -> tuple[list[ContractYear], list[Tranche]]:
    """The unsaved years and default tranches of a contract, one yearly amount per year."""
    years, tranches = [], []
    for year, amount in enumerate(amounts, start=1):
        years.append(
            ContractYear(
                contract=contract,
                year=year,
                amount=amount,
                report_due_on=report_due_on(contract.start_date, year),
            )
        )
        tranches += [
            Tranche(
                contract=contract, year=year, position=position, amount=part, condition=condition
            )
            for position, (part, condition) in enumerate(default_tranches(year, amount), start=1)
        ]
    return years, tranches


def _schedule_create(contract: Contract, call: Call, dossier: Dossier, actor: User) -> Decimal:
    requested = _requested_by_year(dossier)
    amounts = [
        min(requested.get(year, Decimal("0")), call.max_annual_subsidy)
        for year in range(1, contract.years + 1)
    ]
    years, tranches = schedule_rows(contract, amounts)
    # With history (audit app): bulk_create skips save() and so the field-level history.
    bulk_create_with_history(years, ContractYear, default_user=actor)
    bulk_create_with_history(tranches, Tranche, default_user=actor)
    return sum((row.amount for row in years), Decimal("0"))


def _commitments_create(contract: Contract, dossier: Dossier, actor: User) -> None:
    rows = [
        KpiCommitment(contract=contract, indicator=indicator, year=year, target=target)
        for indicator, year, target in KpiTarget.objects.filter(
            dossier=dossier, year__lte=contract.years
        ).values_list("indicator", "year", "target")
    ]
    bulk_create_with_history(rows, KpiCommitment, default_user=actor)


@transaction.atomic
def contract_generate(
    *, actor: User, decision: Decision, start_date: date | None = None
) -> Contract:
    """The draft contrat-programme of a selected dossier, prefilled from the dossier."""
    from .lifecycle import version_request

    require_manager(actor)
    decision = Decision.objects.select_related("dossier__call", "dossier__cluster").get(
        pk=decision.pk
    )
    dossier = decision.dossier
    call = Call.objects.select_for_update().get(pk=dossier.call_id)
    _ensure_generable(decision)
    cluster = dossier.cluster
    start_date = start_date or timezone.localdate()
    _ensure_plausible_start(start_date)
    contract = Contract(
        decision=decision,
        call=call,
        cluster=cluster,
        reference=_next_reference(call),
        years=call.contract_years,
        start_date=start_date,
        legal_name=cluster.name,
        representative_name=cluster.president_name or cluster.director_name,
        representative_title=_("Président") if cluster.president_name else _("Directeur"),
        ministry_representative=MINISTRY,
        created_by=actor,
    )
    full_clean_or_refuse(
        contract, exclude=["decision", "call", "cluster", "created_by", "reference"]
    )
    _save_with_reference(contract, call)
    total = _schedule_create(contract, call, dossier, actor)
    ensure_within_envelope(call, contract, total)
    _commitments_create(contract, dossier, actor)
    terms_ensure(call=call, language="fr")
    journal_record(
        target=contract,
        actor=actor,
        action="contract.generate",
        to_state=contract.status,
        data={"subsidy_total": str(total), "dossier": dossier.reference},
    )
    version_request(actor=actor, contract=contract, language="fr")
    return contract


def _ensure_plausible_start(start: date) -> None:
    if start is None or not 2000 <= start.year <= 2100:
        raise ApplicationError(
            _("La date de prise d'effet doit être comprise entre 2000 et 2100."),
            field="start_date",
        )


def _mark_edited(contract: Contract) -> None:
    """The draft's PDF versions are now out of date: a new one is needed before sending."""
    contract.edited_at = timezone.now()
    contract.save(update_fields=["edited_at", "updated_at"])


CONTRACT_FIELDS = (
    "start_date",
    "legal_name",
    "representative_name",
    "representative_title",
    "ministry_representative",
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
        rows.append(
            KpiCommitment(
                contract=contract, indicator=indicator, label=label, year=year, target=target
            )
        )
    return rows


def _commitment_lines(rows: Iterable[KpiCommitment]) -> list[dict[str, Any]]:
    return [
        {"indicator": r.indicator, "label": r.label, "year": r.year, "target": r.target}
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
