"""Generating the draft contrat-programme of a selected dossier, prefilled from the dossier:
its parties, its schedule from the budget asked, its KPI commitments from the targets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from applications.models import BudgetYear, Call, CallStatus, KpiTarget
from core.errors import ApplicationError
from core.journal import journal_record
from core.services import full_clean_or_refuse
from core.translation import in_each_language
from evaluation.models import Decision

from ..models import Contract, ContractYear, KpiCommitment, Tranche
from .guards import require_manager
from .schedule import _ensure_plausible_start, ensure_within_envelope, schedule_rows
from .terms import terms_ensure

if TYPE_CHECKING:
    from accounts.models import User
    from applications.models import Dossier

MINISTRY = gettext_lazy("M. le Ministre de l'Industrie et du Commerce")
PRESIDENT = gettext_lazy("Président")
DIRECTOR = gettext_lazy("Directeur")


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
        # Each language's words from the catalogues: the PDF speaks its recipient's language.
        **in_each_language(
            "representative_title", PRESIDENT if cluster.president_name else DIRECTOR
        ),
        **in_each_language("ministry_representative", MINISTRY),
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
