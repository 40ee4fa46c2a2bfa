"""The retention policy (docs/operations/retention.md): what `apply_retention` deletes, erases
and anonymises, and what it keeps."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.tests.factories import AdministratorFactory, DirectorFactory, EvaluatorFactory
from applications.choices import ScanStatus
from applications.models import CallStatus, Dossier, DossierDocument, DossierStatus, Receipt
from applications.selectors import receipts_awaiting_pdf
from applications.tasks import pending_receipts_render, receipt_render
from applications.tests.factories import (
    CallFactory,
    ClusterFactory,
    DossierFactory,
    RequiredDocumentFactory,
)
from audit.models import RetentionRun
from audit.retention import RULES
from audit.tasks import retention_apply_task
from clusters_portal.celery import app as celery_app
from contracts.tests.factories import active_contract
from core.journal import journal_record
from core.models import JournalEntry, MailStatus, OutgoingMail
from core.retention import ERASED
from core.tests.client import page_text
from evaluation.models import AssignmentStatus, Decision, Review
from evaluation.tests.factories import AssignmentFactory, submitted_review

pytestmark = pytest.mark.django_db

YEAR = timedelta(days=365)


def results_call(published_ago):
    """A call whose results were published `published_ago` ago, as its journal says."""
    now = timezone.now()
    call = CallFactory(
        opens_at=now - published_ago - timedelta(days=120),
        closes_at=now - published_ago - timedelta(days=30),
        status=CallStatus.RESULTS_PUBLISHED,
    )
    journal_record(target=call, actor=None, action="results.publish", at=now - published_ago)
    return call


def document(dossier, name="statuts-signes.pdf"):
    return DossierDocument.objects.create(
        dossier=dossier,
        requirement=RequiredDocumentFactory(call=dossier.call),
        file=ContentFile(b"%PDF-1.4 statuts", name=name),
        original_name=name,
        size=16,
        sha256="0" * 64,
        content_type="application/pdf",
        uploaded_by=dossier.cluster.owner,
        scan_status=ScanStatus.CLEAN,
    )


def decided_dossier(call, outcome, status):
    dossier = DossierFactory(
        call=call,
        status=status,
        submitted_at=call.closes_at - timedelta(days=1),
        steering_team="Mme Salma Bennani, cheffe de file",
    )
    document(dossier)
    Receipt.objects.create(
        dossier=dossier,
        number=f"AR-{dossier.reference}",
        submitted_at=dossier.submitted_at,
        files=[{"name": "statuts-signes.pdf", "sha256": "0" * 64}],
        pdf=ContentFile(b"%PDF receipt", name="receipt.pdf"),
        submitted_by=dossier.cluster.owner,
    )
    submitted_review(AssignmentFactory(dossier=dossier), [3] * 9)
    Decision.objects.create(
        dossier=dossier,
        outcome=outcome,
        subsidy_total=Decimal("0"),
        decided_by=AdministratorFactory(),
        letter=ContentFile(b"%PDF letter", name="lettre.pdf"),
    )
    return dossier


def stored(dossier):
    """The names of the stored files of a dossier: documents, receipts, decision letter."""
    names = [d.file.name for d in dossier.documents.all()]
    names += [r.pdf.name for r in dossier.receipts.all() if r.pdf]
    decision = Decision.objects.filter(dossier=dossier).first()
    return names + ([decision.letter.name] if decision and decision.letter else [])


def dormant(user):
    User.objects.filter(pk=user.pk).update(
        last_login=timezone.now() - 3 * YEAR, date_joined=timezone.now() - 4 * YEAR
    )
    return user


def row_counts():
    """Every table's row count and the content of the rows the policy changes."""
    counts = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if not model._meta.proxy
    }
    counts["users"] = list(User.objects.values_list("email", "full_name", "is_active"))
    counts["mails"] = list(OutgoingMail.objects.values_list("body_text", "to"))
    counts["dossiers"] = list(Dossier.objects.values_list("steering_team", "content_erased_at"))
    return counts


@pytest.fixture
def world(db):
    """Something of each kind the policy looks at, some due and some not."""
    old, recent = results_call(3 * YEAR), results_call(30 * timedelta(days=1))
    now = timezone.now()
    w = {
        "old_rejected": decided_dossier(old, Decision.Outcome.REJECTED, DossierStatus.REJECTED),
        "old_selected": decided_dossier(old, Decision.Outcome.SELECTED, DossierStatus.SELECTED),
        "recent_rejected": decided_dossier(
            recent, Decision.Outcome.REJECTED, DossierStatus.REJECTED
        ),
        "old_draft": DossierFactory(call=old),
        "open_draft": DossierFactory(),
    }
    w["old_draft_document"] = document(w["old_draft"], "brouillon.pdf")
    w["files_due"] = [*stored(w["old_rejected"]), w["old_draft_document"].file.name]
    w["files_kept"] = stored(w["old_selected"]) + stored(w["recent_rejected"])
    # Evaluators: one whose evaluations are all of published calls, one with a pending review.
    w["gone_evaluator"] = dormant(w["old_rejected"].assignments.get().evaluator)
    TOTPDevice.objects.create(user=w["gone_evaluator"], name="app", confirmed=True)
    pending = AssignmentFactory(
        dossier=DossierFactory(
            call=CallFactory(closes_at=now - timedelta(days=2), opens_at=now - 60 * timedelta(1)),
            status=DossierStatus.UNDER_EVALUATION,
            submitted_at=now - timedelta(days=3),
        ),
        evaluator=dormant(EvaluatorFactory()),
        status=AssignmentStatus.ACTIVE,
    )
    w["busy_evaluator"] = pending.evaluator
    # A director under contract, not seen for years, stays; one with nothing left goes.
    w["funded_director"] = dormant(DirectorFactory())
    active_contract(AdministratorFactory(), w["funded_director"])
    w["gone_director"] = dormant(w["old_rejected"].cluster.owner)
    OutgoingMail.objects.create(
        key="old",
        template="t",
        to=w["gone_director"].email,
        language="fr",
        subject="Dépôt",
        body_text="Bonjour Salma",
        status=MailStatus.SENT,
    )
    OutgoingMail.objects.create(
        key="new",
        template="t",
        to="quelqu-un@exemple.ma",
        language="fr",
        subject="Rappel",
        body_text="Bonjour",
        status=MailStatus.SENT,
    )
    OutgoingMail.objects.filter(key="old").update(created_at=now - 100 * timedelta(days=1))
    expired = SessionStore()
    expired["x"] = 1
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=now - timedelta(days=1)
    )
    w["expired_session"] = expired.session_key
    return w


def dry_run():
    out = StringIO()
    call_command("apply_retention", stdout=out)
    return out.getvalue()


def line(output, rule):
    return next(row for row in output.splitlines() if row.startswith(rule + " "))


def test_the_dry_run_reports_counts_per_rule_and_writes_nothing(world):
    before = row_counts()

    output = dry_run()

    assert row_counts() == before
    assert "Dry run" in output
    assert line(output, "unsuccessful_dossiers").split()[1] == "1"
    assert line(output, "draft_dossiers").split()[1] == "1"
    assert line(output, "inactive_accounts").split()[1] == "2"
    assert line(output, "mail_bodies").split()[1] == "1"
    assert line(output, "expired_sessions").split()[1] == "1"
    assert all(default_storage.exists(name) for name in world["files_due"])


def test_apply_erases_an_old_unsuccessful_dossier_with_its_files_and_keeps_the_rest(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--apply", stdout=StringIO())

    erased = Dossier.objects.get(pk=world["old_rejected"].pk)
    assert erased.content_erased_at is not None
    assert erased.steering_team == ""
    assert not erased.documents.exists()
    assert erased.receipts.get().files == []
    # The record of the call's results stays: status, review, decision.
    assert erased.status == DossierStatus.REJECTED
    assert Review.objects.filter(assignment__dossier=erased).exists()
    assert Decision.objects.get(dossier=erased).letter.name == ""
    assert not Dossier.objects.filter(pk=world["old_draft"].pk).exists()
    assert not Dossier.history.filter(id=world["old_draft"].pk).exists()
    assert not any(default_storage.exists(name) for name in world["files_due"])
    # Field history keeps no earlier version of what was erased.
    history = Dossier.history.filter(id=erased.pk)
    assert history.exists()
    assert not history.exclude(steering_team="").exists()

    for kept in ("old_selected", "recent_rejected", "open_draft"):
        dossier = Dossier.objects.get(pk=world[kept].pk)
        assert dossier.content_erased_at is None
    assert Dossier.objects.get(pk=world["recent_rejected"].pk).documents.count() == 1
    assert all(default_storage.exists(name) for name in world["files_kept"])


def test_apply_anonymises_dormant_people_with_nothing_pending_only(
    world, django_capture_on_commit_callbacks
):
    gone_email = world["gone_evaluator"].email
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--apply", stdout=StringIO())

    for name in ("gone_evaluator", "gone_director"):
        user = User.objects.get(pk=world[name].pk)
        assert user.anonymised_at is not None
        assert user.email.endswith("@anonymise.invalid")
        assert user.full_name == "Compte anonymisé"
        assert not user.is_active
        assert not user.has_usable_password()
    assert not TOTPDevice.objects.filter(user=world["gone_evaluator"]).exists()
    assert not User.history.filter(email=gone_email).exists()
    # The mail to the director: the fact stays, neither the address nor the body.
    mail = OutgoingMail.objects.get(key="old")
    assert (mail.to, mail.body_text) == (
        User.objects.get(pk=world["gone_director"].pk).email,
        ERASED,
    )
    # Still active: under contract, or with a review to give.
    for name in ("busy_evaluator", "funded_director"):
        assert User.objects.get(pk=world[name].pk).anonymised_at is None
    assert OutgoingMail.objects.get(key="new").body_text == "Bonjour"
    assert not Session.objects.filter(session_key=world["expired_session"]).exists()


def test_a_second_run_finds_nothing_to_do(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--apply", stdout=StringIO())
    before = row_counts()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--apply", stdout=StringIO())

    second = RetentionRun.objects.order_by("-pk").first()
    assert set(second.counts.values()) == {0}
    before.pop("core.JournalEntry"), before.pop("audit.RetentionRun")
    after = row_counts()
    after.pop("core.JournalEntry"), after.pop("audit.RetentionRun")
    assert after == before


def test_each_run_that_applies_is_journaled_with_its_counts(world):
    call_command("apply_retention", "--apply", stdout=StringIO())

    run = RetentionRun.objects.get()
    entry = JournalEntry.objects.get(action="retention.apply")
    assert entry.target == run
    assert entry.data["counts"] == run.counts
    assert run.counts["unsuccessful_dossiers"] == 1
    assert set(entry.data["counts"]) == {rule.name for rule in RULES}
    assert str(entry.label) == "Politique de conservation des données appliquée"


def test_the_journal_keeps_its_entries_and_is_still_append_only(world):
    """An anonymised person's entries stay, pointing to the anonymised row."""
    journal_record(target=world["gone_director"], actor=world["gone_director"], action="x")
    count = JournalEntry.objects.count()

    call_command("apply_retention", "--apply", stdout=StringIO())

    assert JournalEntry.objects.filter(actor=world["gone_director"]).exists()
    assert JournalEntry.objects.count() == count + 1
    if connection.vendor == "postgresql":
        with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
            cursor.execute("UPDATE core_journalentry SET message = 'x'")


def test_the_beat_runs_a_real_task_that_applies_the_policy(world):
    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] == timedelta(days=1)

    counts = retention_apply_task.delay().get()

    assert counts["unsuccessful_dossiers"] == 1
    assert RetentionRun.objects.count() == 1


def test_the_run_shows_on_the_administrators_journal_page(world, client, administrator):
    call_command("apply_retention", "--apply", stdout=StringIO())
    client.force_login(administrator)

    response = client.get(reverse("audit:journal"))

    assert response.status_code == 200
    text = page_text(response)
    assert "Politique de conservation des données appliquée" in text
    assert "Conservation des données du" in text


def test_a_person_may_be_anonymised_on_request_unless_still_active(world):
    director = world["gone_director"]
    User.objects.filter(pk=director.pk).update(last_login=timezone.now())

    call_command("anonymise_account", director.email, stdout=StringIO())
    assert User.objects.get(pk=director.pk).anonymised_at is None  # a dry run

    call_command("anonymise_account", director.email.upper(), "--apply", stdout=StringIO())
    assert User.objects.get(pk=director.pk).full_name == "Compte anonymisé"
    assert JournalEntry.objects.filter(action="account.anonymise", object_id=director.pk).exists()

    for busy in (world["funded_director"], world["busy_evaluator"], AdministratorFactory()):
        with pytest.raises(CommandError):
            call_command("anonymise_account", busy.email, "--apply", stdout=StringIO())
        assert User.objects.get(pk=busy.pk).anonymised_at is None


@pytest.mark.parametrize(
    "status",
    [DossierStatus.INADMISSIBLE, DossierStatus.WAITING_LIST, DossierStatus.WITHDRAWN],
)
def test_inadmissible_waiting_list_and_withdrawn_dossiers_are_erased_once_old_only(status):
    def dossier(call):
        found = DossierFactory(
            call=call, status=status, submitted_at=call.closes_at, governance="M. Tazi"
        )
        document(found)
        return found

    old, recent = dossier(results_call(3 * YEAR)), dossier(results_call(timedelta(days=30)))

    call_command("apply_retention", "--apply", stdout=StringIO())

    old.refresh_from_db(), recent.refresh_from_db()
    assert (old.governance, old.documents.count()) == ("", 0)
    assert (recent.governance, recent.documents.count()) == ("M. Tazi", 1)
    assert old.status == status


def test_the_director_and_the_ministry_are_told_the_content_was_erased(
    client, director, administrator
):
    old = results_call(3 * YEAR)
    dossier = decided_dossier(old, Decision.Outcome.REJECTED, DossierStatus.REJECTED)
    Dossier.objects.filter(pk=dossier.pk).update(cluster=ClusterFactory(owner=director))
    call_command("apply_retention", "--apply", stdout=StringIO())

    for person, page in (
        (director, reverse("applications:dossier_detail", args=[dossier.pk])),
        (administrator, reverse("evaluation:admissibility_detail", args=[dossier.pk])),
    ):
        client.force_login(person)
        response = client.get(page)
        assert response.status_code == 200
        assert "ont été effacés le" in page_text(response)


def test_a_retention_duration_of_zero_is_refused_at_start_up(settings):
    from audit.checks import retention_durations

    assert retention_durations(None) == []
    settings.RETENTION_INACTIVE_ACCOUNT_DAYS = 0

    [error] = retention_durations(None)
    assert error.id == "audit.E001"
    assert "RETENTION_INACTIVE_ACCOUNT_DAYS" in error.msg


def test_an_erased_receipt_is_not_rendered_again_nor_counted_as_pending(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention", "--apply", stdout=StringIO())
    receipt = Receipt.objects.get(dossier=world["old_rejected"])
    Receipt.objects.filter(pk=receipt.pk).update(submitted_at=timezone.now() - YEAR)

    assert pending_receipts_render() == 0
    receipt_render(receipt.pk)

    receipt.refresh_from_db()
    assert receipt.pdf.name == ""
    assert not receipts_awaiting_pdf().filter(pk=receipt.pk).exists()
