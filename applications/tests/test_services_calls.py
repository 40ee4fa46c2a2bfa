from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from applications.models import CallStatus, DossierStatus, RequiredDocument
from applications.services.calls import (
    call_clone,
    call_deadline_change,
    call_publish,
    call_save,
    required_document_delete,
)
from applications.services.clusters import co_editor_add
from applications.services.submission import dossier_submit, dossier_withdraw
from applications.tests.builders import complete, draft_for
from applications.tests.factories import (
    CallFactory,
    ClusterFactory,
    DossierFactory,
    RequiredDocumentFactory,
)
from core.errors import ApplicationError
from core.journal import journal_for

pytestmark = pytest.mark.django_db


def _draft_call(**fields):
    return CallFactory(status=CallStatus.DRAFT, published_at=None, **fields)


def test_publish_is_refused_without_required_documents(administrator):
    call = _draft_call()

    with pytest.raises(ApplicationError, match="au moins une pièce"):
        call_publish(actor=administrator, call=call)

    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT


def test_publish_is_refused_when_the_deadline_is_past(administrator):
    call = _draft_call(
        opens_at=timezone.now() - timedelta(days=60), closes_at=timezone.now() - timedelta(days=1)
    )
    RequiredDocumentFactory(call=call)

    with pytest.raises(ApplicationError, match="date de clôture est passée"):
        call_publish(actor=administrator, call=call)


def test_publish_makes_the_call_public_and_journals_it(administrator):
    call = _draft_call()
    RequiredDocumentFactory(call=call)

    call_publish(actor=administrator, call=call, without_arabic=True)

    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    assert call.published_at is not None
    entry = journal_for(call).get()
    assert (entry.action, entry.from_state, entry.to_state) == (
        "call.publish",
        "draft",
        "published",
    )
    assert entry.actor == administrator


def test_only_an_administrator_may_publish(director):
    call = _draft_call()
    RequiredDocumentFactory(call=call)

    with pytest.raises(ApplicationError):
        call_publish(actor=director, call=call)


def test_deadline_change_is_journaled_with_its_reason(administrator):
    call = CallFactory()
    previous = call.closes_at
    new_deadline = previous + timedelta(days=26)

    call_deadline_change(
        actor=administrator, call=call, closes_at=new_deadline, reason="  Demande des clusters  "
    )

    call.refresh_from_db()
    assert call.closes_at == new_deadline
    entry = journal_for(call).get()
    assert entry.action == "call.deadline_change"
    assert entry.message == "Demande des clusters"
    assert entry.data == {"from": previous.isoformat(), "to": new_deadline.isoformat()}


@pytest.mark.parametrize("reason", ["", "   "])
def test_deadline_change_needs_a_reason(administrator, reason):
    call = CallFactory()
    previous = call.closes_at

    with pytest.raises(ApplicationError) as error:
        call_deadline_change(
            actor=administrator, call=call, closes_at=previous + timedelta(days=7), reason=reason
        )

    assert error.value.field == "reason"
    call.refresh_from_db()
    assert call.closes_at == previous


def test_deadline_cannot_move_into_the_past(administrator):
    call = CallFactory()

    with pytest.raises(ApplicationError) as error:
        call_deadline_change(
            actor=administrator,
            call=call,
            closes_at=timezone.now() - timedelta(minutes=1),
            reason="Clôture anticipée",
        )

    assert error.value.field == "closes_at"


def test_deadline_change_of_a_draft_goes_through_the_edit_form(administrator):
    call = _draft_call()

    with pytest.raises(ApplicationError, match="brouillon"):
        call_deadline_change(
            actor=administrator,
            call=call,
            closes_at=call.closes_at + timedelta(days=7),
            reason="Report",
        )


def test_deadline_change_mails_each_director_with_a_draft_once(
    administrator, director, outsider, django_capture_on_commit_callbacks
):
    call = CallFactory()
    DossierFactory(call=call, cluster=ClusterFactory(owner=director))
    DossierFactory(call=call, cluster=ClusterFactory(owner=outsider))
    submitter = ClusterFactory()
    DossierFactory(
        call=call,
        cluster=submitter,
        status=DossierStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    DossierFactory(cluster=ClusterFactory())  # a draft for another call

    with django_capture_on_commit_callbacks(execute=True):
        call_deadline_change(
            actor=administrator,
            call=call,
            closes_at=call.closes_at + timedelta(days=26),
            reason="Prolongation à la demande des clusters",
        )

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([director.email, outsider.email])
    assert submitter.owner.email not in recipients
    assert "Prolongation à la demande des clusters" in mail.outbox[0].body
    assert "nouvelle date de clôture" in mail.outbox[0].subject


def test_each_deadline_change_is_announced_even_back_to_an_earlier_date(
    administrator, director, django_capture_on_commit_callbacks
):
    call = CallFactory()
    first = call.closes_at
    DossierFactory(call=call, cluster=ClusterFactory(owner=director))

    with django_capture_on_commit_callbacks(execute=True):
        call_deadline_change(
            actor=administrator, call=call, closes_at=first + timedelta(days=7), reason="Report"
        )
        call_deadline_change(actor=administrator, call=call, closes_at=first, reason="Annulation")

    assert len(mail.outbox) == 2


def test_the_deadline_of_a_published_call_is_not_changed_by_editing(administrator):
    call = CallFactory()
    previous = call.closes_at
    # A form has already put the new value on the instance it was given.
    call.closes_at = previous + timedelta(days=7)

    with pytest.raises(ApplicationError) as error:
        call_save(actor=administrator, call=call, closes_at=call.closes_at)

    assert error.value.field == "closes_at"
    call.refresh_from_db()
    assert call.closes_at == previous


def test_other_fields_of_a_published_call_can_be_edited(administrator):
    call = CallFactory()

    saved = call_save(actor=administrator, call=call, title_fr="Appel 2026 (rectifié)")

    assert saved.title == "Appel 2026 (rectifié)"
    assert journal_for(call).get().action == "call.update"


def test_clone_copies_the_checklist_and_shifts_the_year(administrator):
    source = CallFactory(
        reference="aap-clusters-2024",
        title="Appel à projets clusters 2024",
        edition_year=2024,
        opens_at=datetime(2024, 9, 2, 9, 0, tzinfo=UTC),
        closes_at=datetime(2024, 10, 25, 14, 0, tzinfo=UTC),  # 15:00 in Morocco
    )
    RequiredDocumentFactory(call=source, label="Statuts", allowed_types=["pdf"], max_size_mb=5)
    RequiredDocumentFactory(
        call=source,
        part="technical",
        label="Plan d'action",
        mandatory=False,
        allowed_types=["pdf", "docx"],
    )

    clone = call_clone(actor=administrator, source=source)

    assert clone.status == CallStatus.DRAFT
    assert clone.published_at is None
    assert clone.cloned_from == source
    assert clone.edition_year == 2025
    assert clone.reference == "aap-clusters-2025"
    assert clone.title == "Appel à projets clusters 2025"
    assert clone.closes_at.year == 2025
    assert timezone.localtime(clone.closes_at).hour == 15
    copied = list(
        RequiredDocument.objects.filter(call=clone).values_list(
            "part", "label", "mandatory", "allowed_types", "max_size_mb"
        )
    )
    assert copied == [
        ("administrative", "Statuts", True, ["pdf"], 5),
        ("technical", "Plan d'action", False, ["pdf", "docx"], 5),
    ]
    assert source.required_documents.count() == 2
    assert journal_for(clone).get().data == {"source": "aap-clusters-2024"}


def test_clone_keeps_the_moroccan_hour_when_the_new_date_falls_in_ramadan(administrator):
    # 20 February 2025, 15:00 in Morocco (UTC+1) → 19 February 2026, in Ramadan (UTC+0).
    source = CallFactory(
        reference="aap-2025",
        edition_year=2025,
        opens_at=datetime(2025, 1, 6, 8, 0, tzinfo=UTC),
        closes_at=datetime(2025, 2, 20, 14, 0, tzinfo=UTC),
    )

    clone = call_clone(actor=administrator, source=source)

    assert clone.closes_at == datetime(2026, 2, 19, 15, 0, tzinfo=UTC)


def test_clone_twice_gives_two_distinct_references(administrator):
    source = CallFactory(reference="aap-clusters-2024", edition_year=2024)

    first = call_clone(actor=administrator, source=source)
    second = call_clone(actor=administrator, source=source)

    assert first.reference != second.reference


def test_a_published_call_keeps_its_checklist(administrator):
    document = RequiredDocumentFactory(call=CallFactory())

    with pytest.raises(ApplicationError):
        required_document_delete(actor=administrator, document=document)

    assert RequiredDocument.objects.filter(pk=document.pk).exists()


def test_clone_of_a_long_reference_stays_unique_and_short(administrator):
    source = CallFactory(reference="appel-a-projets-clusters-industriels-xyz", edition_year=2026)

    first = call_clone(actor=administrator, source=source)
    second = call_clone(actor=administrator, source=source)

    assert len({source.reference, first.reference, second.reference}) == 3
    assert max(len(first.reference), len(second.reference)) <= 40


def test_deadline_change_reaches_withdrawn_dossiers_and_co_editors(
    administrator, director, outsider
):
    dossier = complete(draft_for(director), director)
    outsider.owned_clusters.all().delete()
    co_editor_add(actor=director, cluster=dossier.cluster, email=outsider.email)
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    dossier_withdraw(actor=director, dossier=dossier, reason="À revoir")
    mail.outbox.clear()

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        call_deadline_change(
            actor=administrator,
            call=dossier.call,
            closes_at=dossier.call.closes_at + timedelta(days=7),
            reason="Prolongation",
        )

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [director.email, outsider.email]
    )
    assert "vous pouvez le rouvrir" in mail.outbox[0].body
    assert f"/dossiers/{dossier.pk}/" in mail.outbox[0].body
