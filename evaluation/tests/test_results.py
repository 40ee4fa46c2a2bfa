import re
import subprocess

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from accounts.tests.factories import DirectorFactory, EvaluatorFactory
from applications.models import Call, CallStatus
from applications.tests.factories import ClusterFactory
from core import dashboard
from core.tests.client import page_text
from evaluation.models import Decision
from evaluation.services import selection
from evaluation.services.selection import decision_set
from evaluation.tasks import decision_letter_render
from evaluation.tests.factories import AssignmentFactory, submitted_review
from evaluation.tests.test_selection import ALL_TWO, closed_call, ranked_dossier, words
from evaluation.views.results import result_panel, selected_panel

STRONG = [4, 4, 3, 4, 3, 3, 3, 4, 3]


def pdf_text(content):
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return words(result.stdout.decode())


def letter_of(dossier):
    decision = Decision.objects.get(dossier=dossier)
    with decision.letter.open("rb") as letter:
        return decision, letter.read()


@pytest.fixture
def result_panels(monkeypatch):
    """The results' panels on the dossier and call pages, as evaluation's apps.py registers
    them (registered here alone, whatever else is registered)."""
    monkeypatch.setattr(dashboard, "_PANELS", [])
    dashboard.register_panel(
        page=dashboard.DOSSIER_DETAIL,
        template="evaluation/results/_dossier_panel.html",
        context=result_panel,
    )
    dashboard.register_panel(
        page=dashboard.CALL_DETAIL,
        template="evaluation/results/_call_panel.html",
        context=selected_panel,
    )


@pytest.fixture
def call(db):
    return closed_call()


@pytest.fixture
def co_editor(db):
    return DirectorFactory(email="co-editrice@cluster-a.ma", full_name="Leila Berrada")


@pytest.fixture
def ours(call, director, co_editor):
    """The director's dossier: two reviews with their comments, selected."""
    cluster = ClusterFactory(owner=director, name="Cluster Solaire", acronym="CSOL")
    cluster.co_editors.add(co_editor)
    dossier = ranked_dossier(call, cluster=cluster, minutes_ago=30)
    for name, notes, comment in (
        ("Youssef El Amrani", STRONG, "Gouvernance exemplaire."),
        ("Houda Benkirane", [3] * 9, "Modèle économique à consolider."),
    ):
        assignment = AssignmentFactory(dossier=dossier, evaluator=EvaluatorFactory(full_name=name))
        submitted_review(assignment, notes, comment=comment)
    return dossier


@pytest.fixture
def theirs(call, outsider):
    cluster = ClusterFactory(owner=outsider, name="Cluster Textile", acronym="CTX")
    return ranked_dossier(call, ALL_TWO, ALL_TWO, cluster=cluster, minutes_ago=20)


@pytest.fixture
def decided(ours, theirs, committee_member):
    decision_set(actor=committee_member, dossier=ours, outcome=Decision.Outcome.SELECTED)
    decision_set(actor=committee_member, dossier=theirs, outcome=Decision.Outcome.REJECTED)
    return ours, theirs


@pytest.fixture
def published(decided, call, client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("evaluation:results_publish", args=[call.pk]))
    assert response.status_code == 302
    client.logout()
    call.refresh_from_db()
    assert call.status == CallStatus.RESULTS_PUBLISHED
    return decided


# The letters


@pytest.mark.django_db
def test_publication_renders_each_letter(published, call):
    ours, theirs = published

    _decision, content = letter_of(ours)
    text = pdf_text(content)
    _decision, rejected = letter_of(theirs)
    rejected_text = pdf_text(rejected)

    assert ours.reference in text
    assert "Cluster Solaire (CSOL)" in text
    assert call.title in text
    assert "Décision Retenu" in text
    assert "Note finale 81,25 / 100" in text
    assert "10 000 000,00 MAD sur 5 ans" in text
    assert "contrat-programme" in text
    assert re.search(rf"Lettre de décision {ours.reference} — 1 / \d", text)
    assert "Non retenu" in rejected_text
    assert "n'a pas retenu la candidature" in rejected_text
    assert "contrat-programme" not in rejected_text


@pytest.mark.django_db
def test_each_letter_is_mailed_to_the_director_and_co_editors_with_the_pdf(
    published, director, co_editor, outsider
):
    ours, theirs = published

    sent = {message.to[0]: message for message in mail.outbox}

    assert set(sent) == {director.email, co_editor.email, outsider.email}
    message = sent[director.email]
    assert ours.reference in message.subject
    assert "Le cluster Cluster Solaire (CSOL) est retenu" in words(message.body)
    assert reverse("applications:dossier_detail", args=[ours.pk]) in message.body
    ((filename, content, kind),) = message.attachments
    assert filename == f"{ours.reference}-decision.pdf"
    assert kind == "application/pdf"
    assert content.startswith(b"%PDF")
    assert "n'a pas été retenue" in words(sent[outsider.email].body)
    assert sent[outsider.email].attachments[0][0] == f"{theirs.reference}-decision.pdf"


def test_the_letter_task_keeps_the_name_queued_letters_carry():
    assert decision_letter_render.name == "evaluation.tasks_results.decision_letter_render"


@pytest.mark.django_db
def test_a_new_render_replaces_the_letter_and_sends_nothing_twice(
    published, django_capture_on_commit_callbacks
):
    ours, _theirs = published
    decision, _content = letter_of(ours)
    old_name = decision.letter.name
    storage = decision.letter.storage
    mails_before = len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        decision_letter_render(decision.pk)

    decision.refresh_from_db()
    assert decision.letter.name != old_name
    assert storage.exists(decision.letter.name)
    assert not storage.exists(old_name)
    assert len(mail.outbox) == mails_before


@pytest.mark.django_db
def test_the_letter_is_written_in_the_directors_language(decided, monkeypatch):
    ours, _theirs = decided
    ours.cluster.owner.preferred_language = "ar"
    ours.cluster.owner.save()
    languages = []

    def render(template, context, *, language):
        languages.append(language)
        return b"%PDF-1.4 fake"

    monkeypatch.setattr(selection, "render_pdf", render)

    selection.decision_letter_pdf_render(decision_id=Decision.objects.get(dossier=ours).pk)

    assert languages == ["ar"]


# What the director sees


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["director", "co_editor"])
def test_the_director_reads_the_result_without_the_evaluators_names(
    published, result_panels, client, person, request
):
    ours, _theirs = published
    client.force_login(request.getfixturevalue(person))

    response = client.get(reverse("applications:dossier_detail", args=[ours.pk]))

    text = words(page_text(response))
    assert "Résultat de l'appel à projets" in text
    assert "Retenu" in text
    assert 'Note finale : <strong dir="ltr">81,25 / 100</strong>' in text
    assert "3,50 / 4" in text  # first criterion: 4 and 3
    assert "Gouvernance exemplaire." in text
    assert "Modèle économique à consolider." in text
    assert "Note 4." in text  # a justification, unsigned
    assert "Youssef El Amrani" not in text
    assert "Houda Benkirane" not in text
    decision = Decision.objects.get(dossier=ours)
    assert reverse("evaluation:decision_letter", args=[decision.pk]) in text
    assert "Votre cluster est retenu." in text
    assert "Vos notes par critère" in text


@pytest.mark.django_db
def test_an_administrator_reads_the_result_about_the_cluster_not_to_it(
    published, result_panels, client, administrator
):
    ours, theirs = published
    client.force_login(administrator)

    selected = words(page_text(client.get(reverse("applications:dossier_detail", args=[ours.pk]))))
    rejected = words(
        page_text(client.get(reverse("applications:dossier_detail", args=[theirs.pk])))
    )

    assert "Le cluster est retenu." in selected
    assert "Notes par critère" in selected
    assert "Le dossier n'a pas été retenu." in rejected
    for text in (selected, rejected):
        assert "Votre" not in text
        assert "Vos notes" not in text


@pytest.mark.django_db
def test_nothing_is_shown_before_the_results_are_published(
    decided, result_panels, client, director
):
    ours, _theirs = decided
    client.force_login(director)

    text = page_text(client.get(reverse("applications:dossier_detail", args=[ours.pk])))

    assert "Résultat de l'appel à projets" not in text
    assert "Gouvernance exemplaire." not in text


@pytest.mark.django_db
def test_the_panel_is_for_the_clusters_people_only(published, outsider, evaluator):
    ours, _theirs = published
    for person in (outsider, evaluator):
        request = RequestFactory().get("/")
        request.user = person
        assert result_panel(request, dossier=ours) is None


@pytest.mark.django_db
def test_the_director_downloads_the_letter(published, client, director):
    ours, _theirs = published
    decision = Decision.objects.get(dossier=ours)
    client.force_login(director)

    response = client.get(reverse("evaluation:decision_letter", args=[decision.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{ours.reference}-decision.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["outsider", "evaluator", "committee_member"])
def test_nobody_else_gets_the_letter(published, client, role, request):
    ours, _theirs = published
    decision = Decision.objects.get(dossier=ours)
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("evaluation:decision_letter", args=[decision.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_visitors_are_asked_to_log_in_for_the_letter(published, client):
    ours, _theirs = published
    decision = Decision.objects.get(dossier=ours)

    response = client.get(reverse("evaluation:decision_letter", args=[decision.pk]))

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


@pytest.mark.django_db
def test_no_letter_before_the_results_are_published(decided, client, director):
    ours, _theirs = decided
    decision = Decision.objects.get(dossier=ours)
    client.force_login(director)

    response = client.get(reverse("evaluation:decision_letter", args=[decision.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_a_letter_still_being_rendered_says_so(decided, call, client, director):
    ours, _theirs = decided
    Call.objects.filter(pk=call.pk).update(status=CallStatus.RESULTS_PUBLISHED)
    decision = Decision.objects.get(dossier=ours)
    client.force_login(director)

    response = client.get(reverse("evaluation:decision_letter", args=[decision.pk]), follow=True)

    assert "en cours de préparation" in page_text(response)


# The call's public page


@pytest.mark.django_db
def test_the_public_page_lists_the_selected_clusters_once_published(
    published, result_panels, client, call
):
    text = words(page_text(client.get(reverse("applications:call_detail", args=[call.reference]))))

    assert "Clusters retenus" in text
    assert "Cluster Solaire" in text
    assert "Cluster Textile" not in text


@pytest.mark.django_db
def test_the_public_page_escapes_what_the_cluster_typed(
    published, result_panels, client, call, ours
):
    ours.cluster.name = "<b>Solaire</b> & Co"
    ours.cluster.save()

    html = client.get(reverse("applications:call_detail", args=[call.reference])).content.decode()

    assert "&lt;b&gt;Solaire&lt;/b&gt; &amp; Co" in html
    assert "<b>Solaire</b>" not in html
    assert "(CSOL)" in html


@pytest.mark.django_db
def test_the_public_page_lists_nothing_before(decided, result_panels, client, call):
    text = page_text(client.get(reverse("applications:call_detail", args=[call.reference])))

    assert "Clusters retenus" not in text
    assert "Cluster Solaire" not in text


@pytest.mark.django_db
def test_the_selected_panel_needs_published_results(call):
    request = RequestFactory().get("/")

    assert selected_panel(request, call=call) is None
    assert selected_panel(request) is None
    call.status = CallStatus.RESULTS_PUBLISHED
    assert selected_panel(request, call=call) == {"call": call, "count": 0, "items": ""}
