"""The retention policy (docs/operations/retention.md) as one ordered list of rules.

Each rule counts what is due (the dry run) and applies it through its app's services. A run
that applies does every rule in one transaction, records a RetentionRun with the counts and
one journal entry, and removes the stored files only once that transaction has committed: a
failure leaves every row and every file as they were. A second run finds nothing due.

This module lives in the audit app because the rules read every app (holds on accounts come
from dossiers, evaluations and contracts); each app's own module knows only its own data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.files.storage import storages
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts import retention as accounts
from accounts.models import Role, User
from applications import retention as applications
from applications.models import Cluster, Dossier
from contracts import retention as contracts
from core import retention as core
from core.journal import journal_record
from evaluation import retention as evaluation

from .models import RetentionRun

logger = logging.getLogger(__name__)

StoredFile = tuple[str, str]


@dataclass
class Outcome:
    count: int
    files: list[StoredFile] = field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    name: str
    verb: str  # what happens to what is due: deleted, erased, anonymised, reported
    what: str  # for the operator, in the command's output
    count: Callable[[datetime], int]
    apply: Callable[[datetime], Outcome]


def _held_people() -> set[int]:
    """People still active: a dossier in progress, a contract in force, evaluation pending."""
    clusters = Cluster.objects.filter(pk__in=applications.clusters_with_dossiers_in_progress())
    clusters = clusters | Cluster.objects.filter(pk__in=contracts.clusters_under_contract())
    owners = clusters.values_list("owner_id", flat=True)
    co_editors = Cluster.co_editors.through.objects.filter(cluster__in=clusters).values_list(
        "user_id", flat=True
    )
    return set(owners) | set(co_editors) | evaluation.people_with_evaluation_pending()


def _inactive_accounts(now: datetime) -> QuerySet[User]:
    return accounts.inactive_accounts_due(now=now, held=_held_people())


def person_anonymise(*, user: User, now: datetime) -> None:
    """The account, and the names typed in the profile of a cluster it directs."""
    accounts.user_anonymise(user=user, now=now)
    if user.role == Role.DIRECTOR:
        # A funded cluster's profile stays with its contract's record.
        applications.clusters_people_erase(
            clusters=Cluster.objects.filter(owner=user, contracts__isnull=True)
        )


def person_is_active(user: User) -> bool:
    """Still needed for the public task: see `_held_people`."""
    return user.pk in _held_people()


@transaction.atomic
def person_anonymise_on_request(*, user: User, now: datetime | None = None) -> None:
    """A person's objection (law 09-08, art. 9) before the end of the set time; the caller
    has checked that they are not still active. Journaled on the account."""
    now = now or timezone.now()
    person_anonymise(user=user, now=now)
    journal_record(target=user, actor=None, action="account.anonymise")


def _anonymise(now: datetime) -> Outcome:
    users = list(_inactive_accounts(now))
    for user in users:
        person_anonymise(user=user, now=now)
    return Outcome(len(users))


def _unsuccessful(now: datetime) -> QuerySet:
    # A dossier with a contract is never "unsuccessful", whatever its status says.
    return applications.unsuccessful_dossiers_due(now=now).filter(decision__contract__isnull=True)


def _erase_unsuccessful(now: datetime) -> Outcome:
    dossier_ids = list(_unsuccessful(now).values_list("pk", flat=True))
    dossiers = Dossier.objects.filter(pk__in=dossier_ids)
    files = evaluation.decision_letters_erase(dossier_ids=dossier_ids)
    files += applications.dossiers_content_erase(dossiers=dossiers, now=now)
    return Outcome(len(dossier_ids), files)


def _delete_drafts(now: datetime) -> Outcome:
    drafts = applications.abandoned_drafts_due(now=now)
    count = drafts.count()
    return Outcome(count, applications.drafts_delete(dossiers=drafts))


def _counting(function: Callable[..., int]) -> Callable[[datetime], Outcome]:
    return lambda now: Outcome(function(now=now))


RULES = [
    Rule(
        "unverified_accounts",
        "deleted",
        "self-registrations never verified",
        lambda now: accounts.unverified_accounts_due(now=now).count(),
        _counting(accounts.unverified_accounts_delete),
    ),
    Rule(
        "expired_sessions",
        "deleted",
        "sessions past their expiry date",
        lambda now: accounts.expired_sessions_due(now=now).count(),
        _counting(accounts.expired_sessions_delete),
    ),
    Rule(
        "login_history",
        "deleted",
        "login history and failed attempts (IP address, browser)",
        lambda now: accounts.login_history_count(now=now),
        _counting(accounts.login_history_delete),
    ),
    Rule(
        "mail_bodies",
        "erased",
        "bodies of e-mails sent or failed (the fact they were sent stays)",
        lambda now: core.mail_bodies_due(now=now).count(),
        _counting(core.mail_bodies_erase),
    ),
    Rule(
        "orphan_mails",
        "deleted",
        "e-mail log rows to addresses no account holds any longer",
        lambda now: accounts.orphan_mails_due(now=now).count(),
        _counting(accounts.orphan_mails_delete),
    ),
    Rule(
        "draft_dossiers",
        "deleted",
        "drafts never submitted, with their files",
        lambda now: applications.abandoned_drafts_due(now=now).count(),
        _delete_drafts,
    ),
    Rule(
        "unsuccessful_dossiers",
        "erased",
        "files and typed content of dossiers not selected, inadmissible or withdrawn",
        lambda now: _unsuccessful(now).count(),
        _erase_unsuccessful,
    ),
    Rule(
        "inactive_accounts",
        "anonymised",
        "accounts of directors, evaluators, committee members unused and with nothing pending",
        lambda now: _inactive_accounts(now).count(),
        _anonymise,
    ),
    Rule(
        "funded_dossiers_past_retention",
        "reported",
        "ended contracts past their retention: to settle with the archives (never deleted here)",
        lambda now: contracts.contracts_past_retention(now=now).count(),
        # Reported only: the archives decide, not the portal; the count is what is reported.
        lambda now: Outcome(contracts.contracts_past_retention(now=now).count()),
    ),
]


@dataclass
class RetentionReport:
    applied: bool
    counts: dict[str, int]
    run: RetentionRun | None = None


def _files_remove(files: list[StoredFile]) -> None:
    for alias, name in files:
        try:
            storages[alias].delete(name)
        except OSError:
            # The row is gone already; a file left behind is logged for the operator.
            logger.exception("Retention: could not remove %s from storage %s", name, alias)


def retention_dry_run(*, now: datetime | None = None) -> RetentionReport:
    now = now or timezone.now()
    return RetentionReport(False, {rule.name: rule.count(now) for rule in RULES})


@transaction.atomic
def retention_apply(*, now: datetime | None = None) -> RetentionReport:
    """Apply every rule, journal the run, remove the files once committed."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    files: list[StoredFile] = []
    for rule in RULES:
        outcome = rule.apply(now)
        counts[rule.name] = outcome.count
        files += outcome.files
    run = RetentionRun.objects.create(ran_at=now, counts=counts)
    journal_record(target=run, actor=None, action="retention.apply", data={"counts": counts})
    transaction.on_commit(lambda: _files_remove(files))
    return RetentionReport(True, counts, run)
