from datetime import timedelta
from itertools import count

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import EvaluatorFactory
from applications.models import DossierStatus
from applications.tests.factories import (
    CallFactory,
    ClusterFactory,
    DossierFactory,
)
from core.errors import ApplicationError
from core.journal import journal_for
from core.tests.client import page_text
from evaluation.models import Assignment, AssignmentStatus, ConflictDeclaration, Criterion
from evaluation.selectors.assignments import short_dossiers
from evaluation.services.assignment import (
    assignment_create,
    assignment_remove,
    assignments_auto,
)
from evaluation.services.grid import grid_ensure
from evaluation.tests.factories import AssignmentFactory, submitted_review
from evaluation.views.assignment import call_panel

pytestmark = pytest.mark.django_db

_minutes = count(1)


def closed_call(**fields):
    call = CallFactory(
        opens_at=timezone.now() - timedelta(days=60),
        closes_at=timezone.now() - timedelta(days=1),
        **fields,
    )
    grid_ensure(call=call)
    return call


def admissible_dossier(call, status=DossierStatus.ADMISSIBLE, **fields):
    cluster = fields.pop("cluster", None) or ClusterFactory()
    return DossierFactory(
        call=call,
        cluster=cluster,
        status=status,
        submitted_at=timezone.now() - timedelta(days=2, minutes=next(_minutes)),
        **fields,
    )


def conflict(evaluator, cluster):
    return ConflictDeclaration.objects.create(
        evaluator=evaluator,
        cluster=cluster,
        has_conflict=True,
        kind="employment",
        statement="Ancien salarié.",
    )


def live(dossier):
    return Assignment.objects.filter(
        dossier=dossier,
        status__in=[AssignmentStatus.AWAITING_DECLARATION, AssignmentStatus.ACTIVE],
    )


def board_url(call):
    return reverse("evaluation:assignments", kwargs={"call_pk": call.pk})


# --- assignment_create -----------------------------------------------------------------


def test_administrator_assigns_an_evaluator_who_is_told_by_email(
    administrator, evaluator, django_capture_on_commit_callbacks
):
    call = closed_call()
    grid = call.grid
    grid.evaluation_deadline = timezone.now() + timedelta(days=20)
    grid.save()
    dossier = admissible_dossier(call)

    with django_capture_on_commit_callbacks(execute=True):
        assignment = assignment_create(actor=administrator, dossier=dossier, evaluator=evaluator)

    assert assignment.status == AssignmentStatus.AWAITING_DECLARATION
    assert assignment.assigned_by == administrator
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.UNDER_EVALUATION
    actions = [entry.action for entry in journal_for(dossier)]
    assert "assignment.create" in actions and "dossier.start_evaluation" in actions
    # The dossier's history is read by its director: it does not name the evaluator.
    assert all(evaluator.full_name not in entry.message for entry in journal_for(dossier))
    (message,) = mail.outbox
    assert message.to == [evaluator.email]
    assert dossier.reference in message.subject
    assert dossier.cluster.name in message.body and call.title in message.body
    assert "/evaluation/mes-evaluations/" in message.body
    assert str(grid.evaluation_deadline.year) in message.body


def test_a_second_evaluator_leaves_a_dossier_under_evaluation(administrator, evaluator):
    call = closed_call()
    dossier = admissible_dossier(call)
    assignment_create(actor=administrator, dossier=dossier, evaluator=evaluator)
    assignment_create(actor=administrator, dossier=dossier, evaluator=EvaluatorFactory())

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.UNDER_EVALUATION
    assert live(dossier).count() == 2


@pytest.mark.parametrize("person", ["director", "evaluator", "committee_member"])
def test_only_administrators_assign(request, person):
    dossier = admissible_dossier(closed_call())

    with pytest.raises(ApplicationError):
        assignment_create(
            actor=request.getfixturevalue(person), dossier=dossier, evaluator=EvaluatorFactory()
        )
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    "status", [DossierStatus.SUBMITTED, DossierStatus.INADMISSIBLE, DossierStatus.SELECTED]
)
def test_only_admissible_dossiers_receive_evaluators(administrator, evaluator, status):
    dossier = admissible_dossier(closed_call(), status=status)

    with pytest.raises(ApplicationError) as refused:
        assignment_create(actor=administrator, dossier=dossier, evaluator=evaluator)
    assert refused.value.code == "not_assignable"


def test_only_active_evaluators_are_assigned(administrator, committee_member):
    dossier = admissible_dossier(closed_call())

    for person in (committee_member, EvaluatorFactory(is_active=False)):
        with pytest.raises(ApplicationError):
            assignment_create(actor=administrator, dossier=dossier, evaluator=person)
    assert not Assignment.objects.exists()


def test_a_declared_conflict_blocks_the_assignment(administrator, evaluator):
    dossier = admissible_dossier(closed_call())
    conflict(evaluator, dossier.cluster)

    with pytest.raises(ApplicationError) as refused:
        assignment_create(actor=administrator, dossier=dossier, evaluator=evaluator)

    assert refused.value.code == "conflict"
    assert not Assignment.objects.exists()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.ADMISSIBLE


def test_a_declared_absence_of_conflict_does_not_block(administrator, evaluator):
    dossier = admissible_dossier(closed_call())
    ConflictDeclaration.objects.create(
        evaluator=evaluator, cluster=dossier.cluster, has_conflict=False
    )

    assignment_create(actor=administrator, dossier=dossier, evaluator=evaluator)

    assert live(dossier).count() == 1


def test_an_evaluator_is_assigned_once_per_dossier(administrator, evaluator):
    dossier = admissible_dossier(closed_call())
    assignment_create(actor=administrator, dossier=dossier, evaluator=evaluator)

    with pytest.raises(ApplicationError) as refused:
        assignment_create(actor=administrator, dossier=dossier, evaluator=evaluator)
    assert refused.value.code == "already_assigned"


def test_an_incomplete_grid_refuses_assignments(administrator, evaluator):
    call = closed_call()
    Criterion.objects.filter(grid=call.grid).first().delete()
    dossier = admissible_dossier(call)

    with pytest.raises(ApplicationError, match="au lieu de 100"):
        assignment_create(actor=administrator, dossier=dossier, evaluator=evaluator)
    with pytest.raises(ApplicationError, match="au lieu de 100"):
        assignments_auto(actor=administrator, call=call)
    assert not Assignment.objects.exists()


# --- assignments_auto ------------------------------------------------------------------


def test_auto_assignment_balances_the_load(administrator):
    call = closed_call()
    evaluators = [EvaluatorFactory(full_name=name) for name in ("Amal", "Badr", "Chama")]
    dossiers = [admissible_dossier(call) for _ in range(3)]

    created = assignments_auto(actor=administrator, call=call, per_dossier=2)

    assert len(created) == 6
    for evaluator in evaluators:
        assert Assignment.objects.filter(evaluator=evaluator).count() == 2
    for dossier in dossiers:
        assert live(dossier).count() == 2
        dossier.refresh_from_db()
        assert dossier.status == DossierStatus.UNDER_EVALUATION
    assert not short_dossiers(call).exists()


def test_auto_assignment_never_picks_a_conflicted_evaluator(administrator):
    call = closed_call()
    amal, badr, chama = (EvaluatorFactory(full_name=name) for name in ("Amal", "Badr", "Chama"))
    dossier = admissible_dossier(call)
    conflict(amal, dossier.cluster)
    conflict(badr, dossier.cluster)

    assignments_auto(actor=administrator, call=call)

    assert list(live(dossier).values_list("evaluator", flat=True)) == [chama.pk]
    assert list(short_dossiers(call)) == [dossier]


def test_auto_assignment_reports_dossiers_it_could_not_complete(administrator):
    call = closed_call()
    EvaluatorFactory()
    dossiers = [admissible_dossier(call) for _ in range(2)]

    created = assignments_auto(actor=administrator, call=call)

    assert len(created) == 2
    assert set(short_dossiers(call)) == set(dossiers)


def test_auto_assignment_keeps_existing_assignments_and_counts_them(administrator):
    call = closed_call()
    amal, badr, chama = (EvaluatorFactory(full_name=name) for name in ("Amal", "Badr", "Chama"))
    first = admissible_dossier(call, status=DossierStatus.UNDER_EVALUATION)
    second = admissible_dossier(call)
    AssignmentFactory(dossier=first, evaluator=amal)
    AssignmentFactory(dossier=first, evaluator=badr, status=AssignmentStatus.REMOVED)

    assignments_auto(actor=administrator, call=call)

    # Amal already carries a dossier, Badr's removed assignment counts for nothing: the empty
    # dossier goes to Badr and Chama, then the least loaded of them completes the first.
    assert set(live(second).values_list("evaluator", flat=True)) == {badr.pk, chama.pk}
    assert set(live(first).values_list("evaluator", flat=True)) == {amal.pk, badr.pk}


def test_auto_assignment_breaks_ties_by_name(administrator):
    call = closed_call()
    EvaluatorFactory(full_name="Zineb")
    yasmine = EvaluatorFactory(full_name="Yasmine")
    dossier = admissible_dossier(call)

    assignments_auto(actor=administrator, call=call, per_dossier=1)

    assert list(live(dossier).values_list("evaluator", flat=True)) == [yasmine.pk]


def test_auto_assignment_leaves_other_dossiers_alone(administrator, evaluator):
    call = closed_call()
    admissible_dossier(call, status=DossierStatus.SUBMITTED)
    admissible_dossier(closed_call())

    assert assignments_auto(actor=administrator, call=call) == []
    assert not Assignment.objects.exists()


def test_only_administrators_auto_assign(evaluator):
    call = closed_call()
    admissible_dossier(call)

    with pytest.raises(ApplicationError):
        assignments_auto(actor=evaluator, call=call)
    assert not Assignment.objects.exists()


# --- assignment_remove -----------------------------------------------------------------


def test_administrator_removes_an_assignment_with_a_reason(administrator, evaluator):
    dossier = admissible_dossier(closed_call())
    assignment = assignment_create(actor=administrator, dossier=dossier, evaluator=evaluator)

    assignment_remove(actor=administrator, assignment=assignment, reason="Indisponible.")

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.REMOVED
    entry = journal_for(dossier).get(action="assignment.remove")
    assert entry.message == "Indisponible."
    # Removed, the evaluator may be given the dossier again.
    assignment_create(actor=administrator, dossier=dossier, evaluator=evaluator)


def test_removal_needs_a_reason_and_an_administrator(administrator, evaluator):
    assignment = AssignmentFactory(dossier=admissible_dossier(closed_call()), evaluator=evaluator)

    with pytest.raises(ApplicationError):
        assignment_remove(actor=administrator, assignment=assignment, reason="  ")
    with pytest.raises(ApplicationError):
        assignment_remove(actor=evaluator, assignment=assignment, reason="Je me retire.")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE


def test_a_submitted_review_cannot_be_taken_back(administrator):
    assignment = AssignmentFactory(dossier=admissible_dossier(closed_call()))
    submitted_review(assignment, [3] * 9)

    with pytest.raises(ApplicationError) as refused:
        assignment_remove(actor=administrator, assignment=assignment, reason="Erreur.")

    assert refused.value.code == "review_submitted"
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE


# --- the administrators' page ----------------------------------------------------------


def _pages(call, dossier, assignment):
    return [
        ("get", board_url(call)),
        ("post", reverse("evaluation:assignments_auto", kwargs={"call_pk": call.pk})),
        (
            "post",
            reverse(
                "evaluation:assignment_add", kwargs={"call_pk": call.pk, "dossier_pk": dossier.pk}
            ),
        ),
        ("post", reverse("evaluation:assignment_remove", kwargs={"assignment_pk": assignment.pk})),
    ]


def test_anonymous_visitors_are_asked_to_log_in(client):
    call = closed_call()
    assignment = AssignmentFactory(dossier=admissible_dossier(call))

    for method, url in _pages(call, assignment.dossier, assignment):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url


@pytest.mark.parametrize("person", ["director", "evaluator", "committee_member"])
def test_people_other_than_administrators_are_refused(client, request, person):
    call = closed_call()
    user = request.getfixturevalue(person)
    dossier = admissible_dossier(call)
    assignment = AssignmentFactory(dossier=dossier, evaluator=EvaluatorFactory())
    client.force_login(user)

    for method, url in _pages(call, dossier, assignment):
        data = {"evaluator": user.pk, "reason": "Motif."} if method == "post" else None
        assert getattr(client, method)(url, data).status_code == 403, url
    assert Assignment.objects.get().status == AssignmentStatus.ACTIVE
    assert Assignment.objects.count() == 1


def test_post_only_actions_refuse_get(client, administrator):
    call = closed_call()
    assignment = AssignmentFactory(dossier=admissible_dossier(call))
    client.force_login(administrator)

    for method, url in _pages(call, assignment.dossier, assignment):
        if method == "post":
            assert client.get(url).status_code == 405, url


def test_board_shows_dossiers_evaluators_and_who_may_be_added(client, administrator):
    call = closed_call()
    amal = EvaluatorFactory(full_name="Amal Berrada")
    badr = EvaluatorFactory(full_name="Badr Kettani")
    chama = EvaluatorFactory(full_name="Chama Idrissi")
    complete = admissible_dossier(call, status=DossierStatus.UNDER_EVALUATION)
    AssignmentFactory(dossier=complete, evaluator=amal)
    submitted_review(AssignmentFactory(dossier=complete, evaluator=badr), [3] * 9)
    short = admissible_dossier(call)
    AssignmentFactory(dossier=short, evaluator=chama, status=AssignmentStatus.AWAITING_DECLARATION)
    conflict(amal, short.cluster)
    admissible_dossier(call, status=DossierStatus.SUBMITTED, reference="PAS-ENCORE-RECEVABLE")
    client.force_login(administrator)

    response = client.get(board_url(call))
    text = page_text(response)

    assert response.status_code == 200
    assert complete.reference in text and short.reference in text
    assert "PAS-ENCORE-RECEVABLE" not in text
    assert "Déclaration d'intérêts attendue" in text
    assert "Évaluation soumise" in text
    assert "Il manque 1 évaluateur" in text
    assert "Attribuer automatiquement (2 par dossier)" in text
    rows = {dossier.pk: dossier for dossier in response.context["dossiers"]}
    assert rows[short.pk].missing == 1 and rows[complete.pk].missing == 0
    offered = [pk for pk, _label in rows[short.pk].add_form.fields["evaluator"].choices if pk]
    # Amal declared a conflict with this cluster, Chama already has it.
    assert offered == [badr.pk]
    # A submitted review cannot be taken back: no remove form for Badr's assignment.
    assert text.count("Confirmer le retrait") == 2
    loads = {evaluator.pk: evaluator.load for evaluator in response.context["evaluators"]}
    assert loads == {amal.pk: 1, badr.pk: 1, chama.pk: 1}


def test_board_empty_states(client, administrator):
    call = closed_call()
    client.force_login(administrator)

    text = page_text(client.get(board_url(call)))

    assert "Aucun dossier recevable pour cet appel." in text
    assert "Aucun évaluateur actif." in text


def test_board_warns_when_the_grid_is_incomplete(client, administrator):
    call = closed_call()
    Criterion.objects.filter(grid=call.grid).first().delete()
    client.force_login(administrator)

    assert "au lieu de 100" in page_text(client.get(board_url(call)))


def test_board_query_count_is_flat(client, administrator, django_assert_max_num_queries):
    def grow(call, dossiers, evaluators):
        people = [EvaluatorFactory() for _ in range(evaluators)]
        for index in range(dossiers):
            dossier = admissible_dossier(call, status=DossierStatus.UNDER_EVALUATION)
            assignment = AssignmentFactory(dossier=dossier, evaluator=people[index % evaluators])
            if index % 2:
                submitted_review(assignment, [2] * 9)
            conflict(people[(index + 1) % evaluators], dossier.cluster)

    small, large = closed_call(), closed_call()
    grow(small, 3, 2)
    grow(large, 25, 12)
    client.force_login(administrator)
    client.get(board_url(small))

    with django_assert_max_num_queries(10) as baseline:
        assert client.get(board_url(small)).status_code == 200
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        assert client.get(board_url(large)).status_code == 200


def test_administrator_adds_an_evaluator_from_the_page(client, administrator, evaluator):
    call = closed_call()
    dossier = admissible_dossier(call)
    client.force_login(administrator)
    url = reverse(
        "evaluation:assignment_add", kwargs={"call_pk": call.pk, "dossier_pk": dossier.pk}
    )

    response = client.post(url, {"evaluator": evaluator.pk}, follow=True)

    assert response.redirect_chain[-1][0].startswith(board_url(call))
    assert live(dossier).get().evaluator == evaluator
    assert "est attribué à Youssef El Amrani" in page_text(response)
    assert [message.to for message in mail.outbox] == [[evaluator.email]]


def test_adding_a_conflicted_evaluator_is_refused_with_a_message(client, administrator, evaluator):
    call = closed_call()
    dossier = admissible_dossier(call)
    conflict(evaluator, dossier.cluster)
    client.force_login(administrator)
    url = reverse(
        "evaluation:assignment_add", kwargs={"call_pk": call.pk, "dossier_pk": dossier.pk}
    )

    response = client.post(url, {"evaluator": evaluator.pk}, follow=True)

    assert "a déclaré un conflit d'intérêts" in page_text(response)
    assert not Assignment.objects.exists()


def test_adding_needs_an_evaluator_of_the_list(client, administrator, director):
    call = closed_call()
    dossier = admissible_dossier(call)
    client.force_login(administrator)
    url = reverse(
        "evaluation:assignment_add", kwargs={"call_pk": call.pk, "dossier_pk": dossier.pk}
    )

    response = client.post(url, {"evaluator": director.pk}, follow=True)

    assert "Choisissez l'évaluateur" in page_text(response)
    assert not Assignment.objects.exists()


def test_a_dossier_of_another_call_is_not_found(client, administrator, evaluator):
    call = closed_call()
    elsewhere = admissible_dossier(closed_call())
    client.force_login(administrator)
    url = reverse(
        "evaluation:assignment_add", kwargs={"call_pk": call.pk, "dossier_pk": elsewhere.pk}
    )

    assert client.post(url, {"evaluator": evaluator.pk}).status_code == 404
    assert client.get(board_url(CallFactory.build(pk=999_999))).status_code == 404


def test_administrator_removes_from_the_page(client, administrator):
    call = closed_call()
    assignment = AssignmentFactory(dossier=admissible_dossier(call))
    client.force_login(administrator)
    url = reverse("evaluation:assignment_remove", kwargs={"assignment_pk": assignment.pk})

    refused = client.post(url, {"reason": ""}, follow=True)
    assert "Indiquez le motif du retrait." in page_text(refused)
    response = client.post(url, {"reason": "Surcharge de travail."}, follow=True)

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.REMOVED
    assert "n'évalue plus le dossier" in page_text(response)


def test_removing_after_a_submitted_review_is_refused_on_the_page(client, administrator):
    call = closed_call()
    assignment = AssignmentFactory(dossier=admissible_dossier(call))
    submitted_review(assignment, [3] * 9)
    client.force_login(administrator)
    url = reverse("evaluation:assignment_remove", kwargs={"assignment_pk": assignment.pk})

    response = client.post(url, {"reason": "Erreur."}, follow=True)

    assert "déjà soumise" in page_text(response)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE


def test_auto_assignment_from_the_page_says_which_dossiers_are_short(client, administrator):
    call = closed_call()
    EvaluatorFactory()
    dossiers = [admissible_dossier(call) for _ in range(2)]
    client.force_login(administrator)

    response = client.post(
        reverse("evaluation:assignments_auto", kwargs={"call_pk": call.pk}), follow=True
    )
    text = page_text(response)

    assert "2 attributions créées" in text
    assert "Pas assez d'évaluateurs" in text
    for dossier in dossiers:
        assert dossier.reference in text
    assert len(mail.outbox) == 2


def test_auto_assignment_from_the_page_when_nothing_is_left(client, administrator):
    call = closed_call()
    client.force_login(administrator)

    response = client.post(
        reverse("evaluation:assignments_auto", kwargs={"call_pk": call.pk}), follow=True
    )

    assert "rien à attribuer" in page_text(response)


def test_call_panel_counts_the_dossiers_short_of_evaluators(rf, administrator):
    call = closed_call()
    request = rf.get("/")
    request.user = administrator
    assert call_panel(request, call=call) is None
    complete = admissible_dossier(call, status=DossierStatus.UNDER_EVALUATION)
    AssignmentFactory.create_batch(2, dossier=complete)
    admissible_dossier(call)

    panel = call_panel(request, call=call)

    assert (panel["dossiers"], panel["short"]) == (2, 1)
    html = render_to_string("evaluation/assignment/_call_panel.html", {"panel": panel})
    assert board_url(call) in html and "1 sans assez d'évaluateurs" in html
