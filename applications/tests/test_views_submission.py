"""The deadline rush's last three requests read only what they show or check: check your
answers, the submission (which reads the dossier alone and lets its service read what it
checks), the confirmation (its receipt, not the whole dossier)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Dossier, DossierStatus
from applications.tests.builders import call_with_checklist, complete, draft_for
from applications.views import submission
from core.tests.client import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(director):
    return complete(draft_for(director, call_with_checklist()), director)


def test_check_your_answers_submission_and_confirmation_stay_within_their_budgets(
    director, ready, django_assert_max_num_queries
):
    # Callbacks left uncommitted: the receipt's PDF is the worker's, not the request's.
    client = Client()
    client.force_login(director)
    review = reverse("applications:dossier_review", args=[ready.pk])

    with django_assert_max_num_queries(10):
        assert client.get(review).status_code == 200
    with django_assert_max_num_queries(18):
        answer = client.post(review, {"declaration": "on"})
    assert answer.status_code == 302
    with django_assert_max_num_queries(4):
        confirmation = client.get(answer["Location"])

    assert confirmation.status_code == 200
    assert "Votre dossier a bien été déposé" in page_text(confirmation)
    ready.refresh_from_db()
    assert ready.status == DossierStatus.SUBMITTED


def test_a_submission_refused_by_the_service_shows_the_whole_check_page_again(
    client, director, ready
):
    client.force_login(director)
    review = reverse("applications:dossier_review", args=[ready.pk])
    ready.documents.all().delete()

    refused = client.post(review, {"declaration": "on"})

    assert refused.status_code == 200
    text = page_text(refused)
    assert "Le dossier est incomplet" in text
    assert "Texte de la section gouvernance." in text  # the summary is there again
    ready.refresh_from_db()
    assert ready.status == DossierStatus.DRAFT


def test_check_your_answers_shows_the_targets_as_the_form_lays_them_out(director, ready):
    """One row per indicator, one column per year, as the director typed them."""
    from applications.choices import Indicator
    from applications.services import dossiers as services

    years = ready.call.contract_years
    targets = {
        (indicator, year): 100 * position + year
        for position, indicator in enumerate(Indicator.values, start=1)
        for year in range(1, years + 1)
    }
    services.kpis_save(actor=director, dossier=ready, targets=targets)
    client = Client()
    client.force_login(director)

    html = client.get(reverse("applications:dossier_review", args=[ready.pk])).content.decode()

    row = re.search(r"<tr><th scope=\"row\" class=\"fw-normal\">Brevets</th>(.*?)</tr>", html)
    assert row is not None
    cells = re.findall(r'<td class="num">(\d+)</td>', row.group(1))
    assert cells == [str(200 + year) for year in range(1, years + 1)]


def test_double_click_on_submit_leads_to_the_confirmation(client, director):
    dossier = complete(draft_for(director), director)
    client.force_login(director)
    review = reverse("applications:dossier_review", kwargs={"pk": dossier.pk})

    client.post(review, {"declaration": "on"})
    second = client.post(review, {"declaration": "on"})

    assert second.url == reverse("applications:dossier_confirmation", kwargs={"pk": dossier.pk})


def test_the_losing_click_of_a_double_submit_shows_the_confirmation(client, director, monkeypatch):
    """The two requests read the draft before either took the lock: the one that waited
    finds the dossier submitted and shows the confirmation, as the winner does."""
    dossier = complete(draft_for(director), director)
    client.force_login(director)
    review = reverse("applications:dossier_review", kwargs={"pk": dossier.pk})
    read_before_the_first_click = Dossier.objects.select_related("call", "cluster").get(
        pk=dossier.pk
    )
    client.post(review, {"declaration": "on"})
    monkeypatch.setattr(
        submission, "_dossier_to_act_on", lambda *args, **kwargs: read_before_the_first_click
    )

    second = client.post(review, {"declaration": "on"})

    assert second.status_code == 302
    assert second.url == reverse("applications:dossier_confirmation", kwargs={"pk": dossier.pk})
