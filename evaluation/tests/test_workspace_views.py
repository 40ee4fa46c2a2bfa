from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import EvaluatorFactory
from applications.models import Dossier, DossierStatus
from applications.services.submission import dossier_submit
from applications.tests.builders import PDF, complete, draft_for
from applications.tests.factories import DossierFactory
from core.tests.client import page_text
from evaluation.models import AssignmentStatus, Grid, Review, ReviewStatus
from evaluation.services.grid import grid_ensure
from evaluation.services.reviews import review_save, review_submit
from evaluation.tests.factories import AssignmentFactory, submitted_review

MIXED = [4, 3, 2, 1, 0, 4, 3, 2, 1]  # 57.50 / 100


@pytest.fixture
def dossier(director):
    """A complete dossier, submitted with its files, now under evaluation."""
    dossier = complete(draft_for(director), director)
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.UNDER_EVALUATION)
    grid = grid_ensure(call=dossier.call)
    grid.evaluation_deadline = timezone.now() + timedelta(days=10)
    grid.save()
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def assignment(dossier, evaluator):
    return AssignmentFactory(dossier=dossier, evaluator=evaluator)


def _criteria(dossier):
    return list(Grid.objects.get(call=dossier.call).criteria.all())


def _url(name, assignment, **kwargs):
    return reverse(f"evaluation:{name}", kwargs={"assignment_pk": assignment.pk, **kwargs})


def _post_data(dossier, notes, justification="Justifié par le dossier.", action="save"):
    data = {"action": action, "comment": "Cluster prometteur."}
    for criterion, note in zip(_criteria(dossier), notes, strict=True):
        data[f"score_{criterion.pk}"] = "" if note is None else str(note)
        data[f"justification_{criterion.pk}"] = justification if note is not None else ""
    return data


def _submitted(assignment, notes=MIXED):
    criteria = _criteria(assignment.dossier)
    scores = {c.pk: (note, "Justifié.") for c, note in zip(criteria, notes, strict=True)}
    review_save(actor=assignment.evaluator, assignment=assignment, scores=scores)
    return review_submit(actor=assignment.evaluator, assignment=assignment)


def _under_evaluation(**fields):
    return DossierFactory(
        status=DossierStatus.UNDER_EVALUATION, submitted_at=timezone.now(), **fields
    )


# The queue


@pytest.mark.django_db
def test_the_queue_is_for_evaluators_only(client, director, committee_member):
    url = reverse("evaluation:queue")

    assert client.get(url).url.startswith(reverse("accounts:login"))
    for person in (director, committee_member):
        client.force_login(person)
        assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_an_empty_queue_says_what_happens_next(client, evaluator):
    client.force_login(evaluator)

    page = page_text(client.get(reverse("evaluation:queue")))

    assert "Aucun dossier ne vous est attribué pour le moment." in page


@pytest.mark.django_db
def test_the_queue_shows_each_assignment_state(client, evaluator, assignment):
    call = assignment.dossier.call
    waiting = AssignmentFactory(
        dossier=_under_evaluation(call=call),
        evaluator=evaluator,
        status=AssignmentStatus.AWAITING_DECLARATION,
    )
    draft = AssignmentFactory(dossier=_under_evaluation(call=call), evaluator=evaluator)
    review_save(actor=evaluator, assignment=draft, scores={_criteria(draft.dossier)[0].pk: (2, "")})
    done = AssignmentFactory(dossier=_under_evaluation(call=call), evaluator=evaluator)
    submitted_review(done, [4] * 9)
    withdrawn = AssignmentFactory(
        dossier=_under_evaluation(call=call),
        evaluator=evaluator,
        status=AssignmentStatus.WITHDRAWN_CONFLICT,
    )
    someone_else = AssignmentFactory(dossier=_under_evaluation(call=call))
    client.force_login(evaluator)

    response = client.get(reverse("evaluation:queue"))
    page = page_text(response)

    assert "À évaluer" in page
    assert "Brouillon" in page
    assert "100,00 / 100" in page
    assert _url("declare", waiting) in page
    assert _url("review", assignment) in page
    assert _url("review", draft) in page
    assert withdrawn.dossier.reference not in page
    assert someone_else.dossier.reference not in page
    assert "Clôture le" in page  # the evaluation deadline, with its countdown


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 20])
def test_the_queue_costs_the_same_queries_for_few_or_many(
    client, evaluator, dossier, count, django_assert_max_num_queries
):
    for index in range(count):
        assignment = AssignmentFactory(
            dossier=_under_evaluation(call=dossier.call), evaluator=evaluator
        )
        if index % 2:
            submitted_review(assignment, MIXED)
    client.force_login(evaluator)

    # Session, user, the evaluator's permissions (two) and the queue: one query for its
    # assignments with their dossier, cluster, call, deadline and review.
    with django_assert_max_num_queries(5):
        response = client.get(reverse("evaluation:queue"))

    assert response.status_code == 200
    # One row a dossier, below the head row.
    assert response.content.count(b"<tr>") == count + 1


@pytest.mark.django_db
def test_the_queue_shows_a_new_assignment_a_submitted_review_and_a_new_deadline_at_once(
    client, evaluator, assignment
):
    client.force_login(evaluator)
    url = reverse("evaluation:queue")
    first = page_text(client.get(url))
    assert "Déclaration d'intérêts attendue" in first or "À évaluer" in first

    submitted_review(assignment, MIXED)
    assert "Soumise" in page_text(client.get(url))

    other = AssignmentFactory(
        dossier=_under_evaluation(call=assignment.dossier.call), evaluator=evaluator
    )
    assert other.dossier.reference in page_text(client.get(url))

    grid = grid_ensure(call=assignment.dossier.call)
    grid.evaluation_deadline = timezone.now() + timedelta(days=40)
    grid.save()
    later = timezone.localtime(grid.evaluation_deadline)
    assert later.strftime("%Hh%M") in page_text(client.get(url))


@pytest.mark.django_db
def test_each_evaluator_sees_only_their_own_queue(client, evaluator, assignment):
    client.force_login(evaluator)
    assert assignment.dossier.reference in page_text(client.get(reverse("evaluation:queue")))
    client.force_login(EvaluatorFactory())

    assert assignment.dossier.reference not in page_text(client.get(reverse("evaluation:queue")))


# The workspace: who may open it


@pytest.mark.django_db
def test_the_evaluator_sees_the_dossier_and_the_grid(client, evaluator, assignment, dossier):
    client.force_login(evaluator)

    response = client.get(_url("review", assignment))
    page = page_text(response)

    assert response.status_code == 200
    assert "Texte de la section perimetre." in page
    assert "Plateforme de tests photovoltaïques" in page
    for criterion in _criteria(dossier):
        assert criterion.label in page
    assert "3 — Bon" in page
    assert "js/scoring.js" in page
    document = dossier.documents.first()
    assert _url("document", assignment, document_pk=document.pk) in page
    assert "/dossiers/" not in page  # no link to the director's pages


@pytest.mark.django_db
def test_an_evaluator_who_has_not_declared_goes_to_the_declaration(client, evaluator, dossier):
    waiting = AssignmentFactory(
        dossier=dossier, evaluator=evaluator, status=AssignmentStatus.AWAITING_DECLARATION
    )
    document = dossier.documents.first()
    client.force_login(evaluator)

    assert client.get(_url("review", waiting)).url == _url("declare", waiting)
    assert client.get(_url("document", waiting, document_pk=document.pk)).url == _url(
        "declare", waiting
    )


@pytest.mark.django_db
def test_nobody_else_opens_the_workspace_or_the_files(
    client, assignment, dossier, director, committee_member, administrator
):
    document = dossier.documents.first()
    withdrawn = AssignmentFactory(
        dossier=dossier, evaluator=EvaluatorFactory(), status=AssignmentStatus.WITHDRAWN_CONFLICT
    )
    other = AssignmentFactory(dossier=_under_evaluation(), evaluator=EvaluatorFactory())
    urls = [
        _url("review", assignment),
        _url("review_submit", assignment),
        _url("document", assignment, document_pk=document.pk),
    ]

    for person in (director, committee_member, administrator, other.evaluator):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 404, (person, url)
    client.force_login(withdrawn.evaluator)
    assert client.get(_url("review", withdrawn)).status_code == 404
    assert client.get(_url("document", withdrawn, document_pk=document.pk)).status_code == 404
    client.logout()
    assert client.get(urls[0]).url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_the_evaluator_downloads_a_file_of_the_dossier(client, evaluator, assignment, dossier):
    document = dossier.documents.first()
    stranger = _under_evaluation()
    client.force_login(evaluator)

    response = client.get(_url("document", assignment, document_pk=document.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert document.original_name in response["Content-Disposition"]
    assert client.get(_url("document", assignment, document_pk=99999)).status_code == 404
    assert stranger.documents.count() == 0


# Scoring


@pytest.mark.django_db
def test_a_draft_is_saved(client, evaluator, assignment, dossier):
    client.force_login(evaluator)

    response = client.post(_url("review", assignment), _post_data(dossier, [3, 2] + [None] * 7))

    assert response.url == _url("review", assignment)
    review = Review.objects.get(assignment=assignment)
    assert review.status == ReviewStatus.DRAFT
    assert sorted(review.scores.values_list("value", flat=True)) == [2, 3]
    assert review.comment == "Cluster prometteur."
    page = page_text(client.get(response.url))
    assert "Votre brouillon est enregistré." in page
    assert "Justifié par le dossier." in page


@pytest.mark.django_db
def test_an_incomplete_submission_keeps_what_was_typed(client, evaluator, assignment, dossier):
    first, second, third, *_rest = _criteria(dossier)
    data = _post_data(dossier, [3, 2] + [None] * 7, action="submit")
    data[f"justification_{second.pk}"] = ""
    client.force_login(evaluator)

    response = client.post(_url("review", assignment), data)
    page = page_text(response)

    assert response.status_code == 200
    assert "L'évaluation n'a pas été soumise" in page
    assert f"{second.label} : Justifiez la note de ce critère." in page
    assert f"{third.label} : Choisissez une note et justifiez-la." in page
    assert "Justifié par le dossier." in page
    assert f'id="id_score_{first.pk}_3" value="3" checked' in page
    assert Review.objects.get().status == ReviewStatus.DRAFT


@pytest.mark.django_db
def test_a_justification_without_a_note_is_given_back(client, evaluator, assignment, dossier):
    first = _criteria(dossier)[0]
    data = _post_data(dossier, [None] * 9)
    data[f"justification_{first.pk}"] = "Mon analyse détaillée."
    client.force_login(evaluator)

    response = client.post(_url("review", assignment), data)

    assert response.status_code == 200
    assert "Mon analyse détaillée." in page_text(response)
    assert "choisissez une note" in page_text(response)


@pytest.mark.django_db
def test_an_evaluator_submits_after_confirming(client, evaluator, assignment, dossier):
    client.force_login(evaluator)

    response = client.post(_url("review", assignment), _post_data(dossier, MIXED, action="submit"))
    assert response.url == _url("review_submit", assignment)
    confirmation = page_text(client.get(response.url))
    assert "57,50 / 100" in confirmation
    assert "La soumission est définitive" in confirmation
    assert Review.objects.get().status == ReviewStatus.DRAFT

    response = client.post(_url("review_submit", assignment))

    assert response.url == _url("review", assignment)
    review = Review.objects.get()
    assert review.status == ReviewStatus.SUBMITTED
    assert review.total == Decimal("57.50")
    assert Grid.objects.get(call=dossier.call).is_frozen
    page = page_text(client.get(response.url))
    assert "Votre évaluation est soumise." in page
    assert "57,50 / 100" in page
    assert "Demander la réouverture" in page
    assert 'type="radio"' not in page
    assert "js/scoring.js" not in page


@pytest.mark.django_db
def test_the_confirmation_page_sends_an_incomplete_review_back(client, evaluator, assignment):
    client.force_login(evaluator)

    response = client.get(_url("review_submit", assignment))

    assert response.url == _url("review", assignment)
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_a_submitted_review_cannot_be_changed_by_posting(client, evaluator, assignment, dossier):
    _submitted(assignment)
    client.force_login(evaluator)

    response = client.post(_url("review", assignment), _post_data(dossier, [4] * 9))

    assert response.url == _url("review", assignment)
    assert Review.objects.get().total == Decimal("57.50")


@pytest.mark.django_db
def test_an_evaluator_never_sees_another_evaluators_scores(client, evaluator, assignment, dossier):
    other = submitted_review(AssignmentFactory(dossier=dossier), [1] * 9, comment="Avis secret.")
    other.scores.update(justification="Analyse confidentielle de l'autre évaluateur.")
    client.force_login(evaluator)

    pages = [
        page_text(client.get(_url("review", assignment))),
        page_text(client.get(reverse("evaluation:queue"))),
    ]
    _submitted(assignment, [4] * 9)
    pages.append(page_text(client.get(_url("review", assignment))))

    for page in pages:
        assert "Analyse confidentielle" not in page
        assert "Avis secret." not in page
        assert "25,00" not in page


# Reopening


@pytest.mark.django_db
def test_the_evaluator_asks_for_a_reopening(client, evaluator, assignment, administrator):
    _submitted(assignment)
    client.force_login(evaluator)
    url = _url("review_reopen_request", assignment)

    refused = client.post(url, {"reason": ""})
    assert mail.outbox == []
    assert "Indiquez le motif" in page_text(client.get(refused.url))

    response = client.post(url, {"reason": "Erreur au critère 4."})

    assert administrator.email in {message.to[0] for message in mail.outbox}
    page = page_text(client.get(response.url))
    assert "Votre demande est envoyée" in page
    assert "Vous avez demandé la réouverture" in page


@pytest.mark.django_db
def test_only_administrators_open_the_reopening_page(
    client, evaluator, assignment, director, committee_member
):
    review = _submitted(assignment)
    url = reverse("evaluation:review_reopen", kwargs={"review_pk": review.pk})

    for person in (evaluator, director, committee_member):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "x"}).status_code == 403
    assert Review.objects.get().status == ReviewStatus.SUBMITTED


@pytest.mark.django_db
def test_an_administrator_reopens_a_review(client, evaluator, assignment, administrator):
    review = _submitted(assignment)
    client.force_login(evaluator)
    client.post(_url("review_reopen_request", assignment), {"reason": "Erreur au critère 4."})
    mail.outbox.clear()
    client.force_login(administrator)
    url = reverse("evaluation:review_reopen", kwargs={"review_pk": review.pk})

    page = page_text(client.get(url))
    assert "Erreur au critère 4." in page
    assert "57,50 / 100" in page
    missing_reason = client.post(url, {"reason": ""})
    assert missing_reason.status_code == 200
    assert Review.objects.get().status == ReviewStatus.SUBMITTED

    response = client.post(url, {"reason": "Critère 4 à revoir."})

    assert response.url == url
    assert Review.objects.get().status == ReviewStatus.DRAFT
    assert [message.to for message in mail.outbox] == [[evaluator.email]]
    client.force_login(evaluator)
    page = page_text(client.get(_url("review", assignment)))
    assert 'type="radio"' in page
    assert "Justifié." in page


@pytest.mark.django_db
def test_opening_a_dossier_to_score_writes_nothing(client, evaluator, assignment):
    """A GET never writes: the grid is read with the assignment, not made on the way."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(evaluator)
    url = reverse("evaluation:review", args=[assignment.pk])
    client.get(url)  # the session settles
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert "Total pondéré" in page_text(response)
    written = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE", "SAVEPOINT")
    ]
    assert written == []
