from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.tests.factories import DirectorFactory
from applications.models import (
    Call,
    CallStatus,
    ClusterMember,
    DocumentRequest,
    Dossier,
    DossierDocument,
    DossierStatus,
)
from applications.services.submission import dossier_submit
from applications.tests.builders import call_with_checklist, complete, draft_for
from applications.tests.factories import (
    CallFactory,
    ClusterFactory,
    DossierFactory,
    RequiredDocumentFactory,
)
from core.errors import ApplicationError
from core.journal import journal_for
from core.tests.client import page_text
from evaluation.services.admissibility import admissibility_declare, documents_request

pytestmark = pytest.mark.django_db


def _close(call):
    now = timezone.now()
    Call.objects.filter(pk=call.pk).update(
        opens_at=now - timedelta(days=60), closes_at=now - timedelta(hours=1)
    )


@pytest.fixture
def co_editor(director):
    return DirectorFactory(email="co-editeur@cluster-a.ma", full_name="Hind Berrada")


@pytest.fixture
def deposited(director, co_editor):
    """A complete dossier deposited before the deadline, the call still open."""
    dossier = complete(draft_for(director), director)
    dossier.cluster.co_editors.add(co_editor)
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    return Dossier.objects.get(pk=dossier.pk)


@pytest.fixture
def dossier(deposited):
    """The same dossier once the call is closed: waiting for its admissibility check."""
    _close(deposited.call)
    return Dossier.objects.select_related("call").get(pk=deposited.pk)


@pytest.fixture
def statuts(dossier):
    return dossier.call.required_documents.get(label="Statuts")


def _in_a_week():
    return timezone.now() + timedelta(days=7)


def _list_url(call):
    return reverse("evaluation:admissibility_list", args=[call.pk])


def _url(name, dossier):
    return reverse(f"evaluation:admissibility_{name}", args=[dossier.pk])


# Services


def test_declaring_admissible_is_journaled(dossier, administrator):
    admissibility_declare(
        actor=administrator, dossier=dossier, admissible=True, reason="Pièces conformes."
    )

    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.ADMISSIBLE
    entry = journal_for(dossier).get(action="dossier.declare_admissible")
    assert entry.actor == administrator
    assert entry.message == "Pièces conformes."
    assert (entry.from_state, entry.to_state) == (DossierStatus.SUBMITTED, DossierStatus.ADMISSIBLE)


def test_declaring_inadmissible_needs_a_reason(dossier, administrator):
    with pytest.raises(ApplicationError) as refused:
        admissibility_declare(actor=administrator, dossier=dossier, admissible=False, reason=" ")
    assert refused.value.field == "reason"
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED

    admissibility_declare(
        actor=administrator, dossier=dossier, admissible=False, reason="Moins de 15 membres."
    )

    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.INADMISSIBLE
    entry = journal_for(dossier).get(action="dossier.declare_inadmissible")
    assert entry.message == "Moins de 15 membres."


def test_no_decision_before_the_call_closes(deposited, administrator):
    with pytest.raises(ApplicationError) as refused:
        admissibility_declare(actor=administrator, dossier=deposited, admissible=True)

    assert refused.value.code == "not_closed"
    assert Dossier.objects.get(pk=deposited.pk).status == DossierStatus.SUBMITTED


@pytest.mark.parametrize("person", ["director", "evaluator", "committee_member"])
def test_only_administrators_decide(request, dossier, statuts, person):
    actor = request.getfixturevalue(person)

    with pytest.raises(ApplicationError):
        admissibility_declare(actor=actor, dossier=dossier, admissible=True)
    with pytest.raises(ApplicationError):
        documents_request(
            actor=actor,
            dossier=dossier,
            requirements=[statuts],
            message="x",
            reply_by=_in_a_week(),
        )

    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED


def test_a_request_for_documents_is_emailed_once_to_the_editors(
    dossier, statuts, administrator, director, co_editor, django_capture_on_commit_callbacks
):
    reply_by = datetime(2031, 6, 10, 14, 0, tzinfo=UTC)  # 15:00 in Morocco

    with django_capture_on_commit_callbacks(execute=True):
        request = documents_request(
            actor=administrator,
            dossier=dossier,
            requirements=[statuts],
            message="Les statuts fournis ne sont pas signés.",
            reply_by=reply_by,
        )

    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.DOCUMENTS_REQUESTED
    assert list(request.requirements.all()) == [statuts]
    assert request.created_by == administrator
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [director.email, co_editor.email]
    )
    body = mail.outbox[0].body
    assert dossier.reference in mail.outbox[0].subject
    assert "- Statuts" in body
    assert "Les statuts fournis ne sont pas signés." in body
    assert "10 juin 2031 à 15h00 (heure du Maroc)" in body
    assert reverse("applications:request_detail", kwargs={"pk": dossier.pk}) in body
    entry = journal_for(dossier).get(action="dossier.request_documents")
    assert entry.message == "Les statuts fournis ne sont pas signés."
    assert entry.data["requirements"] == ["Statuts"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"requirements": []}, "requirements"),
        ({"message": "  "}, "message"),
        ({"reply_by": "past"}, "reply_by"),
        ({"requirements": "foreign"}, "requirements"),
    ],
)
def test_an_incomplete_request_is_refused(dossier, statuts, administrator, change, field):
    arguments = {
        "requirements": [statuts],
        "message": "Statuts à signer.",
        "reply_by": _in_a_week(),
    }
    arguments.update(change)
    if arguments["reply_by"] == "past":
        arguments["reply_by"] = timezone.now() - timedelta(seconds=1)
    if arguments["requirements"] == "foreign":
        arguments["requirements"] = [RequiredDocumentFactory(call=CallFactory())]

    with pytest.raises(ApplicationError) as refused:
        documents_request(actor=administrator, dossier=dossier, **arguments)

    assert refused.value.field == field
    assert not DocumentRequest.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED
    assert mail.outbox == []


# The list


def test_before_the_call_closes_the_list_only_explains(client, administrator, deposited):
    client.force_login(administrator)

    response = client.get(_list_url(deposited.call))

    text = page_text(response)
    assert response.status_code == 200
    assert "L'appel n'est pas encore clôturé" in text
    assert deposited.reference not in text
    assert _url("detail", deposited) not in text


def test_the_breadcrumbs_name_the_call_by_its_title(client, administrator, dossier):
    call = dossier.call
    client.force_login(administrator)
    call_link = reverse("applications:backoffice_call_detail", args=[call.pk])

    for url in (_list_url(call), _url("detail", dossier)):
        breadcrumb = page_text(client.get(url)).split('class="breadcrumb"')[1].split("</ol>")[0]
        assert f'<a href="{call_link}">{escape(call.title)}</a>' in breadcrumb
        assert call.reference not in breadcrumb


def test_the_list_shows_waiting_and_decided_dossiers_with_the_precheck(
    client, administrator, dossier, outsider
):
    weak = draft_for(outsider, call=dossier.call, members=5)
    Dossier.objects.filter(pk=weak.pk).update(
        status=DossierStatus.SUBMITTED, submitted_at=timezone.now() - timedelta(days=2)
    )
    decided = DossierFactory(
        call=dossier.call, status=DossierStatus.INADMISSIBLE, submitted_at=timezone.now()
    )
    draft = DossierFactory(call=dossier.call)
    client.force_login(administrator)

    text = page_text(client.get(_list_url(dossier.call)))

    waiting_part, decided_part = text.split('id="decided-title"')
    assert dossier.reference in waiting_part and weak.reference in waiting_part
    assert decided.reference in decided_part
    assert draft.reference not in text
    assert "Conforme" in waiting_part
    assert "Il manque 10 membres" in waiting_part
    assert "Pièce obligatoire manquante : Statuts" in waiting_part


def _deposited_dossiers(call, count):
    for _index in range(count):
        cluster = ClusterFactory()
        ClusterMember.objects.bulk_create(
            ClusterMember(
                cluster=cluster, name=f"PME {n}", member_type="sme", city="Fès", joined_year=2020
            )
            for n in range(16)
        )
        DossierFactory(
            call=call,
            cluster=cluster,
            status=DossierStatus.SUBMITTED,
            submitted_at=timezone.now() - timedelta(days=3),
        )


def test_the_list_query_count_is_flat(client, administrator, django_assert_max_num_queries):
    call = call_with_checklist()
    _close(call)
    _deposited_dossiers(call, 1)
    client.force_login(administrator)
    with django_assert_max_num_queries(25) as baseline:
        client.get(_list_url(call))

    _deposited_dossiers(call, 8)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(_list_url(call))

    assert page_text(response).count(call.reference.upper()) == 9


# The dossier page and its decisions


def test_the_dossier_page_shows_content_precheck_files_and_timeline(client, administrator, dossier):
    client.force_login(administrator)
    document = dossier.documents.first()

    response = client.get(_url("detail", dossier))

    text = page_text(response)
    assert response.status_code == 200
    assert "Conforme" in text
    assert "Texte de la section perimetre." in text
    assert reverse("applications:document_download", args=[dossier.pk, document.pk]) in text
    assert "Dossier déposé" in text  # the timeline
    assert "Déclarer le dossier recevable" in text
    assert "Déclarer le dossier irrecevable" in text
    assert "Envoyer la demande" in text


def test_the_dossier_page_before_closure_offers_no_action(client, administrator, deposited):
    client.force_login(administrator)

    text = page_text(client.get(_url("detail", deposited)))
    refused = client.post(_url("accept", deposited), {"admissible-comment": ""}, follow=True)

    assert "la recevabilité se vérifie après la clôture" in text
    assert "Déclarer le dossier recevable" not in text
    assert "La recevabilité se vérifie après la clôture de l'appel" in page_text(refused)
    assert Dossier.objects.get(pk=deposited.pk).status == DossierStatus.SUBMITTED


def test_administrator_declares_admissible(client, administrator, dossier):
    client.force_login(administrator)

    response = client.post(_url("accept", dossier), {"admissible-comment": "Conforme."})

    assert response.status_code == 302
    assert response.url == _list_url(dossier.call)
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.ADMISSIBLE
    text = page_text(client.get(_url("detail", dossier)))
    assert "Dossier déclaré recevable" in text and "Conforme." in text
    assert "Déclarer le dossier recevable" not in text


def test_inadmissible_needs_a_reason_shown_on_the_timeline(client, administrator, dossier):
    client.force_login(administrator)

    empty = client.post(_url("reject", dossier), {"inadmissible-reason": ""})
    assert empty.status_code == 200
    assert "Indiquez le motif de l'irrecevabilité" in page_text(empty)
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED

    client.post(_url("reject", dossier), {"inadmissible-reason": "Attestation fiscale périmée."})

    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.INADMISSIBLE
    text = page_text(client.get(_url("detail", dossier)))
    assert "Dossier déclaré irrecevable" in text
    assert "Attestation fiscale périmée." in text


def test_administrator_requests_documents(
    client, administrator, dossier, statuts, director, co_editor
):
    client.force_login(administrator)

    response = client.post(
        _url("request", dossier),
        {
            "request-requirements": [statuts.pk],
            "request-message": "Merci de fournir les statuts signés.",
            "request-reply_by": "2031-06-10T15:00",
        },
    )

    assert response.status_code == 302
    request = DocumentRequest.objects.get(dossier=dossier)
    assert request.reply_by == datetime(2031, 6, 10, 14, 0, tzinfo=UTC)
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.DOCUMENTS_REQUESTED
    assert len(mail.outbox) == 2
    assert {message.to[0] for message in mail.outbox} == {director.email, co_editor.email}
    text = page_text(client.get(_url("detail", dossier)))
    assert "Compléments demandés au cluster" in text
    assert "En attente du cluster" in text
    # While the cluster answers, staff may only declare the dossier inadmissible.
    assert "Déclarer le dossier irrecevable" in text
    assert "Déclarer le dossier recevable" not in text
    assert "Envoyer la demande" not in text


def test_a_request_with_a_past_reply_by_date_is_refused(client, administrator, dossier, statuts):
    client.force_login(administrator)
    past = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(
        _url("request", dossier),
        {
            "request-requirements": [statuts.pk],
            "request-message": "Statuts.",
            "request-reply_by": past,
        },
    )

    assert response.status_code == 200
    assert "La date limite de réponse doit être dans le futur." in page_text(response)
    assert not DocumentRequest.objects.exists()
    assert mail.outbox == []


def test_the_answered_request_comes_back_to_the_list(client, administrator, dossier, statuts):
    documents_request(
        actor=administrator,
        dossier=dossier,
        requirements=[statuts],
        message="Statuts.",
        reply_by=_in_a_week(),
    )
    client.force_login(administrator)

    text = page_text(client.get(_list_url(dossier.call)))

    assert "Compléments demandés" in text
    assert "Réponse attendue avant le" in text


def test_a_draft_is_not_found(client, administrator, director):
    draft = draft_for(director)
    _close(draft.call)
    client.force_login(administrator)

    assert client.get(_url("detail", draft)).status_code == 404
    assert client.post(_url("accept", draft)).status_code == 404


def test_a_draft_call_has_no_admissibility_list(client, administrator):
    call = CallFactory(status=CallStatus.DRAFT, published_at=None)
    client.force_login(administrator)

    assert client.get(_list_url(call)).status_code == 404


def _pages(dossier, statuts):
    return [
        ("get", _list_url(dossier.call), {}),
        ("get", _url("detail", dossier), {}),
        ("post", _url("accept", dossier), {"admissible-comment": "ok"}),
        ("post", _url("reject", dossier), {"inadmissible-reason": "non"}),
        (
            "post",
            _url("request", dossier),
            {
                "request-requirements": [statuts.pk],
                "request-message": "x",
                "request-reply_by": "2031-06-10T15:00",
            },
        ),
    ]


@pytest.mark.parametrize("person", ["director", "outsider", "evaluator", "committee_member"])
def test_only_administrators_check_admissibility(client, request, dossier, statuts, person):
    client.force_login(request.getfixturevalue(person))

    for method, url, data in _pages(dossier, statuts):
        assert getattr(client, method)(url, data).status_code == 403, url
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED
    assert not DocumentRequest.objects.exists()


def test_anonymous_visitors_are_asked_to_log_in(client, dossier, statuts):
    for method, url, data in _pages(dossier, statuts):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


def test_a_missing_document_is_listed_by_the_precheck(client, administrator, dossier, statuts):
    DossierDocument.objects.filter(dossier=dossier, requirement=statuts).delete()
    client.force_login(administrator)

    text = page_text(client.get(_url("detail", dossier)))

    assert "Pièce obligatoire manquante : Statuts" in text
    assert "1 point à vérifier" in text
