"""The realistic mix: the seed gives its people something to write to without touching what
the pages are measured on; each person's write, done as bench/locustfile.py does it (read the
form, change a field, send it), is accepted; Locust's statistics become the report's."""

import io
from urllib.parse import urlsplit

import html_forms
import mix
import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import Role, User
from applications.models import Call, Dossier, DossierStatus
from bench.data.mix import EVALUATION_REFERENCE, MIX_REFERENCE
from bench.data.plan import DOMAIN
from contracts.models import Contract
from evaluation.models import Assignment, Review, ReviewStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    call_command("seed_bench", "--scale", "0.1", "--seed", "3", stdout=io.StringIO())
    return mix.plan("http://testserver")


def _browser(person):
    client = Client()
    for name, value in person["cookies"].items():
        client.cookies[name] = value
    return client


def _send(client, url, field, changes):
    """What the locustfile's `edit` does: the form that holds `field`, changed, sent back."""
    page = client.get(url)
    assert page.status_code == 200
    form = html_forms.form_with(page.content.decode(), field)
    token = client.cookies["csrftoken"].value
    fields = html_forms.replaced(form["fields"], changes | {"csrfmiddlewaretoken": token})
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return client.post(url, data)


def test_the_mix_has_people_of_every_role_each_with_their_own_things(plan):
    people = plan["people"]
    assert {role: len(persons) for role, persons in people.items()} == {
        "director": 18,
        "evaluator": 4,
        "administrator": 1,
    }
    emails = [person["email"] for persons in people.values() for person in persons]
    assert len(set(emails)) == len(emails)
    assert len({person["draft"] for person in people["director"]}) == 18
    assert all(len(person["to_score"]) == 3 for person in people["evaluator"])


def test_the_people_measured_alone_get_nothing_from_the_mix(plan):
    measured_director = Contract.objects.order_by("pk").first().cluster.owner
    assert not Dossier.objects.filter(
        call__reference=MIX_REFERENCE, cluster__owner=measured_director
    ).exists()
    assert not Assignment.objects.filter(
        dossier__call__reference=EVALUATION_REFERENCE, evaluator__email=f"evaluateur000@{DOMAIN}"
    ).exists()
    evaluation = Dossier.objects.filter(call__reference=EVALUATION_REFERENCE)
    assert {d.status for d in evaluation} == {DossierStatus.UNDER_EVALUATION}
    assert not Review.objects.filter(assignment__dossier__in=evaluation).exists()
    team = User.objects.filter(role=Role.ADMINISTRATOR, email__endswith=DOMAIN)
    assert team.count() == 1


def test_a_director_saves_a_section_of_the_draft(plan):
    director = plan["people"]["director"][0]
    section = director["sections"][0]
    client = _browser(director)
    response = _send(client, section["url"], "seen", {section["field"]: "Texte revu."})
    assert response.status_code == 302 and response["Location"].startswith(director["draft"])
    draft = Dossier.objects.get(
        call__reference=MIX_REFERENCE, cluster__owner__email=director["email"]
    )
    assert getattr(draft, section["field"]) == "Texte revu."


def test_an_evaluator_saves_a_review_draft(plan):
    evaluator = plan["people"]["evaluator"][0]
    url, criterion = evaluator["to_score"][0], plan["criteria"][0]
    changes = {f"score_{criterion}": "3", f"justification_{criterion}": "Solide."}
    response = _send(_browser(evaluator), url, "comment", changes)
    # The redirect carries the saved message in a token (core/flash.py).
    assert response.status_code == 302 and urlsplit(response["Location"]).path == url
    review = Review.objects.get(
        assignment__dossier__call__reference=EVALUATION_REFERENCE,
        assignment__evaluator__email=evaluator["email"],
    )
    assert review.status == ReviewStatus.DRAFT
    assert review.scores.get(criterion_id=criterion).value == 3


def test_an_administrator_rewords_the_open_call(plan):
    administrator = plan["people"]["administrator"][0]
    changes = {"description_fr": "Présentation revue."}
    response = _send(_browser(administrator), administrator["call_edit"], "description_fr", changes)
    assert response.status_code == 302
    assert response["Location"].startswith(administrator["call_detail"])
    assert Call.objects.get(reference=MIX_REFERENCE).description == "Présentation revue."


def test_a_director_signs_out_and_in_again_with_the_password(plan):
    director = plan["people"]["director"][0]
    client = _browser(director)
    token = client.cookies["csrftoken"].value
    assert client.post(director["logout"], {"csrfmiddlewaretoken": token}).status_code == 302
    form = html_forms.form_with(client.get(director["login"]).content.decode(), "username")
    fields = dict(form["fields"]) | {"username": director["email"], "password": plan["password"]}
    response = client.post(director["login"], fields)
    assert response.status_code == 302
    assert client.get(director["dashboard"]).status_code == 200


STATS = """\
Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,\
80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,evaluator queue,90,0,40,52.1,10.2,480.5,9000,1.5,0.0,40,45,50,60,90,120,300,450,480,480,480
POST,draft section save,10,1,80,90.0,50.0,700.2,0,0.2,0.02,80,85,90,95,300,600,700,700,700,700,700
POST,sign in,5,0,900,950.0,800.0,1300.0,0,0.1,0.0,900,900,1000,1000,1300,1300,1300,1300,1300,1300,1300
GET,ranking CSV,0,0,0,0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A
,Aggregated,105,1,45,90.0,10.2,1300.0,8000,1.8,0.02,45,50,60,70,200,600,900,1000,1300,1300,1300
"""
FAILURES = """\
Method,Name,Error,Occurrences
POST,draft section save,CatchResponseError('200  conflict'),1
"""


def test_locust_statistics_become_the_report_figures():
    summary = mix.summary(STATS, FAILURES)
    assert [row["name"] for row in summary["requests"]] == [
        "sign in",
        "draft section save",
        "evaluator queue",
        "ranking CSV",
    ]
    queue = summary["requests"][2]
    assert (queue["requests"], queue["p50_ms"], queue["p95_ms"], queue["p99_ms"]) == (
        90,
        40.0,
        120.0,
        450.0,
    )
    assert summary["requests"][0]["judged"] is False
    assert summary["requests"][3]["p95_ms"] is None
    assert (summary["requests_total"], summary["failures"], summary["rps"]) == (105, 1, 1.8)
    assert summary["writes_pct"] == round(100 * 15 / 105, 1)
    assert summary["errors"] == [
        {
            "name": "draft section save",
            "error": "CatchResponseError('200  conflict')",
            "occurrences": 1,
        }
    ]
