from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.caching import PUBLIC, renew
from core.errors import ApplicationError
from core.journal import journal_record
from core.mail import mail_queue
from core.services import assign_fields, full_clean_or_refuse
from core.states import StateMachine
from core.translation import columns

from ..models import Call, CallStatus, DossierStatus, RequiredDocument
from ..selectors import cluster_editors, translation_gaps

if TYPE_CHECKING:
    from accounts.models import User
    from core.models import JournalEntry

CALL_FIELDS = (
    "reference",
    *columns("title"),
    "edition_year",
    *columns("description"),
    "specification",
    "opens_at",
    "closes_at",
    "results_expected_on",
    "accepts_new_clusters",
    "accepts_returning_clusters",
    "returning_min_years",
    "min_members",
    "min_company_share",
    "budget_envelope",
    "contract_years",
    "max_annual_subsidy",
    "max_dossier_size_mb",
)

# A required document's texts, in each language: what a clone copies.
DOCUMENT_TEXTS = (*columns("label"), *columns("help_text"))


def _require_administrator(actor: User) -> None:
    if not (actor and actor.is_authenticated and actor.is_administrator):
        raise ApplicationError(_("Seul un administrateur du programme peut gérer les appels."))


@transaction.atomic
def call_save(*, actor: User, call: Call | None = None, **fields: Any) -> Call:
    """Create a call, or change one. The deadline of a published call changes only through
    call_deadline_change, which tells the directors concerned."""
    _require_administrator(actor)
    creating = call is None
    # Compare with the stored row, not with an instance a form may already have changed.
    call = Call() if call is None else Call.objects.select_for_update().get(pk=call.pk)
    if (
        not creating
        and call.is_published
        and fields.get("closes_at", call.closes_at) != call.closes_at
    ):
        raise ApplicationError(
            _(
                "La date de clôture d'un appel publié se modifie avec « Prolonger ou modifier la clôture »."
            ),
            field="closes_at",
        )
    if (
        not creating
        and call.is_closed()
        and "budget_envelope" in fields
        and fields["budget_envelope"] != call.budget_envelope
    ):
        raise ApplicationError(
            _("L'enveloppe d'un appel clôturé ne change plus : la sélection s'appuie sur elle."),
            field="budget_envelope",
        )
    before = _field_values(call, fields)
    assign_fields(call, fields, CALL_FIELDS)
    full_clean_or_refuse(call)
    call.save()
    renew(PUBLIC)
    after = _field_values(call, fields)
    changed = [name for name in after if before[name] != after[name]]
    journal_record(
        target=call,
        actor=actor,
        action="call.create" if creating else "call.update",
        # A new call's values are all in its field-level history (audit app).
        data=None
        if creating
        else {
            "before": {name: before[name] for name in changed},
            "after": {name: after[name] for name in changed},
        },
    )
    return call


def _field_values(call: Call, fields: Iterable[str]) -> dict[str, str]:
    """The call's values of the fields a form sent, as strings for the journal."""
    return {name: str(getattr(call, name)) for name in fields if name in CALL_FIELDS}


CALL_STATES = StateMachine(
    "call",
    {
        (CallStatus.DRAFT, "publish"): CallStatus.PUBLISHED,
        # The evaluation app publishes the results of a closed call (`results_publish`).
        (CallStatus.PUBLISHED, "publish_results"): CallStatus.RESULTS_PUBLISHED,
    },
)
# The journal's words for these moves, older than the table.
CALL_JOURNAL_ACTIONS = {"publish": "call.publish", "publish_results": "results.publish"}


def call_transition(
    *,
    actor: User,
    call: Call,
    action: str,
    fields: Iterable[str] = (),
    message: str = "",
    data: dict[str, Any] | None = None,
) -> Call:
    """Move a locked call along the table above, saving the other `fields` the caller set;
    its public pages are renewed. Callers check who may act."""
    CALL_STATES.move(
        call,
        action,
        actor=actor,
        fields=fields,
        journal_action=CALL_JOURNAL_ACTIONS[action],
        message=message,
        data=data,
    )
    renew(PUBLIC)
    return call


@transaction.atomic
def call_publish(*, actor: User, call: Call, without_arabic: bool = False) -> Call:
    """Publish a draft call. A call whose Arabic texts are missing is published only when the
    administrator confirms it (`without_arabic`): Arabic readers would see French."""
    _require_administrator(actor)
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.is_published:
        raise ApplicationError(_("Cet appel est déjà publié."))
    if not call.required_documents.exists():
        raise ApplicationError(_("Ajoutez au moins une pièce demandée avant de publier l'appel."))
    if call.closes_at <= timezone.now():
        raise ApplicationError(_("La date de clôture est passée : modifiez-la avant de publier."))
    missing = translation_gaps(call)["ar"]
    if missing and not without_arabic:
        raise ApplicationError(
            _(
                "Des textes de l'appel ne sont pas traduits en arabe (%(list)s) : les lecteurs "
                "arabophones les liront en français. Cochez la confirmation pour publier quand même."
            )
            % {"list": ", ".join(f"{what} « {name} »" if name else what for what, name in missing)},
            code="arabic_missing",
        )
    call.published_at = timezone.now()
    return call_transition(actor=actor, call=call, action="publish", fields=["published_at"])


@transaction.atomic
def call_deadline_change(*, actor: User, call: Call, closes_at: datetime, reason: str) -> Call:
    """Extend (or move) the deadline of a published call, and tell directors with a draft."""
    _require_administrator(actor)
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status != CallStatus.PUBLISHED:
        raise ApplicationError(
            _(
                "Seule la clôture d'un appel publié se modifie ainsi ; un brouillon se modifie directement."
            )
        )
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Indiquez le motif du changement de date."), field="reason")
    if closes_at <= timezone.now():
        raise ApplicationError(
            _("La nouvelle date de clôture doit être dans le futur."), field="closes_at"
        )
    if closes_at <= call.opens_at:
        raise ApplicationError(
            _("La clôture doit être postérieure à l'ouverture."), field="closes_at"
        )
    examined = call.dossiers.exclude(
        status__in=[DossierStatus.DRAFT, DossierStatus.SUBMITTED, DossierStatus.WITHDRAWN]
    )
    if examined.exists():
        raise ApplicationError(
            _("L'examen des dossiers a commencé : la date de clôture ne peut plus changer."),
            field="closes_at",
        )
    previous = call.closes_at
    if closes_at == previous:
        raise ApplicationError(_("C'est déjà la date de clôture de l'appel."), field="closes_at")
    call.closes_at = closes_at
    full_clean_or_refuse(call)
    call.save(update_fields=["closes_at", "updated_at"])
    renew(PUBLIC)
    entry = journal_record(
        target=call,
        actor=actor,
        action="call.deadline_change",
        message=reason,
        data={"from": previous.isoformat(), "to": closes_at.isoformat()},
    )
    _notify_drafts_of_new_deadline(call, reason, entry)
    return call


def _notify_drafts_of_new_deadline(call: Call, reason: str, entry: JournalEntry) -> None:
    """Everyone who can still submit (drafts, and withdrawn dossiers that may be reopened)."""
    pending = (
        call.dossiers.filter(status__in=[DossierStatus.DRAFT, DossierStatus.WITHDRAWN])
        .select_related("cluster__owner")
        .prefetch_related("cluster__co_editors")
    )
    for dossier in pending:
        for person in cluster_editors(dossier.cluster):
            mail_queue(
                template="call_deadline_changed",
                to=person.email,
                language=person.preferred_language,
                context={"user": person, "call": call, "dossier": dossier, "reason": reason},
                # One e-mail per change: moving the date back to an earlier value tells them again.
                key=f"deadline-changed:{dossier.pk}:{entry.pk}:{person.pk}",
            )


def _a_year_later(moment: datetime) -> datetime:
    """Same weekday and same Moroccan wall-clock time next year, whatever the UTC offset then:
    a 15:00 deadline stays 15:00 even when next year's date falls during Ramadan."""
    local = timezone.localtime(moment).replace(tzinfo=None) + timedelta(days=364)
    return timezone.make_aware(local)


def _clone_reference(source: Call, year: int) -> str:
    """Next year's reference: the year replaced, or added; unique and within 40 characters."""
    # A CharField always has its max_length.
    limit = cast(int, Call._meta.get_field("reference").max_length)
    if str(source.edition_year) in source.reference:
        base, suffix = source.reference.replace(str(source.edition_year), str(year)), ""
    else:
        base, suffix = source.reference, f"-{year}"
    reference = f"{base[: limit - len(suffix)]}{suffix}"
    if Call.objects.filter(reference=reference).exists():
        suffix = f"{suffix}-{timezone.now():%Y%m%d%H%M%S}"
        reference = f"{base[: limit - len(suffix)]}{suffix}"
    return reference


@transaction.atomic
def call_clone(*, actor: User, source: Call) -> Call:
    """A new draft call for next year's edition, with the same rules and checklist."""
    _require_administrator(actor)
    year = source.edition_year + 1
    clone = Call(
        **{name: getattr(source, name) for name in CALL_FIELDS if name != "specification"},
    )
    clone.reference = _clone_reference(source, year)
    clone.edition_year = year
    for name in columns("title"):
        text = getattr(source, name)
        setattr(clone, name, text.replace(str(source.edition_year), str(year)) if text else text)
    clone.opens_at = _a_year_later(source.opens_at)
    clone.closes_at = _a_year_later(source.closes_at)
    clone.results_expected_on = (
        source.results_expected_on + timedelta(days=364) if source.results_expected_on else None
    )
    clone.cloned_from = source
    full_clean_or_refuse(clone)
    clone.save()
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            call=clone,
            part=document.part,
            **{name: getattr(document, name) for name in DOCUMENT_TEXTS},
            mandatory=document.mandatory,
            allowed_types=document.allowed_types,
            max_size_mb=document.max_size_mb,
            position=document.position,
        )
        for document in source.required_documents.all()
    )
    journal_record(
        target=clone, actor=actor, action="call.clone", data={"source": source.reference}
    )
    return clone


@transaction.atomic
def required_document_save(
    *, actor: User, call: Call, document: RequiredDocument | None = None, **fields: Any
) -> RequiredDocument:
    _require_administrator(actor)
    document = document or RequiredDocument(call=call)
    if document.call_id != call.pk:
        raise ApplicationError(_("Cette pièce n'appartient pas à cet appel."))
    for name, value in fields.items():
        setattr(document, name, value)
    full_clean_or_refuse(document)
    document.save()
    renew(PUBLIC)
    return document


@transaction.atomic
def required_document_delete(*, actor: User, document: RequiredDocument) -> None:
    _require_administrator(actor)
    if document.call.is_published:
        raise ApplicationError(
            _("Un appel publié garde sa liste de pièces : rendez la pièce facultative plutôt.")
        )
    document.delete()
    renew(PUBLIC)
