"""Disbursements: one payment per tranche, never above what is due."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.templatetags.portal import mad

from ..models import Payment, Tranche, TrancheStatus
from .guards import require_manager
from .lifecycle import notify_cluster
from .tranches import tranche_transition

if TYPE_CHECKING:
    from accounts.models import User


def _ensure_payable(tranche: Tranche, amount: Decimal, paid_on: date) -> None:
    if tranche.status == TrancheStatus.PAID:
        raise ApplicationError(_("Cette tranche est déjà versée."), code="paid")
    if tranche.status != TrancheStatus.DUE:
        raise ApplicationError(
            _("Cette tranche n'est pas exigible : sa condition n'est pas remplie."),
            code="not_due",
        )
    if amount is None or amount <= 0:
        raise ApplicationError(_("Le montant versé doit être positif."), field="amount")
    # A due tranche has its due amount.
    if amount > tranche.due_amount:  # type: ignore[operator]
        raise ApplicationError(
            _("Le montant versé dépasse le montant exigible de %(due)s.")
            % {"due": mad(tranche.due_amount)},
            field="amount",
        )
    if amount != tranche.due_amount:
        # A tranche is paid once: a partial transfer would close it for good.
        raise ApplicationError(
            _("Une tranche se verse en une fois : le montant versé doit être de %(due)s.")
            % {"due": mad(tranche.due_amount)},
            field="amount",
        )
    if paid_on is None or paid_on > timezone.localdate():
        raise ApplicationError(
            _("La date du versement ne peut pas être dans le futur."), field="paid_on"
        )
    if tranche.due_at and paid_on < timezone.localdate(tranche.due_at):
        raise ApplicationError(
            _("La date du versement ne peut pas précéder l'exigibilité de la tranche (%(date)s).")
            % {"date": date_format(timezone.localdate(tranche.due_at), "SHORT_DATE_FORMAT")},
            field="paid_on",
        )


@transaction.atomic
def payment_record(
    *, actor: User, tranche: Tranche, paid_on: date, amount: Decimal, reference: str
) -> Payment:
    """Record the transfer of a due tranche. The tranche's row is locked, so two clerks
    recording the same transfer at once get one payment and one refusal."""
    require_manager(actor)
    tranche = (
        Tranche.objects.select_for_update(of=("self",))
        .select_related("contract__cluster")
        .get(pk=tranche.pk)
    )
    _ensure_payable(tranche, amount, paid_on)
    reference = (reference or "").strip()
    if not reference:
        raise ApplicationError(_("Indiquez la référence du virement."), field="reference")
    try:
        with transaction.atomic():
            payment = Payment(
                tranche=tranche,
                paid_on=paid_on,
                amount=amount,
                reference=reference,
                recorded_by=actor,
            )
            # The field-level history (audit app) names the clerk outside a request too.
            payment._history_user = actor
            payment.save(force_insert=True)
    except IntegrityError as error:
        raise ApplicationError(_("Cette tranche est déjà versée."), code="paid") from error
    contract = tranche.contract
    tranche_transition(
        actor=actor,
        tranche=tranche,
        action="pay",
        contract=contract,
        data={
            "amount": str(amount),
            "paid_on": paid_on.isoformat(),
            "reference": reference,
            "before": {"status": TrancheStatus.DUE.value, "paid_amount": "0.00"},
            "after": {"status": TrancheStatus.PAID.value, "paid_amount": str(amount)},
        },
    )
    notify_cluster(contract, "payment_recorded", f"payment:{payment.pk}", payment=payment)
    return payment
