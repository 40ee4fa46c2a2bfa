from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from applications.services.reminders import deadline_reminders_send
from applications.services.submission import dossier_submit
from applications.tests.builders import call_with_checklist, complete, draft_for


def _closing_in(delta):
    return call_with_checklist(closes_at=timezone.now() + delta)


def _run(django_capture_on_commit_callbacks, now=None):
    with django_capture_on_commit_callbacks(execute=True):
        return deadline_reminders_send(now=now)


@pytest.mark.django_db
def test_no_reminder_more_than_seven_days_before(director, django_capture_on_commit_callbacks):
    draft_for(director, _closing_in(timedelta(days=8)))

    assert _run(django_capture_on_commit_callbacks) == []


@pytest.mark.django_db
def test_each_reminder_is_sent_once_however_often_the_job_runs(
    director, django_capture_on_commit_callbacks
):
    dossier = draft_for(director, _closing_in(timedelta(days=6, hours=23)))

    first = _run(django_capture_on_commit_callbacks)
    second = _run(django_capture_on_commit_callbacks)

    assert len(first) == 1
    assert second == []
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [director.email]
    assert "7 jours" in message.subject
    assert dossier.reference in message.body
    assert "Pièces administratives : Statuts" in message.body


@pytest.mark.django_db
def test_three_and_one_day_reminders_follow(director, django_capture_on_commit_callbacks):
    call = _closing_in(timedelta(days=6, hours=23))
    draft_for(director, call)
    _run(django_capture_on_commit_callbacks)

    _run(django_capture_on_commit_callbacks, now=call.closes_at - timedelta(days=2, hours=23))
    _run(django_capture_on_commit_callbacks, now=call.closes_at - timedelta(hours=20))
    _run(django_capture_on_commit_callbacks, now=call.closes_at - timedelta(hours=2))

    assert [message.subject.split(" : ")[-1] for message in mail.outbox] == [
        "clôture dans 7 jours",
        "clôture dans 3 jours",
        "clôture dans 1 jour",
    ]


@pytest.mark.django_db
def test_a_late_starter_gets_only_the_closest_reminder(
    director, django_capture_on_commit_callbacks
):
    draft_for(director, _closing_in(timedelta(days=2)))

    _run(django_capture_on_commit_callbacks)

    assert ["3 jours" in message.subject for message in mail.outbox] == [True]


@pytest.mark.django_db
def test_submitted_dossiers_get_no_reminder(director, django_capture_on_commit_callbacks):
    dossier = complete(draft_for(director, _closing_in(timedelta(days=2))), director)
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    mail.outbox.clear()

    assert _run(django_capture_on_commit_callbacks) == []


@pytest.mark.django_db
def test_command_prints_what_it_sent(director, capsys, django_capture_on_commit_callbacks):
    draft_for(director, _closing_in(timedelta(hours=12)))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
        call_command("send_reminders")

    out = capsys.readouterr().out
    assert director.email in out
    assert "1 reminder(s) sent." in out
    assert "0 reminder(s) sent." in out
    assert len(mail.outbox) == 1
