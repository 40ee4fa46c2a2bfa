import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse

from accounts.tests.factories import AdministratorFactory, EvaluatorFactory
from applications.tests.factories import ClusterMemberFactory
from core.errors import ApplicationError
from core.journal import journal_for
from core.tests.client import page_text
from evaluation.models import AssignmentStatus, ConflictDeclaration
from evaluation.selectors.assignments import short_dossiers
from evaluation.services.assignment import (
    assignment_create,
    assignments_auto,
    interests_declare,
)
from evaluation.tests.factories import AssignmentFactory
from evaluation.tests.test_assignment import admissible_dossier, board_url, closed_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(administrator, evaluator):
    dossier = admissible_dossier(closed_call(), strategy="Stratégie confidentielle du cluster.")
    ClusterMemberFactory(cluster=dossier.cluster, name="Atlas Électronique SARL")
    ClusterMemberFactory(cluster=dossier.cluster, name="Université Hassan II")
    return assignment_create(actor=administrator, dossier=dossier, evaluator=evaluator)


def declare_url(assignment):
    return reverse("evaluation:declare", kwargs={"assignment_pk": assignment.pk})


# --- the service -----------------------------------------------------------------------


def test_no_conflict_activates_the_assignment(evaluator, assignment):
    interests_declare(actor=evaluator, assignment=assignment, has_conflict=False)

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE
    declaration = ConflictDeclaration.objects.get(evaluator=evaluator)
    assert declaration.cluster == assignment.dossier.cluster and not declaration.has_conflict
    assert journal_for(assignment).get().action == "assignment.accept"


def test_a_conflict_withdraws_the_assignment_and_tells_every_administrator(
    administrator, evaluator, assignment, django_capture_on_commit_callbacks
):
    second = AdministratorFactory()
    AdministratorFactory(is_active=False)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        interests_declare(
            actor=evaluator,
            assignment=assignment,
            has_conflict=True,
            statement="J'ai siégé au conseil d'administration.",
        )

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.WITHDRAWN_CONFLICT
    assert ConflictDeclaration.objects.get(evaluator=evaluator).has_conflict
    entry = journal_for(assignment).get()
    assert entry.action == "assignment.conflict"
    assert entry.message == "J'ai siégé au conseil d'administration."
    # The dossier's history, read by its director, keeps neither the name nor the statement.
    for dossier_entry in journal_for(assignment.dossier):
        assert "conseil" not in dossier_entry.message
        assert dossier_entry.actor != evaluator
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [administrator.email, second.email]
    )
    message = mail.outbox[0]
    assert assignment.dossier.reference in message.subject
    assert evaluator.full_name in message.body
    assert "J'ai siégé au conseil d'administration." in message.body
    assert board_url(assignment.dossier.call) in message.body
    assert list(short_dossiers(assignment.dossier.call)) == [assignment.dossier]


def test_a_conflict_needs_a_statement(evaluator, assignment):
    with pytest.raises(ApplicationError) as refused:
        interests_declare(actor=evaluator, assignment=assignment, has_conflict=True, statement=" ")

    assert refused.value.field == "statement"
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.AWAITING_DECLARATION


def test_only_the_assigned_evaluator_declares(request, assignment):
    for person in (EvaluatorFactory(), request.getfixturevalue("administrator")):
        with pytest.raises(ApplicationError):
            interests_declare(actor=person, assignment=assignment, has_conflict=False)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.AWAITING_DECLARATION
    assert not ConflictDeclaration.objects.exists()


def test_one_declares_once(evaluator, assignment):
    interests_declare(actor=evaluator, assignment=assignment, has_conflict=False)

    with pytest.raises(ApplicationError):
        interests_declare(actor=evaluator, assignment=assignment, has_conflict=True, statement="x")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE


def test_after_a_conflict_the_cluster_is_never_given_to_them_again(
    administrator, evaluator, assignment
):
    interests_declare(actor=evaluator, assignment=assignment, has_conflict=True, statement="Lien.")
    call = assignment.dossier.call

    created = assignments_auto(actor=administrator, call=call)

    assert created == []  # the only evaluator is the conflicted one
    other = EvaluatorFactory()
    created = assignments_auto(actor=administrator, call=call)
    assert [item.evaluator for item in created] == [other]
    # Nor in the next call, where the same cluster applies again.
    next_dossier = admissible_dossier(closed_call(), cluster=assignment.dossier.cluster)
    created = assignments_auto(actor=administrator, call=next_dossier.call)
    assert [item.evaluator for item in created] == [other]
    with pytest.raises(ApplicationError):
        assignment_create(actor=administrator, dossier=next_dossier, evaluator=evaluator)


# --- the page --------------------------------------------------------------------------


def test_the_page_shows_the_cluster_and_its_members_not_the_dossier(client, evaluator, assignment):
    client.force_login(evaluator)

    response = client.get(declare_url(assignment))
    text = page_text(response)

    assert response.status_code == 200
    assert assignment.dossier.cluster.name in text
    assert assignment.dossier.call.title in text
    assert "Atlas Électronique SARL" in text and "Université Hassan II" in text
    assert "Je déclare n'avoir aucun conflit d'intérêts avec ce cluster et ses membres" in text
    assert "J'ai un conflit d'intérêts" in text
    assert "Stratégie confidentielle" not in text


def test_declaring_no_conflict_opens_the_dossier(client, evaluator, assignment):
    client.force_login(evaluator)

    response = client.post(declare_url(assignment), {"decision": "none"})

    assert response.status_code == 302
    try:
        expected = reverse("evaluation:review", kwargs={"assignment_pk": assignment.pk})
    except NoReverseMatch:  # the workspace is built alongside
        expected = None
    if expected:
        assert response.url == expected
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE
    # Coming back to the page does not ask again.
    assert client.get(declare_url(assignment)).status_code == 302


def test_declaring_a_conflict_from_the_page(client, administrator, evaluator, assignment):
    client.force_login(evaluator)
    mail.outbox.clear()

    missing = client.post(declare_url(assignment), {"decision": "conflict", "statement": ""})
    assert missing.status_code == 200
    assert "Précisez la nature du conflit" in page_text(missing)
    response = client.post(
        declare_url(assignment),
        {"decision": "conflict", "statement": "Mon conjoint dirige un membre du cluster."},
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.WITHDRAWN_CONFLICT
    assert [message.to for message in mail.outbox] == [[administrator.email]]
    # The dossier is no longer theirs to open, and a second declaration sends nothing.
    assert client.get(declare_url(assignment)).status_code == 404
    again = client.post(declare_url(assignment), {"decision": "conflict", "statement": "Encore."})
    assert again.status_code == 404
    assert len(mail.outbox) == 1


def test_the_board_shows_the_conflict_and_the_short_dossier(
    client, administrator, evaluator, assignment
):
    interests_declare(actor=evaluator, assignment=assignment, has_conflict=True, statement="Lien.")
    client.force_login(administrator)

    response = client.get(board_url(assignment.dossier.call))
    text = page_text(response)

    assert f"{evaluator.full_name} : conflit d'intérêts déclaré" in text
    assert "Il manque 2 évaluateurs" in text
    (row,) = response.context["dossiers"]
    assert evaluator.pk not in [pk for pk, _label in row.add_form.fields["evaluator"].choices]


def test_the_form_needs_a_choice(client, evaluator, assignment):
    client.force_login(evaluator)

    response = client.post(declare_url(assignment), {})

    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in page_text(response)


def test_another_evaluator_gets_a_404(client, assignment):
    client.force_login(EvaluatorFactory())

    assert client.get(declare_url(assignment)).status_code == 404
    assert client.post(declare_url(assignment), {"decision": "none"}).status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.AWAITING_DECLARATION


def test_a_removed_assignment_is_not_found(client, evaluator):
    assignment = AssignmentFactory(
        dossier=admissible_dossier(closed_call()),
        evaluator=evaluator,
        status=AssignmentStatus.REMOVED,
    )
    client.force_login(evaluator)

    assert client.get(declare_url(assignment)).status_code == 404


@pytest.mark.parametrize("person", ["director", "committee_member", "administrator"])
def test_other_roles_are_refused(client, request, person, assignment):
    client.force_login(request.getfixturevalue(person))

    assert client.get(declare_url(assignment)).status_code == 403
    assert client.post(declare_url(assignment), {"decision": "none"}).status_code == 403
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.AWAITING_DECLARATION


def test_anonymous_visitors_are_asked_to_log_in(client, assignment):
    response = client.get(declare_url(assignment))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
