"""The database or the broker away during a submission: a clear "try again", never a 500,
and the draft exactly as it was."""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.urls import reverse

from applications.models import Dossier, DossierStatus, Receipt
from applications.tests.builders import complete, draft_for
from core.models import MailStatus, OutgoingMail
from core.tests.client import page_text

MESSAGE = (
    "Le service est momentanément indisponible, votre brouillon est conservé ; "
    "réessayez dans quelques instants."
)


@contextmanager
def database_away():
    """Every new connection goes to a port where nothing listens, as when PostgreSQL is down."""
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port


@contextmanager
def broker_away():
    from clusters_portal.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False
    # Celery keeps its connections in pools: drop them so the next task dials the new URL.
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool = None
        app.amqp._producer_pool = None


def _snapshot(dossier):
    dossier = Dossier.objects.get(pk=dossier.pk)
    return (
        dossier.status,
        [getattr(dossier, name) for name in ("perimeter", "governance", "strategy", "monitoring")],
        dossier.projects.count(),
        dossier.budget_years.count(),
        dossier.documents.count(),
        dossier.participating_members.count(),
    )


def _as_served(client):
    """The session is read by middleware (inactivity, two factors) before any view runs, so a
    lost database is met there and answered by the error handler (core.views.server_error),
    which serves the 503 page: look at that response, as a browser would, rather than have
    the test client re-raise the logged exception."""
    client.raise_request_exception = False


@pytest.fixture
def submittable(director):
    if connection.vendor != "postgresql":
        pytest.skip("a database server to lose: PostgreSQL")
    return complete(draft_for(director), director)


@pytest.mark.django_db(transaction=True)
def test_submitting_while_the_database_is_away_says_try_again_and_keeps_the_draft(
    client, director, submittable
):
    client.force_login(director)
    _as_served(client)
    url = reverse("applications:dossier_review", kwargs={"pk": submittable.pk})
    before = _snapshot(submittable)

    with database_away():
        response = client.post(url, {"declaration": "on"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert MESSAGE in page_text(response)
    assert _snapshot(submittable) == before
    assert before[0] == DossierStatus.DRAFT
    assert not Receipt.objects.exists()

    retry = client.post(url, {"declaration": "on"})
    assert retry.status_code == 302
    assert Dossier.objects.get(pk=submittable.pk).status == DossierStatus.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_any_page_while_the_database_is_away_answers_503_not_500(client, director):
    if connection.vendor != "postgresql":
        pytest.skip("a database server to lose: PostgreSQL")
    client.force_login(director)
    _as_served(client)
    with database_away():
        response = client.get(reverse("applications:dossier_list"))
    assert response.status_code == 503
    assert MESSAGE in page_text(response)


@pytest.mark.django_db(transaction=True)
def test_submitting_while_the_broker_is_away_succeeds_and_leaves_the_work_pending(
    client, director, submittable
):
    client.force_login(director)
    url = reverse("applications:dossier_review", kwargs={"pk": submittable.pk})

    with broker_away():
        response = client.post(url, {"declaration": "on"})

    assert response.status_code == 302
    assert Dossier.objects.get(pk=submittable.pk).status == DossierStatus.SUBMITTED
    # The receipt waits for its PDF; the sweep renders it once the broker is back.
    receipt = Receipt.objects.get(dossier=submittable)
    assert receipt.pdf.name == ""
    Receipt.objects.filter(pk=receipt.pk).update(
        submitted_at=receipt.submitted_at.replace(year=2000)
    )

    from applications.tasks import pending_receipts_render

    assert pending_receipts_render() == 1
    receipt.refresh_from_db()
    assert receipt.pdf.name
    assert OutgoingMail.objects.filter(status=MailStatus.SENT).count() == 1


def test_a_database_lost_outside_any_view_still_gets_the_503_page(rf):
    from django.db import OperationalError

    from core.views import server_error

    try:
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")
    except OperationalError:
        response = server_error(rf.get("/dossiers/"))

    assert response.status_code == 503
    assert MESSAGE in page_text(response)


@pytest.mark.django_db(transaction=True)
def test_an_email_queued_while_the_broker_is_away_is_sent_by_the_sweep(mailoutbox):
    from core.mail import mail_queue
    from core.tasks import pending_mails_send

    with broker_away():
        mail = mail_queue(
            template="password_reset",
            to="salma@cluster-a.ma",
            language="fr",
            context={"user": {"full_name": "Salma"}, "link": "https://portail/x/"},
        )
    assert OutgoingMail.objects.get(pk=mail.pk).status == MailStatus.PENDING
    assert pending_mails_send() == 0  # left alone for a few minutes: a worker may be on it

    OutgoingMail.objects.filter(pk=mail.pk).update(created_at=mail.created_at.replace(year=2000))
    assert pending_mails_send() == 1
    assert OutgoingMail.objects.get(pk=mail.pk).status == MailStatus.SENT
    assert len(mailoutbox) == 1
    assert pending_mails_send() == 0
