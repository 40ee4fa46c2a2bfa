"""Behaviours found missing in review: nothing typed is lost, nothing submitted changes."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.eligibility import eligibility_gaps
from applications.models import Call
from applications.services.calls import call_clone, call_deadline_change
from applications.services.clusters import co_editor_add, member_delete, member_save
from applications.services.dossiers import budget_save
from applications.services.submission import dossier_submit, dossier_withdraw
from applications.tests.builders import call_with_checklist, complete, draft_for
from applications.tests.factories import CallFactory
from core.tests.client import page_text


def _section(dossier, slug):
    return reverse("applications:dossier_section", kwargs={"pk": dossier.pk, "slug": slug})


@pytest.fixture
def closed_draft(director):
    dossier = draft_for(director)
    Call.objects.filter(pk=dossier.call_id).update(closes_at=timezone.now() - timedelta(seconds=1))
    return dossier


@pytest.mark.django_db
def test_text_typed_after_the_deadline_is_given_back(client, director, closed_draft):
    client.force_login(director)

    response = client.post(_section(closed_draft, "perimetre"), {"perimeter": "Mon long texte"})

    page = page_text(response)
    assert response.status_code == 200
    assert "clôturé depuis le" in page
    assert "Votre texte non enregistré" in page
    assert "Mon long texte" in page


@pytest.mark.django_db
def test_background_save_after_the_deadline_says_so(client, director, closed_draft):
    client.force_login(director)

    response = client.post(
        _section(closed_draft, "perimetre"),
        {"perimeter": "Mon long texte"},
        headers={"HX-Request": "true"},
    )

    page = page_text(response)
    assert "clôturé depuis le" in page
    assert "<html" not in page


@pytest.mark.django_db
def test_a_stray_post_to_a_documents_section_is_harmless(client, director):
    dossier = draft_for(director)
    client.force_login(director)

    response = client.post(_section(dossier, "pieces-administratives"), {"x": "y"})

    assert response.status_code == 302


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
def test_double_click_on_submit_leads_to_the_confirmation(client, director):
    dossier = complete(draft_for(director), director)
    client.force_login(director)
    review = reverse("applications:dossier_review", kwargs={"pk": dossier.pk})

    client.post(review, {"declaration": "on"})
    second = client.post(review, {"declaration": "on"})

    assert second.url == reverse("applications:dossier_confirmation", kwargs={"pk": dossier.pk})


@pytest.mark.django_db
def test_administrators_do_not_read_drafts(client, administrator, director):
    dossier = draft_for(director)
    client.force_login(administrator)

    response = client.get(reverse("applications:dossier_detail", kwargs={"pk": dossier.pk}))

    assert response.status_code == 404


@pytest.mark.django_db
def test_clone_of_a_long_reference_stays_unique_and_short(administrator):
    source = CallFactory(reference="appel-a-projets-clusters-industriels-xyz", edition_year=2026)

    first = call_clone(actor=administrator, source=source)
    second = call_clone(actor=administrator, source=source)

    assert len({source.reference, first.reference, second.reference}) == 3
    assert max(len(first.reference), len(second.reference)) <= 40


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_a_year_left_empty_is_removed_from_the_budget(director):
    dossier = complete(draft_for(director), director)

    budget_save(actor=director, dossier=dossier, years={1: None})

    assert sorted(dossier.budget_years.values_list("year", flat=True)) == [2, 3, 4, 5]


@pytest.mark.django_db
def test_a_subsidy_over_the_maximum_gets_one_clear_message(client, director):
    dossier = draft_for(director)
    client.force_login(director)

    response = client.post(
        _section(dossier, "budget"), {"budget_1": "5000000", "subsidy_1": "2500000"}
    )

    page = page_text(response)
    assert "dépasse le maximum annuel de l'appel (2\xa0000\xa0000,00\xa0MAD)" in page
    assert "ou aucun des deux" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first_supported_year", "accepts_new", "expected"),
    [
        (None, True, None),
        (None, False, "n'est pas ouvert aux nouveaux clusters"),
        (2020, True, "soutenu par l'État depuis 6 ans"),
        (2016, True, None),
    ],
)
def test_years_of_state_support_are_checked(director, first_supported_year, accepts_new, expected):
    call = call_with_checklist(edition_year=2026, accepts_new_clusters=accepts_new)
    cluster = draft_for(director, call).cluster
    cluster.first_supported_year = first_supported_year

    gaps = eligibility_gaps(cluster, call)

    if expected is None:
        assert gaps == []
    else:
        assert any(expected in gap for gap in gaps), gaps


@pytest.mark.django_db
def test_back_office_call_page_lists_deposited_dossiers_not_drafts(
    client, administrator, director, outsider, django_assert_max_num_queries
):
    submitted = complete(draft_for(director), director)
    dossier_submit(actor=director, dossier=submitted, declaration=True)
    hidden = draft_for(outsider, submitted.call)
    client.force_login(administrator)
    url = reverse("applications:backoffice_call_detail", kwargs={"pk": submitted.call.pk})

    with django_assert_max_num_queries(20):
        page = page_text(client.get(url))

    assert submitted.reference in page
    assert hidden.reference not in page
