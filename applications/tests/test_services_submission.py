import subprocess
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.models import Dossier, DossierStatus, Receipt
from applications.services.clusters import co_editor_add, member_delete, member_save
from applications.services.dossiers import dossier_section_save
from applications.services.submission import (
    dossier_reopen,
    dossier_submit,
    dossier_transition,
    dossier_withdraw,
)
from applications.tests.builders import call_with_checklist, complete, draft_for
from core.errors import ApplicationError
from core.journal import journal_for
from core.tests.client import page_text

CASABLANCA = ZoneInfo("Africa/Casablanca")


def _call_closing(local_deadline):
    return call_with_checklist(
        opens_at=local_deadline - timedelta(days=60), closes_at=local_deadline
    )


@pytest.fixture
def late_2024(director):
    """The 2024 call: 25 October 2024 at 15:00, Moroccan time (UTC+1 then)."""
    deadline = datetime(2024, 10, 25, 15, 0, tzinfo=CASABLANCA)
    dossier = draft_for(director, _call_closing(deadline))
    complete_before = deadline - timedelta(days=1)
    # Fill it while the call was open.
    with _frozen(complete_before):
        complete(dossier, director)
    return dossier


class _frozen:
    """Freeze timezone.now() for the services that read it."""

    def __init__(self, moment):
        self.moment = moment

    def __enter__(self):
        self.original = timezone.now
        timezone.now = lambda: self.moment

    def __exit__(self, *exc):
        timezone.now = self.original


@pytest.mark.django_db
def test_deadline_is_14_utc_for_a_15h_call_in_summer(late_2024):
    assert late_2024.call.closes_at == datetime(2024, 10, 25, 14, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_submission_one_millisecond_before_the_deadline_is_accepted(late_2024, director):
    just_in_time = datetime(2024, 10, 25, 13, 59, 59, 999000, tzinfo=UTC)

    dossier_submit(actor=director, dossier=late_2024, declaration=True, now=just_in_time)

    late_2024.refresh_from_db()
    assert late_2024.status == DossierStatus.SUBMITTED
    assert late_2024.submitted_at == just_in_time


@pytest.mark.django_db
def test_submission_at_15h00_exactly_is_refused_and_the_draft_kept(late_2024, director):
    on_the_stroke = datetime(2024, 10, 25, 15, 0, 0, tzinfo=CASABLANCA)
    before = Dossier.objects.values().get(pk=late_2024.pk)

    with pytest.raises(ApplicationError) as refused:
        dossier_submit(actor=director, dossier=late_2024, declaration=True, now=on_the_stroke)

    assert refused.value.code == "deadline"
    assert "Votre brouillon est conservé" in refused.value.message
    assert Dossier.objects.values().get(pk=late_2024.pk) == before
    assert late_2024.documents.count() == 2
    assert not Receipt.objects.exists()


@pytest.mark.django_db
def test_ramadan_deadline_is_15_utc(director):
    # Morocco is on UTC+0 during Ramadan: 5 March 2026, 15:00 local is 15:00 UTC.
    deadline = datetime(2026, 3, 5, 15, 0, tzinfo=CASABLANCA)
    dossier = draft_for(director, _call_closing(deadline))
    with _frozen(deadline - timedelta(days=2)):
        complete(dossier, director)

    assert dossier.call.closes_at == datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
    with pytest.raises(ApplicationError):
        dossier_submit(
            actor=director,
            dossier=dossier,
            declaration=True,
            now=datetime(2026, 3, 5, 15, 0, tzinfo=UTC),
        )
    dossier_submit(
        actor=director,
        dossier=dossier,
        declaration=True,
        now=datetime(2026, 3, 5, 14, 59, 59, tzinfo=UTC),
    )
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED


@pytest.mark.django_db
def test_edits_after_the_deadline_are_refused(late_2024, director):
    with _frozen(late_2024.call.closes_at), pytest.raises(ApplicationError) as refused:
        dossier_section_save(
            actor=director, dossier=late_2024, slug="perimetre", values={"perimeter": "Nouveau"}
        )

    assert refused.value.code == "deadline"
    late_2024.refresh_from_db()
    assert late_2024.perimeter == "Texte de la section perimetre."


@pytest.mark.django_db
def test_incomplete_dossier_cannot_be_submitted(director):
    dossier = draft_for(director)

    with pytest.raises(ApplicationError) as refused:
        dossier_submit(actor=director, dossier=dossier, declaration=True)

    assert refused.value.code == "incomplete"
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.DRAFT


@pytest.mark.django_db
def test_declaration_on_honour_is_required(director):
    dossier = complete(draft_for(director), director)

    with pytest.raises(ApplicationError) as refused:
        dossier_submit(actor=director, dossier=dossier, declaration=False)

    assert refused.value.field == "declaration"


@pytest.mark.django_db
def test_another_director_cannot_submit(director, outsider):
    dossier = complete(draft_for(director), director)

    with pytest.raises(ApplicationError):
        dossier_submit(actor=outsider, dossier=dossier, declaration=True)
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.DRAFT


@pytest.mark.django_db(transaction=True)
def test_submission_issues_a_receipt_pdf_with_every_file_fingerprint(director, tmp_path):
    dossier = complete(draft_for(director), director)

    dossier_submit(actor=director, dossier=dossier, declaration=True)

    receipt = Receipt.objects.get(dossier=dossier)
    assert receipt.pdf.name
    pdf_path = tmp_path / "receipt.pdf"
    pdf_path.write_bytes(receipt.pdf.read())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert dossier.reference in text
    assert dossier.cluster.name in text
    assert "(heure du Maroc)" in text
    local = timezone.localtime(receipt.submitted_at)
    assert local.strftime("%H:%M:%S") in text
    # A 64-character hash may wrap inside its table cell: compare without whitespace.
    compact = "".join(text.split())
    for document in dossier.documents.all():
        assert document.sha256 in compact
    assert [message.to for message in mail.outbox] == [[director.email]]
    assert receipt.number in mail.outbox[0].body


@pytest.mark.django_db
def test_withdraw_then_reopen_then_resubmit_gives_a_second_receipt(director):
    dossier = complete(draft_for(director), director)
    dossier_submit(actor=director, dossier=dossier, declaration=True)

    with pytest.raises(ApplicationError):
        dossier_withdraw(actor=director, dossier=dossier, reason="  ")
    dossier_withdraw(actor=director, dossier=dossier, reason="Un document à corriger")
    dossier_reopen(actor=director, dossier=dossier)
    dossier_submit(actor=director, dossier=dossier, declaration=True)

    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED
    assert sorted(Receipt.objects.values_list("number", flat=True)) == [
        f"{dossier.reference}-AR01",
        f"{dossier.reference}-AR02",
    ]
    actions = [entry.action for entry in journal_for(dossier)]
    assert actions[:4] == ["dossier.submit", "dossier.reopen", "dossier.withdraw", "dossier.submit"]
    withdraw = next(entry for entry in journal_for(dossier) if entry.action == "dossier.withdraw")
    assert withdraw.message == "Un document à corriger"
    assert withdraw.actor == director


@pytest.mark.django_db
def test_a_submitted_dossier_is_read_only(director):
    dossier = complete(draft_for(director), director)
    dossier_submit(actor=director, dossier=dossier, declaration=True)

    with pytest.raises(ApplicationError) as refused:
        dossier_section_save(
            actor=director, dossier=dossier, slug="perimetre", values={"perimeter": "Changé"}
        )

    assert refused.value.code == "locked"


@pytest.mark.django_db
def test_a_submitted_dossier_keeps_its_participants_when_members_change(director):
    dossier = complete(draft_for(director), director)
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    names = sorted(
        member["name"] for member in type(dossier).objects.get(pk=dossier.pk).participants_snapshot
    )
    first, second = dossier.cluster.members.order_by("pk")[:2]

    member_delete(actor=director, member=first)
    member_save(actor=director, cluster=dossier.cluster, member=second, name="Renommée SARL")

    dossier.refresh_from_db()
    assert sorted(member["name"] for member in dossier.participants_snapshot) == names
    assert len(names) == 16


@pytest.mark.django_db(transaction=True)
def test_the_receipt_pdf_is_attached_and_the_submitting_co_editor_gets_it_too(director, outsider):
    dossier = complete(draft_for(director), director)
    outsider.owned_clusters.all().delete()
    co_editor_add(actor=director, cluster=dossier.cluster, email=outsider.email)

    dossier_submit(actor=outsider, dossier=dossier, declaration=True)

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [director.email, outsider.email]
    )
    for message in mail.outbox:
        ((name, content, kind),) = message.attachments
        assert name.endswith("-AR01.pdf")
        assert content.startswith(b"%PDF")
        assert kind == "application/pdf"


@pytest.mark.django_db
def test_a_second_submission_waiting_for_the_lock_finds_the_dossier_submitted(director):
    """A double click: both requests read a draft; the one that waited for the row lock
    finds it submitted by the other and has nothing left to do, not an error to show."""
    dossier = complete(draft_for(director), director)
    read_by_the_second_click = Dossier.objects.get(pk=dossier.pk)
    dossier_submit(actor=director, dossier=dossier, declaration=True)

    returned = dossier_submit(actor=director, dossier=read_by_the_second_click, declaration=True)

    assert returned.status == DossierStatus.SUBMITTED
    assert Receipt.objects.filter(dossier=dossier).count() == 1
    assert journal_for(dossier).filter(action="dossier.submit").count() == 1


@pytest.mark.django_db
def test_an_outsider_finding_a_submitted_dossier_is_still_refused(director, outsider):
    dossier = complete(draft_for(director), director)
    dossier_submit(actor=director, dossier=dossier, declaration=True)

    with pytest.raises(ApplicationError) as refused:
        dossier_submit(actor=outsider, dossier=dossier, declaration=True)

    assert refused.value.code == "forbidden"


@pytest.fixture
def withdrawn_2024(late_2024, director):
    """The 2024 dossier submitted, then withdrawn, the day before its deadline."""
    day_before = late_2024.call.closes_at - timedelta(days=1)
    dossier_submit(actor=director, dossier=late_2024, declaration=True, now=day_before)
    return dossier_withdraw(actor=director, dossier=late_2024, reason="Erreur", now=day_before)


@pytest.mark.django_db
def test_withdrawing_after_the_deadline_says_why_and_speaks_of_no_draft(late_2024, director):
    dossier_submit(
        actor=director,
        dossier=late_2024,
        declaration=True,
        now=late_2024.call.closes_at - timedelta(days=1),
    )

    with pytest.raises(ApplicationError) as refused:
        dossier_withdraw(
            actor=director, dossier=late_2024, reason="Trop tard", now=late_2024.call.closes_at
        )

    assert refused.value.code == "deadline"
    assert "ne peut plus être retiré après la clôture" in refused.value.message
    assert "Votre dossier reste déposé" in refused.value.message
    assert "brouillon" not in refused.value.message


@pytest.mark.django_db
def test_reopening_after_the_deadline_says_why(withdrawn_2024, director):
    with pytest.raises(ApplicationError) as refused:
        dossier_reopen(actor=director, dossier=withdrawn_2024, now=withdrawn_2024.call.closes_at)

    assert "ne peut plus être rouvert après la clôture" in refused.value.message
    assert "brouillon" not in refused.value.message


@pytest.mark.django_db
def test_submitting_a_withdrawn_dossier_says_to_reopen_it(withdrawn_2024, director):
    with pytest.raises(ApplicationError) as refused:
        dossier_submit(
            actor=director,
            dossier=withdrawn_2024,
            declaration=True,
            now=withdrawn_2024.call.closes_at - timedelta(hours=1),
        )

    assert "rouvrez-le pour le déposer à nouveau" in refused.value.message


@pytest.mark.django_db
def test_submitting_a_dossier_under_examination_again_says_it_was_already_submitted(
    director, administrator
):
    dossier = complete(draft_for(director), director)
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    dossier_transition(actor=administrator, dossier=dossier, action="declare_admissible")

    with pytest.raises(ApplicationError) as refused:
        dossier_submit(actor=director, dossier=dossier, declaration=True)

    assert "déjà été déposé" in refused.value.message


@pytest.mark.django_db
def test_withdrawing_a_draft_says_there_is_nothing_to_withdraw(director):
    dossier = complete(draft_for(director), director)

    with pytest.raises(ApplicationError) as refused:
        dossier_withdraw(actor=director, dossier=dossier, reason="Erreur")

    assert "il n'y a rien à retirer" in refused.value.message


@pytest.mark.django_db
def test_a_withdrawn_dossier_past_its_deadline_no_longer_offers_to_reopen(
    client, withdrawn_2024, director
):
    client.force_login(director)

    page = page_text(client.get(reverse("applications:dossier_detail", args=[withdrawn_2024.pk])))

    assert "Tant que l'appel est ouvert" not in page
    assert "L'appel est clôturé : il ne peut plus être rouvert ni déposé." in page
    assert "Rouvrir le dossier" not in page
