"""Signed-in pages cached per person: seen again without the page's queries, never another
person's, never stale after anyone's write, never past a deadline."""

import re
import time
from datetime import datetime, timedelta
from datetime import time as clock

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import DirectorFactory
from applications.models import Call, Cluster, DocumentRequest
from applications.services.clusters import co_editor_add, co_editor_remove
from applications.tests.builders import draft_for
from core import person_pages
from core.fragments import FRAGMENT_SECONDS
from core.tests.client import CommittingClient, page_text
from evaluation.models import Assignment, Grid
from evaluation.services.grid import grid_ensure
from evaluation.tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("core:dashboard")


def _dossier_page(dossier):
    return reverse("applications:dossier_detail", args=[dossier.pk])


def _without_token(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page_text(response))


def _signed_in(user):
    client = CommittingClient()
    client.force_login(user)
    return client


def test_a_page_seen_again_runs_none_of_its_queries(director, django_assert_max_num_queries):
    dossier = draft_for(director)
    client = _signed_in(director)
    first = client.get(_dossier_page(dossier))

    # Only the middleware's: the session and the person.
    with django_assert_max_num_queries(2):
        again = client.get(_dossier_page(dossier))

    assert again.status_code == 200
    assert _without_token(again) == _without_token(first)


def test_another_director_never_gets_the_stored_page(director, outsider):
    dossier = draft_for(director)
    Cluster.objects.filter(pk=draft_for(outsider).cluster_id).update(name="Cluster de l'autre")
    _signed_in(director).get(_dossier_page(dossier))
    _signed_in(director).get(DASHBOARD)
    intruder = _signed_in(outsider)

    assert intruder.get(_dossier_page(dossier)).status_code == 404
    own = page_text(intruder.get(DASHBOARD))
    assert "Cluster de l'autre" in own
    assert dossier.cluster.name not in own


def test_a_write_by_anyone_shows_at_once(director, administrator):
    dossier = draft_for(director)
    client = _signed_in(director)
    assert dossier.cluster.name in page_text(client.get(DASHBOARD))

    # Written without a signal, by someone else, stamped as every service stamps its writes.
    renamed = {"name": "Cluster Agritech Souss", "updated_at": timezone.now()}
    Cluster.objects.filter(pk=dossier.cluster_id).update(**renamed)

    assert "Cluster Agritech Souss" in page_text(client.get(DASHBOARD))
    assert "Cluster Agritech Souss" in page_text(client.get(_dossier_page(dossier)))


def test_a_removed_co_editor_loses_the_page_at_once(director):
    dossier = draft_for(director)
    co_editor = DirectorFactory()
    co_editor_add(actor=director, cluster=dossier.cluster, email=co_editor.email)
    client = _signed_in(co_editor)
    assert client.get(_dossier_page(dossier)).status_code == 200

    co_editor_remove(actor=director, cluster=dossier.cluster, user=co_editor)

    assert client.get(_dossier_page(dossier)).status_code == 404


def test_a_withdrawn_assignment_leaves_the_evaluators_queue_at_once(evaluator):
    assignment = AssignmentFactory(evaluator=evaluator)
    client = _signed_in(evaluator)
    queue = reverse("evaluation:queue")
    assert assignment.dossier.reference in page_text(client.get(queue))

    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.REMOVED)

    assert assignment.dossier.reference not in page_text(client.get(queue))


def test_the_dossier_page_is_not_kept_past_the_deadline(director):
    dossier = draft_for(director)
    Call.objects.filter(pk=dossier.call_id).update(closes_at=timezone.now() + timedelta(seconds=2))
    client = _signed_in(director)
    assert "Clôture le" in page_text(client.get(_dossier_page(dossier)))

    time.sleep(2.2)

    assert "Clôturé le" in page_text(client.get(_dossier_page(dossier)))


def test_each_language_has_its_own_page(director):
    dossier = draft_for(director)
    client = _signed_in(director)
    client.get(_dossier_page(dossier))

    arabic = client.get(_dossier_page(dossier), HTTP_ACCEPT_LANGUAGE="ar")

    assert 'dir="rtl"' in arabic.content.decode()


def test_a_page_with_a_message_to_show_is_made_anew_and_shows_it(director):
    dossier = draft_for(director)
    client = _signed_in(director)
    client.get(_dossier_page(dossier))
    # As a change that redirected here would have left it: a message for the next page.
    waiting = Message(constants.SUCCESS, "La section « Gouvernance » est enregistrée.")
    request = HttpRequest()
    request.session = client.session
    SessionStorage(request)._store([waiting], None)
    request.session.save()

    assert "La section « Gouvernance » est enregistrée." in page_text(
        client.get(_dossier_page(dossier))
    )
    assert "est enregistrée" not in page_text(client.get(_dossier_page(dossier)))


def _noon_in_a_month():
    day = timezone.localdate() + timedelta(days=30)
    return timezone.make_aware(datetime.combine(day, clock(12)))


def test_nothing_is_kept_beyond_the_next_moment_pages_show(director, administrator):
    noon = _noon_in_a_month()
    dossier = draft_for(director)
    assert person_pages.seconds_to_keep(noon) == FRAGMENT_SECONDS

    # A countdown to the deadline ticks every hour: here in 3 min 20 s.
    closes = noon + timedelta(days=5, minutes=3, seconds=20)
    Call.objects.filter(pk=dossier.call_id).update(
        opens_at=noon - timedelta(days=3), closes_at=closes
    )
    assert person_pages.seconds_to_keep(noon) == 200

    DocumentRequest.objects.create(
        dossier=dossier,
        message="Attestation fiscale.",
        reply_by=noon + timedelta(seconds=90),
        created_by=administrator,
    )
    assert person_pages.seconds_to_keep(noon) == 90

    Grid.objects.filter(pk=grid_ensure(call=dossier.call).pk).update(
        evaluation_deadline=noon + timedelta(seconds=30)
    )
    assert person_pages.seconds_to_keep(noon) == 30


def test_nothing_is_kept_past_midnight(director):
    before_midnight = _noon_in_a_month() + timedelta(hours=11, minutes=58)
    draft_for(director)

    assert person_pages.seconds_to_keep(before_midnight) == 120
