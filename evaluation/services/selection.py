"""The selection: consensus scores for divergent dossiers, the committee's decisions within the
call's budget envelope, and the publication of the results with their decision letters."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Call, CallStatus, Dossier, DossierStatus
from applications.selectors import cluster_editors
from applications.services.calls import call_transition
from applications.services.submission import dossier_transition
from core.errors import ApplicationError
from core.formatting import joined_text
from core.journal import journal_record
from core.mail import mail_queue
from core.pdf import render_pdf
from core.services import full_clean_or_refuse
from core.templatetags.portal import mad

from ..models import Consensus, Decision
from ..selectors.publication import Blocker, publication_blockers
from ..selectors.ranking import ineligibility_reason, ranked_row, ranking

if TYPE_CHECKING:
    from accounts.models import User
    from core.models import OutgoingMail

    from ..selectors.ranking import RankedDossier

DECIDE = "evaluation.decide"
MANAGE = "evaluation.manage"
OUTCOME_ACTIONS: dict[str, str] = {
    Decision.Outcome.SELECTED: "select",
    Decision.Outcome.WAITING_LIST: "waitlist",
    Decision.Outcome.REJECTED: "reject",
}
OUTCOME_STATES: dict[str, DossierStatus] = {
    Decision.Outcome.SELECTED: DossierStatus.SELECTED,
    Decision.Outcome.WAITING_LIST: DossierStatus.WAITING_LIST,
    Decision.Outcome.REJECTED: DossierStatus.REJECTED,
}
# A decision is taken on a dossier whose evaluation is under way, and may change until the
# results are published.
DECIDABLE_STATUSES = (
    DossierStatus.ADMISSIBLE,
    DossierStatus.UNDER_EVALUATION,
    *OUTCOME_STATES.values(),
)


def _require(actor: User, perm: str) -> None:
    if not actor.has_perm(perm):
        raise ApplicationError(
            _("Seul le comité de sélection ou un administrateur peut faire cela."),
            code="forbidden",
        )


def _ensure_results_unpublished(call: Call) -> None:
    if call.status == CallStatus.RESULTS_PUBLISHED:
        raise ApplicationError(
            _("Les résultats de cet appel sont publiés : ils ne peuvent plus être modifiés."),
            code="published",
        )


@transaction.atomic
def consensus_record(
    *, actor: User, dossier: Dossier, score: Decimal, justification: str
) -> Consensus:
    """The committee settles the score of a dossier whose evaluators diverged."""
    _require(actor, DECIDE)
    dossier = (
        Dossier.objects.select_for_update(of=("self",)).select_related("call").get(pk=dossier.pk)
    )
    call = dossier.call
    _ensure_results_unpublished(call)
    row = ranked_row(dossier, call)
    if row is None or row.review_count < 2:
        raise ApplicationError(
            _("Une note de consensus suppose au moins deux évaluations soumises."),
            code="not_divergent",
        )
    if not row.divergent:
        raise ApplicationError(
            _(
                "Les évaluations de ce dossier ne s'écartent pas de plus de %(threshold)s points : "
                "la moyenne fait foi, aucun consensus n'est à arrêter."
            )
            % {"threshold": floatformat(call.grid.divergence_threshold, "-2")},
            code="not_divergent",
        )
    if Decision.objects.filter(dossier=dossier).exists():
        raise ApplicationError(
            _("Une décision est déjà prise pour ce dossier : le consensus ne peut plus changer."),
            code="decided",
        )
    justification = (justification or "").strip()
    if not justification:
        raise ApplicationError(
            _("Expliquez la note de consensus retenue par le comité."), field="justification"
        )
    consensus = Consensus.objects.filter(dossier=dossier).first() or Consensus(dossier=dossier)
    previous = consensus.score if consensus.pk else None
    consensus.score = score
    consensus.justification = justification
    consensus.decided_by = actor
    full_clean_or_refuse(consensus)
    consensus.save()
    journal_record(
        target=dossier,
        actor=actor,
        action="consensus.record",
        # The justification stays in the data, not in the timeline's message: the director
        # reads the dossier's timeline before the results are published.
        data={
            "justification": justification,
            "score": str(consensus.score),
            "previous": None if previous is None else str(previous),
            "mean": str(row.mean_total),
            "before": {"score": None if previous is None else str(previous)},
            "after": {"score": str(consensus.score)},
        },
    )
    return consensus


def _committed(call: Call, *, excluding: Dossier) -> Decimal:
    """Σ of the subsidies of the call's selected dossiers, by the database."""
    return Decision.objects.filter(dossier__call=call, outcome=Decision.Outcome.SELECTED).exclude(
        dossier=excluding
    ).aggregate(total=Sum("subsidy_total"))["total"] or Decimal("0")


def _ensure_within_envelope(call: Call, dossier: Dossier, subsidy: Decimal) -> None:
    committed = _committed(call, excluding=dossier)
    total = committed + subsidy
    if total > call.budget_envelope:
        raise ApplicationError(
            _(
                "Retenir ce dossier porterait les engagements à %(total)s pour une enveloppe de "
                "%(envelope)s (dépassement de %(excess)s)."
            )
            % {
                "total": mad(total),
                "envelope": mad(call.budget_envelope),
                "excess": mad(total - call.budget_envelope),
            },
            code="envelope",
        )


def _ensure_decidable(call: Call, dossier: Dossier) -> None:
    _ensure_results_unpublished(call)
    if not call.is_closed():
        raise ApplicationError(
            _("L'appel n'est pas encore clos : aucune décision ne peut être prise."),
            code="not_closed",
        )
    if dossier.status not in DECIDABLE_STATUSES:
        raise ApplicationError(
            _("Ce dossier n'est pas en cours d'évaluation : aucune décision ne peut être prise."),
            code="not_decidable",
        )


@transaction.atomic
def decision_set(*, actor: User, dossier: Dossier, outcome: str) -> Decision:
    """Select, waitlist or reject a dossier; selections stay within the call's envelope.

    The call's row is locked first: two selections made at the same time are taken one after
    the other, so the second one sees the first one's commitment.
    """
    _require(actor, DECIDE)
    if outcome not in OUTCOME_ACTIONS:
        raise ApplicationError(_("Décision inconnue."), field="outcome")
    call = Call.objects.select_for_update().get(pk=dossier.call_id)
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    _ensure_decidable(call, dossier)
    # A decidable dossier is one of the ranking's rows.
    row = cast("RankedDossier", ranked_row(dossier, call))
    if outcome == Decision.Outcome.SELECTED:
        reason = ineligibility_reason(row, call.grid)
        if reason:
            raise ApplicationError(
                _("Ce dossier n'est pas éligible à la sélection : %(reason)s") % {"reason": reason},
                code="ineligible",
            )
        _ensure_within_envelope(call, dossier, row.subsidy_requested)
    if dossier.status != OUTCOME_STATES[outcome]:
        previous = Decision.objects.filter(dossier=dossier).first()
        dossier_transition(
            actor=actor,
            dossier=dossier,
            action=OUTCOME_ACTIONS[outcome],
            locked=True,
            data={
                "final_score": None if row.final_score is None else str(row.final_score),
                "before": _decision_values(previous),
                "after": {"outcome": outcome, "subsidy_total": str(row.subsidy_requested)},
            },
        )
    decision, _created = Decision.objects.update_or_create(
        dossier=dossier,
        defaults={
            "outcome": outcome,
            "subsidy_total": row.subsidy_requested,
            "decided_by": actor,
        },
    )
    return decision


def _decision_values(decision: Decision | None) -> dict[str, str] | None:
    if decision is None:
        return None
    return {"outcome": decision.outcome, "subsidy_total": str(decision.subsidy_total)}


class PublicationBlocked(ApplicationError):
    """The results may not be published yet; `blockers` says why, dossier by dossier."""

    def __init__(self, blockers: Sequence[Blocker]) -> None:
        super().__init__(
            " ".join(
                _("%(problem)s : %(list)s.")
                % {
                    "problem": blocker.text,
                    "list": joined_text(dossier.reference for dossier in blocker.dossiers),
                }
                if blocker.dossiers
                else f"{blocker.text}."
                for blocker in blockers
            ),
            code=blockers[0].code,
        )
        self.blockers = list(blockers)


@transaction.atomic
def results_publish(*, actor: User, call: Call) -> Call:
    """Publish the call's results: each director then gets a decision letter by e-mail."""
    from ..tasks import decision_letter_render

    _require(actor, MANAGE)
    call = Call.objects.select_for_update().get(pk=call.pk)
    _ensure_results_unpublished(call)
    if not call.is_closed():
        raise ApplicationError(_("L'appel n'est pas encore clos."), code="not_closed")
    rows = list(ranking(call))
    if not rows:
        raise ApplicationError(_("Aucun dossier n'a été classé pour cet appel."), code="empty")
    blockers = publication_blockers(call)
    if blockers:
        raise PublicationBlocked(blockers)
    selected = [row for row in rows if row.decision.outcome == Decision.Outcome.SELECTED]
    call_transition(
        actor=actor,
        call=call,
        action="publish_results",
        data={
            "ranked": len(rows),
            "selected": len(selected),
            "committed": str(sum((row.decision.subsidy_total for row in selected), Decimal(0))),
        },
    )
    decision_ids = [row.decision.pk for row in rows]

    def send_letters() -> None:
        for decision_id in decision_ids:
            decision_letter_render.delay(decision_id)

    transaction.on_commit(send_letters)
    return call


def _letter_context(decision: Decision) -> dict[str, Any]:
    dossier = decision.dossier
    call = dossier.call
    return {
        "decision": decision,
        "dossier": dossier,
        "call": call,
        "row": ranked_row(dossier, call),
        "selected": decision.outcome == Decision.Outcome.SELECTED,
        "annual_subsidy": (decision.subsidy_total / call.contract_years).quantize(Decimal("0.01")),
    }


def decision_letter_pdf_render(*, decision_id: int) -> Decision:
    """Render the decision letter in the preferred language of the cluster's director (its
    owner), the call's title in that language, French where its translation is missing; a
    new render replaces the file."""
    decision = Decision.objects.select_related(
        "dossier__call__grid", "dossier__cluster__owner"
    ).get(pk=decision_id)
    dossier = decision.dossier
    content = render_pdf(
        "pdf/decision_letter.html",
        _letter_context(decision),
        language=dossier.cluster.owner.preferred_language,
    )
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision_id)
        old_name = locked.letter.name
        locked.letter.save(f"{dossier.reference}-decision.pdf", ContentFile(content), save=False)
        locked.save(update_fields=["letter", "updated_at"])
        if old_name and old_name != locked.letter.name:
            storage = locked.letter.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    decision.letter = locked.letter
    return decision


@transaction.atomic
def decision_mail_queue(*, decision: Decision) -> list[OutgoingMail]:
    """The letter goes to the cluster's director and co-editors, each once."""
    dossier = decision.dossier
    path = reverse("applications:dossier_detail", kwargs={"pk": dossier.pk})
    recipients = {person.pk: person for person in cluster_editors(dossier.cluster)}
    return [
        mail_queue(
            template="decision_published",
            to=person.email,
            language=person.preferred_language,
            context={"user": person, "dossier": dossier, "decision": decision, "path": path},
            key=f"decision:{decision.pk}:{person.pk}",
            attachment=(decision.letter.name, f"{dossier.reference}-decision.pdf"),
        )
        for _pk, person in sorted(recipients.items())
    ]
