from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import DirectorFactory
from applications.models import Call, DocumentRequest, Dossier, DossierStatus
from applications.services.requests import request_answer, request_document_upload
from applications.services.submission import dossier_submit, dossier_transition
from applications.tests.builders import PDF, complete, draft_for, pdf_file
from applications.views.requests import request_panel
from core.errors import ApplicationError
from core.journal import journal_for
from core.tests.client import page_text

pytestmark = pytest.mark.django_db

NEW_PDF = PDF + b"% version corrigee\n"


def _url(name, dossier, **kwargs):
    return reverse(f"applications:{name}", kwargs={"pk": dossier.pk, **kwargs})


@pytest.fixture
def co_editor(director):
    return DirectorFactory(email="co-editeur@cluster-a.ma", full_name="Hind Berrada")


@pytest.fixture
def dossier(director, co_editor):
    """A dossier deposited before the call closed, now waiting for its admissibility check."""
    dossier = complete(draft_for(director), director)
    dossier.cluster.co_editors.add(co_editor)
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    now = timezone.now()
    Call.objects.filter(pk=dossier.call_id).update(
        opens_at=now - timedelta(days=60), closes_at=now - timedelta(hours=1)
    )
    return Dossier.objects.get(pk=dossier.pk)


@pytest.fixture
def statuts(dossier):
    return dossier.call.required_documents.get(label="Statuts")


@pytest.fixture
def presentation(dossier):
    return dossier.call.required_documents.get(label="Présentation du cluster")


@pytest.fixture
def document_request(dossier, statuts, administrator):
    """The ministry asks for the statutes again, within three days."""
    dossier_transition(
        actor=administrator,
        dossier=dossier,
        action="request_documents",
        message="Statuts signés manquants.",
    )
    request = DocumentRequest.objects.create(
        dossier=dossier,
        message="Merci de déposer les statuts signés et paraphés.",
        reply_by=timezone.now() + timedelta(days=3),
        created_by=administrator,
    )
    request.requirements.set([statuts])
    return request


def _sha(dossier, requirement):
    return dossier.documents.get(requirement=requirement).sha256


# Services


def test_director_and_co_editor_replace_a_requested_document(
    dossier, document_request, statuts, director, co_editor
):
    before = _sha(dossier, statuts)

    request_document_upload(
        actor=director,
        dossier=dossier,
        requirement=statuts,
        uploaded=pdf_file("statuts-signes.pdf", NEW_PDF),
    )
    document = dossier.documents.get(requirement=statuts)
    assert document.original_name == "statuts-signes.pdf"
    assert document.sha256 != before
    assert dossier.documents.filter(requirement=statuts).count() == 1

    request_document_upload(
        actor=co_editor, dossier=dossier, requirement=statuts, uploaded=pdf_file("v3.pdf")
    )
    assert dossier.documents.get(requirement=statuts).original_name == "v3.pdf"


def test_a_document_not_requested_cannot_be_changed(
    dossier, document_request, presentation, director
):
    before = _sha(dossier, presentation)

    with pytest.raises(ApplicationError) as refused:
        request_document_upload(
            actor=director,
            dossier=dossier,
            requirement=presentation,
            uploaded=pdf_file("autre.pdf", NEW_PDF),
        )

    assert refused.value.code == "not_requested"
    assert _sha(dossier, presentation) == before


def test_upload_one_second_after_the_reply_by_date_is_refused(
    dossier, document_request, statuts, director
):
    before = _sha(dossier, statuts)
    late = document_request.reply_by + timedelta(seconds=1)

    with pytest.raises(ApplicationError) as refused:
        request_document_upload(
            actor=director,
            dossier=dossier,
            requirement=statuts,
            uploaded=pdf_file("tard.pdf", NEW_PDF),
            now=late,
        )

    assert refused.value.code == "deadline"
    assert _sha(dossier, statuts) == before


def test_upload_just_before_the_reply_by_date_is_accepted(
    dossier, document_request, statuts, director
):
    just_in_time = document_request.reply_by - timedelta(seconds=1)

    request_document_upload(
        actor=director,
        dossier=dossier,
        requirement=statuts,
        uploaded=pdf_file("a-temps.pdf", NEW_PDF),
        now=just_in_time,
    )

    assert dossier.documents.get(requirement=statuts).original_name == "a-temps.pdf"


@pytest.mark.parametrize("person", ["outsider", "administrator", "evaluator"])
def test_only_the_cluster_editors_may_upload(request, dossier, document_request, statuts, person):
    before = _sha(dossier, statuts)

    with pytest.raises(ApplicationError) as refused:
        request_document_upload(
            actor=request.getfixturevalue(person),
            dossier=dossier,
            requirement=statuts,
            uploaded=pdf_file("intrus.pdf", NEW_PDF),
        )

    assert refused.value.code == "forbidden"
    assert _sha(dossier, statuts) == before


def test_upload_without_a_request_is_refused(dossier, statuts, director):
    with pytest.raises(ApplicationError) as refused:
        request_document_upload(
            actor=director, dossier=dossier, requirement=statuts, uploaded=pdf_file()
        )

    assert refused.value.code == "no_request"


def test_the_answer_sends_the_dossier_back_to_submitted(
    dossier, document_request, statuts, director
):
    request_document_upload(
        actor=director, dossier=dossier, requirement=statuts, uploaded=pdf_file("s.pdf", NEW_PDF)
    )

    request_answer(actor=director, dossier=dossier)

    dossier.refresh_from_db()
    document_request.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert document_request.answered_at is not None
    entry = journal_for(dossier).get(action="dossier.documents_sent")
    assert entry.from_state == DossierStatus.DOCUMENTS_REQUESTED
    assert entry.to_state == DossierStatus.SUBMITTED
    assert "Statuts" in entry.message
    assert entry.data["files"][0]["name"] == "s.pdf"


def test_the_answer_needs_at_least_one_new_document(dossier, document_request, director):
    with pytest.raises(ApplicationError) as refused:
        request_answer(actor=director, dossier=dossier)

    assert refused.value.code == "nothing_provided"
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.DOCUMENTS_REQUESTED


def test_the_answer_after_the_reply_by_date_is_refused(
    dossier, document_request, statuts, director
):
    request_document_upload(
        actor=director, dossier=dossier, requirement=statuts, uploaded=pdf_file("s.pdf", NEW_PDF)
    )

    with pytest.raises(ApplicationError):
        request_answer(
            actor=director, dossier=dossier, now=document_request.reply_by + timedelta(seconds=1)
        )

    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.DOCUMENTS_REQUESTED


def test_an_answered_request_accepts_no_more_files(dossier, document_request, statuts, director):
    request_document_upload(
        actor=director, dossier=dossier, requirement=statuts, uploaded=pdf_file("s.pdf", NEW_PDF)
    )
    request_answer(actor=director, dossier=dossier)

    with pytest.raises(ApplicationError):
        request_document_upload(
            actor=director, dossier=dossier, requirement=statuts, uploaded=pdf_file("encore.pdf")
        )

    assert dossier.documents.get(requirement=statuts).original_name == "s.pdf"


# Views


def test_director_reads_the_request_and_its_deadline(client, dossier, document_request, director):
    client.force_login(director)

    response = client.get(_url("request_detail", dossier))

    text = page_text(response)
    assert response.status_code == 200
    assert "Merci de déposer les statuts signés et paraphés." in text
    assert "Statuts" in text
    assert "Présentation du cluster" not in text
    assert "data-deadline" in text
    assert "0 pièce(s) déposée(s) sur 1" in text
    assert (
        _url("request_upload", dossier, requirement_pk=document_request.requirements.get().pk)
        in text
    )
    assert "Renvoyer le dossier au ministère" in text


def test_director_uploads_then_sends_the_dossier_back(
    client, dossier, document_request, statuts, director
):
    client.force_login(director)

    upload = client.post(
        _url("request_upload", dossier, requirement_pk=statuts.pk),
        {"file": pdf_file("statuts-signes.pdf", NEW_PDF)},
    )
    assert upload.status_code == 302
    assert "1 pièce(s) déposée(s) sur 1" in page_text(client.get(_url("request_detail", dossier)))

    answer = client.post(_url("request_answer", dossier))

    assert answer.status_code == 302
    assert answer.url == _url("dossier_detail", dossier)
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED
    page = page_text(client.get(_url("request_detail", dossier)))
    assert "Vous avez renvoyé le dossier au ministère" in page
    assert _url("request_upload", dossier, requirement_pk=statuts.pk) not in page
    assert "Remplacer le fichier" not in page


def test_a_refused_file_says_why_on_the_page(client, dossier, document_request, statuts, director):
    client.force_login(director)
    before = _sha(dossier, statuts)

    response = client.post(
        _url("request_upload", dossier, requirement_pk=statuts.pk),
        {"file": pdf_file("statuts.exe", b"MZ\x90\x00")},
    )

    assert response.status_code == 200
    assert "Le fichier n'a pas été enregistré" in page_text(response)
    assert "n'est pas accepté" in page_text(response)
    assert _sha(dossier, statuts) == before


def test_upload_of_an_item_not_requested_is_refused_with_a_message(
    client, dossier, document_request, presentation, director
):
    client.force_login(director)
    before = _sha(dossier, presentation)

    response = client.post(
        _url("request_upload", dossier, requirement_pk=presentation.pk),
        {"file": pdf_file("p.pdf", NEW_PDF)},
        follow=True,
    )

    assert "Le ministère n'a pas demandé cette pièce" in page_text(response)
    assert _sha(dossier, presentation) == before


def test_after_the_reply_by_date_the_page_is_read_only(
    client, dossier, document_request, statuts, director
):
    DocumentRequest.objects.filter(pk=document_request.pk).update(
        reply_by=timezone.now() - timedelta(seconds=1)
    )
    before = _sha(dossier, statuts)
    client.force_login(director)

    page = page_text(client.get(_url("request_detail", dossier)))
    upload = client.post(
        _url("request_upload", dossier, requirement_pk=statuts.pk),
        {"file": pdf_file("tard.pdf", NEW_PDF)},
        follow=True,
    )

    assert "Le délai de réponse a expiré" in page
    assert "Remplacer le fichier" not in page
    assert "Renvoyer le dossier au ministère</button>" not in page
    assert "Le délai de réponse est passé" in page_text(upload)
    assert _sha(dossier, statuts) == before
    client.post(_url("request_answer", dossier))
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.DOCUMENTS_REQUESTED


@pytest.mark.parametrize("person", ["outsider", "evaluator", "committee_member"])
def test_others_cannot_see_or_upload(client, request, dossier, document_request, statuts, person):
    client.force_login(request.getfixturevalue(person))
    before = _sha(dossier, statuts)

    assert client.get(_url("request_detail", dossier)).status_code == 404
    upload = client.post(
        _url("request_upload", dossier, requirement_pk=statuts.pk),
        {"file": pdf_file("intrus.pdf", NEW_PDF)},
    )
    assert upload.status_code == 404
    assert client.post(_url("request_answer", dossier)).status_code == 404
    assert _sha(dossier, statuts) == before
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.DOCUMENTS_REQUESTED


def test_administrator_reads_the_request_but_cannot_answer_it(
    client, dossier, document_request, statuts, administrator
):
    client.force_login(administrator)
    before = _sha(dossier, statuts)

    page = page_text(client.get(_url("request_detail", dossier)))
    client.post(
        _url("request_upload", dossier, requirement_pk=statuts.pk),
        {"file": pdf_file("admin.pdf", NEW_PDF)},
    )

    assert "Lecture seule" in page
    assert "Remplacer le fichier" not in page
    assert _sha(dossier, statuts) == before


def test_anonymous_visitors_are_asked_to_log_in(client, dossier, document_request, statuts):
    for response in (
        client.get(_url("request_detail", dossier)),
        client.post(_url("request_upload", dossier, requirement_pk=statuts.pk)),
        client.post(_url("request_answer", dossier)),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_a_dossier_without_request_has_no_request_page(client, dossier, director):
    client.force_login(director)

    assert client.get(_url("request_detail", dossier)).status_code == 404


# The panel on the dossier page


def _panel(user, dossier):
    http_request = RequestFactory().get("/")
    http_request.user = user
    return request_panel(http_request, dossier=Dossier.objects.get(pk=dossier.pk))


def test_panel_links_the_editors_to_the_open_request(
    dossier, document_request, director, co_editor
):
    panel = _panel(director, dossier)

    assert panel["document_request"] == document_request
    assert _panel(co_editor, dossier) is not None
    html = render_to_string("applications/requests/_panel.html", {"panel": panel})
    assert _url("request_detail", dossier) in html
    assert "1 pièce est à ajouter ou à remplacer" in html


def test_panel_is_hidden_without_an_open_request(
    dossier, document_request, director, administrator
):
    assert _panel(administrator, dossier) is None
    DocumentRequest.objects.filter(pk=document_request.pk).update(
        reply_by=timezone.now() - timedelta(seconds=1)
    )
    assert _panel(director, dossier) is None


def test_panel_is_hidden_for_a_dossier_without_request(dossier, director):
    assert _panel(director, dossier) is None
