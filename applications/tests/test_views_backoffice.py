from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.models import Call, CallStatus, DossierStatus, RequiredDocument
from applications.services.calls import call_save
from applications.services.submission import dossier_submit
from applications.tests.builders import complete, draft_for
from applications.tests.factories import (
    CallFactory,
    ClusterFactory,
    DossierFactory,
    RequiredDocumentFactory,
)
from core.journal import journal_for
from core.tests.client import page_text

pytestmark = pytest.mark.django_db

CALL_LIST = reverse("applications:backoffice_call_list")
CALL_CREATE = reverse("applications:backoffice_call_create")


def _url(name, call, *args):
    return reverse(f"applications:backoffice_{name}", args=[call.pk, *args])


def _draft(**fields):
    return CallFactory(status=CallStatus.DRAFT, published_at=None, **fields)


def _call_data(**overrides):
    data = {
        "reference": "aap-clusters-2024",
        "title_fr": "Appel à projets clusters 2024",
        "edition_year": "2024",
        "description_fr": "Labellisation et financement des clusters industriels et technologiques.",
        "opens_at": "2024-09-02T09:00",
        "closes_at": "2024-10-25T15:00",
        "results_expected_on": "2024-12-15",
        "accepts_new_clusters": "on",
        "accepts_returning_clusters": "on",
        "returning_min_years": "8",
        "min_members": "15",
        "min_company_share": "60",
        "budget_envelope": "20000000",
        "contract_years": "5",
        "max_annual_subsidy": "2000000",
        "max_dossier_size_mb": "200",
    }
    return {**data, **overrides}


def _pages(call, document):
    """Every back-office page, with the method it answers to."""
    return [
        ("get", CALL_LIST),
        ("get", CALL_CREATE),
        ("get", _url("call_detail", call)),
        ("get", _url("call_update", call)),
        ("get", _url("call_deadline", call)),
        ("post", _url("call_publish", call)),
        ("post", _url("call_clone", call)),
        ("get", _url("document_create", call)),
        ("get", _url("document_update", call, document.pk)),
        ("get", _url("document_delete", call, document.pk)),
        ("post", _url("document_delete", call, document.pk)),
    ]


def test_anonymous_visitors_are_asked_to_log_in(client):
    document = RequiredDocumentFactory(call=_draft())

    for method, url in _pages(document.call, document):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


@pytest.mark.parametrize("person", ["director", "evaluator", "committee_member"])
def test_people_other_than_administrators_are_refused(client, request, person):
    document = RequiredDocumentFactory(call=_draft())
    client.force_login(request.getfixturevalue(person))

    for method, url in _pages(document.call, document):
        assert getattr(client, method)(url).status_code == 403, url
    assert Call.objects.count() == 1
    assert RequiredDocument.objects.filter(pk=document.pk).exists()


def test_administrator_sees_every_page(client, administrator):
    call = CallFactory()
    document = RequiredDocumentFactory(call=call)
    client.force_login(administrator)

    for method, url in _pages(call, document):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_list_shows_calls_with_their_phase_and_dossier_counts(client, administrator):
    call = CallFactory(title="Appel à projets clusters 2026")
    DossierFactory(call=call)
    DossierFactory(call=call, status=DossierStatus.SUBMITTED, submitted_at=timezone.now())
    _draft(title="Appel à projets clusters 2027")
    client.force_login(administrator)

    response = client.get(CALL_LIST)
    text = page_text(response)

    assert "Appel à projets clusters 2026" in text
    assert "Appel à projets clusters 2027" in text
    assert '<td class="num">2</td>' in text
    assert '<td class="num">1</td>' in text
    assert "text-bg-success" in text  # open
    assert "text-bg-secondary" in text  # draft


def test_empty_list_says_what_to_do(client, administrator):
    client.force_login(administrator)

    text = page_text(client.get(CALL_LIST))

    assert "Aucun appel à projets pour le moment." in text
    assert "Créer un appel" in text


def _calls_with_dossiers(count):
    for _ in range(count):
        call = CallFactory()
        DossierFactory(call=call)


def test_list_query_count_does_not_grow_with_the_calls(
    client, administrator, django_assert_max_num_queries
):
    client.force_login(administrator)
    _calls_with_dossiers(2)
    # Including the OTP device that verified the administrator's session.
    with django_assert_max_num_queries(5):
        assert client.get(CALL_LIST).status_code == 200

    _calls_with_dossiers(28)
    with django_assert_max_num_queries(5):
        response = client.get(CALL_LIST)
    assert response.content.decode().count("<tr>") == 31


def test_creating_a_call_stores_moroccan_time_as_utc(client, administrator):
    client.force_login(administrator)

    response = client.post(CALL_CREATE, _call_data())

    call = Call.objects.get(reference="aap-clusters-2024")
    assert response.url == _url("call_detail", call)
    assert call.status == CallStatus.DRAFT
    # 25 October 2024 is in Moroccan summer time (UTC+1).
    assert call.closes_at == datetime(2024, 10, 25, 14, 0, tzinfo=UTC)
    assert call.opens_at == datetime(2024, 9, 2, 8, 0, tzinfo=UTC)
    assert journal_for(call).get().action == "call.create"


def test_edit_form_shows_dates_in_moroccan_time(client, administrator):
    call = _draft(
        opens_at=datetime(2024, 9, 2, 8, 0, tzinfo=UTC),
        closes_at=datetime(2024, 10, 25, 14, 0, tzinfo=UTC),
    )
    client.force_login(administrator)

    text = page_text(client.get(_url("call_update", call)))

    assert 'type="datetime-local"' in text
    assert 'value="2024-10-25T15:00"' in text


def test_invalid_call_keeps_what_was_typed(client, administrator):
    client.force_login(administrator)

    response = client.post(
        CALL_CREATE, _call_data(closes_at="2024-09-01T15:00", title_fr="Mon appel à garder")
    )

    text = page_text(response)
    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in text
    assert 'value="Mon appel à garder"' in text
    assert not Call.objects.exists()


def test_specification_must_really_be_a_pdf(client, administrator):
    client.force_login(administrator)
    fake = SimpleUploadedFile("cahier.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    response = client.post(CALL_CREATE, {**_call_data(), "specification": fake})

    text = page_text(response)
    assert "Le cahier des charges doit être un fichier PDF." in text
    assert 'value="Appel à projets clusters 2024"' in text
    assert not Call.objects.exists()


def test_specification_over_20_mb_is_refused(client, administrator):
    client.force_login(administrator)
    big = SimpleUploadedFile(
        "cahier.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024), content_type="application/pdf"
    )

    response = client.post(CALL_CREATE, {**_call_data(), "specification": big})

    assert "dépasse 20 Mo" in page_text(response)
    assert not Call.objects.exists()


def test_specification_pdf_is_stored_with_a_pdf_name(client, administrator):
    client.force_login(administrator)
    pdf = SimpleUploadedFile("Cahier des charges.exe", b"%PDF-1.7 contenu")

    client.post(CALL_CREATE, {**_call_data(), "specification": pdf})

    call = Call.objects.get()
    assert call.specification.name.endswith(".pdf")
    assert call.specification.read() == b"%PDF-1.7 contenu"


def test_editing_a_call_keeps_its_specification(client, administrator):
    call = _draft()
    call.specification.save("cdc.pdf", SimpleUploadedFile("cdc.pdf", b"%PDF-1.4"), save=True)
    name = call.specification.name
    client.force_login(administrator)

    data = _call_data(reference=call.reference, title_fr="Titre corrigé")
    response = client.post(_url("call_update", call), data)

    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title == "Titre corrigé"
    assert call.specification.name == name


def test_specification_can_be_removed(client, administrator):
    call = _draft()
    call.specification.save("cdc.pdf", SimpleUploadedFile("cdc.pdf", b"%PDF-1.4"), save=True)
    client.force_login(administrator)

    data = _call_data(reference=call.reference, specification_clear="on")
    client.post(_url("call_update", call), data)

    call.refresh_from_db()
    assert not call.specification


def test_editing_a_published_call_does_not_move_its_deadline(client, administrator):
    call = CallFactory()
    deadline = call.closes_at
    client.force_login(administrator)

    form = page_text(client.get(_url("call_update", call)))
    data = _call_data(
        reference="autre-reference",
        title_fr="Titre corrigé",
        opens_at=timezone.localtime(call.opens_at).strftime("%Y-%m-%dT%H:%M"),
        closes_at="2099-01-01T15:00",
    )
    response = client.post(_url("call_update", call), data)

    assert "Prolonger ou modifier la clôture" in form
    assert response.status_code == 302, response.context["form"].errors
    call.refresh_from_db()
    assert call.title == "Titre corrigé"
    assert call.closes_at == deadline
    assert call.reference != "autre-reference"


def test_publishing_a_call(client, administrator):
    call = _draft()
    RequiredDocumentFactory(call=call)
    client.force_login(administrator)

    refused = client.post(_url("call_publish", call), follow=True)
    assert "pas traduits en arabe" in page_text(refused)
    response = client.post(_url("call_publish", call), {"without_arabic": "1"}, follow=True)

    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    text = page_text(response)
    assert "L'appel est publié" in text
    assert "Appel publié" in text  # the journal entry, in plain words


def test_publishing_without_documents_is_refused_with_a_message(client, administrator):
    call = _draft()
    client.force_login(administrator)

    response = client.post(_url("call_publish", call), follow=True)

    assert "Ajoutez au moins une pièce demandée avant de publier l'appel." in page_text(response)
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT


def test_publish_answers_only_to_post(client, administrator):
    call = _draft()
    client.force_login(administrator)

    assert client.get(_url("call_publish", call)).status_code == 405


def test_cloning_leads_to_the_new_draft_edit_page(client, administrator):
    source = CallFactory(reference="aap-clusters-2024", edition_year=2024)
    RequiredDocumentFactory(call=source, label="Statuts")
    client.force_login(administrator)

    response = client.post(_url("call_clone", source))

    clone = Call.objects.get(cloned_from=source)
    assert response.url == _url("call_update", clone)
    assert clone.status == CallStatus.DRAFT
    assert list(clone.required_documents.values_list("label", flat=True)) == ["Statuts"]


def test_deadline_change_is_journaled_and_directors_with_a_draft_are_told(
    client, administrator, director
):
    call = CallFactory()
    DossierFactory(call=call, cluster=ClusterFactory(owner=director))
    DossierFactory(call=call, status=DossierStatus.SUBMITTED, submitted_at=timezone.now())
    new_deadline = timezone.localtime(call.closes_at + timedelta(days=26)).replace(
        second=0, microsecond=0
    )
    client.force_login(administrator)

    response = client.post(
        _url("call_deadline", call),
        {
            "closes_at": new_deadline.strftime("%Y-%m-%dT%H:%M"),
            "reason": "Prolongation à la demande des clusters",
        },
        follow=True,
    )

    call.refresh_from_db()
    assert call.closes_at == new_deadline
    assert [message.to for message in mail.outbox] == [[director.email]]
    text = page_text(response)
    assert "Date de clôture modifiée" in text
    assert "Motif : Prolongation à la demande des clusters" in text


def test_deadline_change_needs_a_reason(client, administrator):
    call = CallFactory()
    deadline = call.closes_at
    client.force_login(administrator)

    response = client.post(
        _url("call_deadline", call),
        {"closes_at": timezone.localtime(deadline + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")},
    )

    assert "Indiquez le motif du changement de date." in page_text(response)
    call.refresh_from_db()
    assert call.closes_at == deadline


def test_deadline_page_of_a_draft_leads_to_the_edit_form(client, administrator):
    call = _draft()
    client.force_login(administrator)

    assert client.get(_url("call_deadline", call)).url == _url("call_update", call)


def test_adding_a_required_document(client, administrator):
    call = _draft()
    client.force_login(administrator)

    response = client.post(
        _url("document_create", call),
        {
            "part": "administrative",
            "label_fr": "Attestation de régularité fiscale",
            "help_text_fr": "Datée de moins de trois mois.",
            "mandatory": "on",
            "allowed_types": ["pdf", "jpg"],
            "max_size_mb": "5",
            "position": "3",
        },
    )

    assert response.url == _url("call_detail", call)
    document = call.required_documents.get()
    assert document.label == "Attestation de régularité fiscale"
    assert document.allowed_types == ["pdf", "jpg"]
    assert document.mandatory


def test_required_document_needs_an_allowed_type_and_a_sensible_size(client, administrator):
    call = _draft(max_dossier_size_mb=50)
    client.force_login(administrator)

    response = client.post(
        _url("document_create", call),
        {"part": "technical", "label_fr": "Plan d'action", "max_size_mb": "80", "position": "0"},
    )

    text = page_text(response)
    assert "Cochez au moins un type de fichier." in text
    assert "ne peut dépasser la taille maximum d'un dossier (50 Mo)" in text
    assert not call.required_documents.exists()


def test_editing_a_required_document(client, administrator):
    document = RequiredDocumentFactory(call=_draft(), label="Statuts", mandatory=True)
    client.force_login(administrator)

    client.post(
        _url("document_update", document.call, document.pk),
        {
            "part": "administrative",
            "label_fr": "Statuts signés",
            "allowed_types": ["pdf"],
            "max_size_mb": "5",
            "position": "1",
        },
    )

    document.refresh_from_db()
    assert document.label == "Statuts signés"
    assert not document.mandatory


def test_a_document_of_another_call_answers_404(client, administrator):
    document = RequiredDocumentFactory(call=_draft())
    other = _draft()
    client.force_login(administrator)

    assert client.get(_url("document_update", other, document.pk)).status_code == 404


def test_removing_a_required_document_of_a_draft(client, administrator):
    document = RequiredDocumentFactory(call=_draft())
    client.force_login(administrator)

    client.post(_url("document_delete", document.call, document.pk))

    assert not RequiredDocument.objects.exists()


def test_a_published_call_keeps_its_documents(client, administrator):
    document = RequiredDocumentFactory(call=CallFactory())
    client.force_login(administrator)

    response = client.post(_url("document_delete", document.call, document.pk), follow=True)

    assert "rendez la pièce facultative" in page_text(response)
    assert RequiredDocument.objects.filter(pk=document.pk).exists()


def test_call_page_shows_the_journal_as_a_timeline(client, administrator):
    call = call_save(actor=administrator, **_call_factory_fields())
    client.force_login(administrator)

    text = page_text(client.get(_url("call_detail", call)))

    assert "Appel créé" in text
    assert administrator.full_name in text


def _call_factory_fields():
    call = CallFactory.build(status=CallStatus.DRAFT)
    return {
        name: getattr(call, name)
        for name in (
            "reference",
            "title_fr",
            "edition_year",
            "description_fr",
            "opens_at",
            "closes_at",
        )
    } | {"budget_envelope": call.budget_envelope}


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
