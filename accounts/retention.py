"""The accounts' part of the retention policy (docs/operations/retention.md): the selectors say
what is due, the services delete or anonymise it. audit/retention.py runs them in order."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import OutgoingMail
from core.retention import mails_readdress

from .models import Role, User
from .services import unverified_users, unverified_users_purge

ANONYMISED_NAME = "Compte anonymisé"
# Roles whose accounts the policy anonymises once dormant; administrators are ministry agents
# whose accounts the ministry closes itself (their names answer for the decisions they took).
ANONYMISABLE_ROLES = (Role.DIRECTOR, Role.EVALUATOR, Role.COMMITTEE)
LOGIN_HISTORY_MODELS = (AccessLog, AccessFailureLog, AccessAttempt)


def anonymised_email(user_id: int) -> str:
    # ".invalid" is reserved (RFC 2606): nothing is ever delivered there, and the id keeps it unique.
    return f"anonyme-{user_id}@anonymise.invalid"


def _days(setting: str) -> timedelta:
    return timedelta(days=getattr(settings, setting))


def unverified_accounts_due(*, now: datetime) -> QuerySet[User]:
    """Self-registrations whose verification link was never followed (as accounts.tasks purges)."""
    return unverified_users(older_than=_days("RETENTION_UNVERIFIED_ACCOUNT_DAYS"), now=now)


def unverified_accounts_delete(*, now: datetime) -> int:
    return unverified_users_purge(older_than=_days("RETENTION_UNVERIFIED_ACCOUNT_DAYS"), now=now)


def expired_sessions_due(*, now: datetime) -> QuerySet[Session]:
    return Session.objects.filter(expire_date__lt=now)


@transaction.atomic
def expired_sessions_delete(*, now: datetime) -> int:
    deleted, _details = expired_sessions_due(now=now).delete()
    return deleted


def login_history_due(*, now: datetime) -> list[QuerySet]:
    cutoff = now - _days("RETENTION_LOGIN_HISTORY_DAYS")
    return [model.objects.filter(attempt_time__lt=cutoff) for model in LOGIN_HISTORY_MODELS]


def login_history_count(*, now: datetime) -> int:
    return sum(rows.count() for rows in login_history_due(now=now))


@transaction.atomic
def login_history_delete(*, now: datetime) -> int:
    return sum(rows.delete()[0] for rows in login_history_due(now=now))


def orphan_mails_due(*, now: datetime) -> QuerySet[OutgoingMail]:
    """Mails to an address no account holds any longer (a purged registration), past the
    time their body is kept: nothing links them to a person the portal still serves."""
    return OutgoingMail.objects.filter(
        created_at__lt=now - _days("RETENTION_MAIL_BODY_DAYS"),
        status__in=["sent", "failed"],
    ).exclude(to__in=User.objects.values("email"))


@transaction.atomic
def orphan_mails_delete(*, now: datetime) -> int:
    deleted, _details = orphan_mails_due(now=now).delete()
    return deleted


def inactive_accounts_due(*, now: datetime, held: QuerySet | set[int]) -> QuerySet[User]:
    """Accounts not used for the set time, not already anonymised, and not `held` (someone
    with a dossier in progress, a contract in force or evaluation work pending)."""
    return (
        User.objects.filter(
            role__in=ANONYMISABLE_ROLES, anonymised_at__isnull=True, is_superuser=False
        )
        .annotate(last_seen=Coalesce("last_login", "date_joined"))
        .filter(last_seen__lt=now - _days("RETENTION_INACTIVE_ACCOUNT_DAYS"))
        .exclude(pk__in=held)
    )


def _sessions_end(user: User, now: datetime) -> None:
    # Through the session engine, so that a cached_db session leaves the cache too.
    engine = import_module(settings.SESSION_ENGINE)
    for session in Session.objects.filter(expire_date__gte=now):
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            engine.SessionStore(session.session_key).delete()


@transaction.atomic
def user_anonymise(*, user: User, now: datetime) -> User:
    """Keep the row (the journal, reviews and files point to it), replace what names the person,
    and close the account for good: no password, no device, no session."""
    user = User.objects.select_for_update().get(pk=user.pk)
    old_email = user.email
    placeholder = {"full_name": ANONYMISED_NAME, "email": anonymised_email(user.pk), "phone": ""}
    for name, value in placeholder.items():
        setattr(user, name, value)
    user.set_unusable_password()
    user.is_active = user.is_staff = user.two_factor_enabled = False
    user.anonymised_at = now
    user.save()
    # Field history keeps each earlier version of the row: those lose the person's name too.
    User.history.filter(id=user.pk).update(**placeholder)  # type: ignore[attr-defined]
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _sessions_end(user, now)
    for model in LOGIN_HISTORY_MODELS:
        model.objects.filter(username__iexact=old_email).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=ANONYMISED_NAME)
    mails_readdress(old=old_email, new=user.email)
    return user
