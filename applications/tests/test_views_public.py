from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from applications.models import CallStatus
from applications.tests.factories import CallFactory, RequiredDocumentFactory
from core.tests.client import page_text

pytestmark = pytest.mark.django_db

CALL_LIST = reverse("applications:call_list")


def _detail(call):
    return reverse("applications:call_detail", args=[call.reference])


def _specification(call):
    return reverse("applications:call_specification", args=[call.reference])


def _dossier_start(call):
    try:
        return reverse("applications:dossier_start", kwargs={"reference": call.reference})
    except NoReverseMatch:
        return f"/appels/{call.reference}/candidater/"


def _draft():
    return CallFactory(status=CallStatus.DRAFT, published_at=None, title="Appel en préparation")


def test_list_shows_open_then_upcoming_then_past_calls(client):
    now = timezone.now()
    CallFactory(
        title="Appel 2011",
        opens_at=now - timedelta(days=400),
        closes_at=now - timedelta(days=300),
    )
    CallFactory(
        title="Appel à venir",
        opens_at=now + timedelta(days=10),
        closes_at=now + timedelta(days=60),
    )
    CallFactory(title="Appel ouvert", closes_at=now + timedelta(days=5, hours=3))
    _draft()

    text = page_text(client.get(CALL_LIST))

    assert text.index("Appel ouvert") < text.index("Appel à venir") < text.index("Appel 2011")
    assert "Appel en préparation" not in text
    assert "(heure du Maroc)" in text
    assert "encore 5 jours" in text


def test_list_shows_the_deadline_in_moroccan_time(client):
    CallFactory(
        opens_at=datetime(2024, 9, 1, tzinfo=UTC),
        closes_at=datetime(2024, 10, 25, 14, 0, tzinfo=UTC),
    )

    text = page_text(client.get(CALL_LIST))

    assert "25 octobre 2024 à 15h00" in text


def test_open_call_shows_the_deadline_partial_with_its_countdown(client):
    call = CallFactory(closes_at=timezone.now() + timedelta(days=3, hours=5, minutes=10))

    text = page_text(client.get(CALL_LIST))

    assert "Clôture le" in text
    assert "encore 3 jours" in text
    assert call.title in text


def test_empty_list_says_what_to_do(client):
    text = page_text(client.get(CALL_LIST))

    assert "Aucun appel à projets n'est ouvert en ce moment." in text
    assert "Créer un compte de directeur de cluster" in text


def test_detail_shows_rules_contract_terms_and_checklist(client):
    call = CallFactory(
        title="Appel à projets clusters 2024",
        description="Labellisation des clusters industriels.",
        opens_at=datetime(2024, 9, 2, 8, 0, tzinfo=UTC),
        closes_at=timezone.now() + timedelta(days=10),
        returning_min_years=8,
        min_members=15,
        min_company_share=Decimal("60"),
        contract_years=5,
        max_annual_subsidy=Decimal("2000000"),
        budget_envelope=Decimal("62000000"),
    )
    RequiredDocumentFactory(
        call=call, label="Statuts de l'association", allowed_types=["pdf"], max_size_mb=5
    )
    RequiredDocumentFactory(
        call=call,
        part="technical",
        label="Plan d'action sur 5 ans",
        mandatory=False,
        allowed_types=["pdf", "docx"],
        max_size_mb=10,
    )

    text = page_text(client.get(_detail(call)))

    assert "Labellisation des clusters industriels." in text
    assert "2 septembre 2024 à 09h00 (heure du Maroc)" in text
    assert "après au moins 8 années de soutien" in text
    assert "au moins 15 membres" in text
    assert "au moins 60 % des membres" in text
    assert "5 ans" in text
    assert "2\u00a0000\u00a0000,00\u00a0MAD" in text
    assert "62\u00a0000\u00a0000,00\u00a0MAD" in text
    assert text.index("Dossier administratif") < text.index("Statuts de l'association")
    assert text.index("Dossier technique") < text.index("Plan d'action sur 5 ans")
    assert "PDF, Word (.docx)" in text
    assert "Facultative" in text
    assert "10 Mo" in text


def test_open_call_offers_to_apply(client, director):
    call = CallFactory()
    client.force_login(director)

    text = page_text(client.get(_detail(call)))

    assert "Déposer une candidature" in text
    assert f'href="{_dossier_start(call)}"' in text


def test_closed_call_no_longer_offers_to_apply(client):
    call = CallFactory(
        opens_at=timezone.now() - timedelta(days=90), closes_at=timezone.now() - timedelta(days=1)
    )

    text = page_text(client.get(_detail(call)))

    assert "Déposer une candidature" not in text
    assert "Les candidatures à cet appel sont closes." in text
    assert "Clôturé le" in text


def test_staff_are_not_offered_to_apply(client, evaluator):
    client.force_login(evaluator)

    text = page_text(client.get(_detail(CallFactory())))

    assert "Déposer une candidature" not in text


def test_draft_call_is_hidden_from_the_public(client):
    draft = _draft()

    assert client.get(_detail(draft)).status_code == 404


@pytest.mark.parametrize("person", ["director", "evaluator", "committee_member"])
def test_draft_call_is_hidden_from_everyone_but_administrators(client, person, request):
    draft = _draft()
    client.force_login(request.getfixturevalue(person))

    assert client.get(_detail(draft)).status_code == 404


def test_administrator_previews_a_draft_call(client, administrator):
    draft = _draft()
    client.force_login(administrator)

    response = client.get(_detail(draft))

    assert response.status_code == 200
    assert "Aperçu : cet appel est un brouillon" in page_text(response)


def test_unknown_call_answers_404(client):
    assert client.get(reverse("applications:call_detail", args=["inconnu"])).status_code == 404


def test_specification_is_downloaded_as_an_attachment(client):
    call = CallFactory(reference="aap-clusters-2024")
    call.specification.save("cdc.pdf", ContentFile(b"%PDF-1.7 cahier"), save=True)

    response = client.get(_specification(call))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="cahier-des-charges-aap-clusters-2024.pdf"'
    )
    assert b"".join(response.streaming_content) == b"%PDF-1.7 cahier"


def test_specification_of_a_call_without_one_answers_404(client):
    assert client.get(_specification(CallFactory())).status_code == 404


def test_specification_of_a_draft_call_answers_404_to_the_public(client, director):
    draft = _draft()
    draft.specification.save("cdc.pdf", ContentFile(b"%PDF-1.7"), save=True)
    client.force_login(director)

    assert client.get(_specification(draft)).status_code == 404
