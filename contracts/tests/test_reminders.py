"""Reminders before an annual report is due: 30, 7 and 1 days before, each sent once however
often the task runs, none once the report is transmitted."""

from datetime import date, timedelta

import pytest

from accounts.tests.factories import DirectorFactory
from contracts.models import ContractStatus
from contracts.services.reminders import report_reminders_send
from contracts.tasks import report_reminders
from contracts.tests.factories import active_contract, filed_report, sent_contract
from core.models import OutgoingMail

pytestmark = pytest.mark.django_db


def due_on(contract, year=1):
    return contract.contract_years.get(year=year).report_due_on


def reminders():
    return OutgoingMail.objects.filter(template="report_reminder")


def test_reminders_go_30_7_and_1_days_before_each_once(administrator, director):
    contract = active_contract(administrator, director)
    due = due_on(contract)

    sent = []
    day = due - timedelta(days=40)
    while day <= due + timedelta(days=3):
        # The task runs twice a day: the second run sends nothing new.
        sent.extend((day, (due - day).days) for _mail in report_reminders_send(today=day))
        assert report_reminders_send(today=day) == []
        day += timedelta(days=1)

    assert sent == [
        (due - timedelta(days=30), 30),
        (due - timedelta(days=7), 7),
        (due - timedelta(days=1), 1),
    ]
    assert set(reminders().values_list("to", flat=True)) == {director.email}
    assert reminders().count() == 3


def test_a_missed_run_sends_the_reminder_late_but_still_once(administrator, director):
    contract = active_contract(administrator, director)
    due = due_on(contract)

    first = report_reminders_send(today=due - timedelta(days=20))
    again = report_reminders_send(today=due - timedelta(days=19))

    assert len(first) == 1 and again == []


def test_every_editor_of_the_cluster_is_reminded(administrator, director):
    contract = active_contract(administrator, director)
    co_editor = DirectorFactory(email="co-editeur@cluster-a.ma")
    contract.cluster.co_editors.add(co_editor)

    report_reminders_send(today=due_on(contract) - timedelta(days=7))

    assert set(reminders().values_list("to", flat=True)) == {director.email, co_editor.email}


def test_no_reminder_once_the_report_is_transmitted(administrator, director):
    contract = active_contract(administrator, director)
    due = due_on(contract)
    report_reminders_send(today=due - timedelta(days=30))
    filed_report(contract, director, year=1)

    assert report_reminders_send(today=due - timedelta(days=7)) == []
    assert report_reminders_send(today=due - timedelta(days=1)) == []
    assert reminders().count() == 1


def test_a_draft_report_still_gets_its_reminder(administrator, director):
    from contracts.services.reports import report_open

    contract = active_contract(administrator, director)
    report_open(actor=director, contract=contract, year=1)

    assert len(report_reminders_send(today=due_on(contract) - timedelta(days=7))) == 1


def test_no_reminder_for_a_contract_not_in_force(administrator, director):
    contract = sent_contract(administrator, director=director)
    assert contract.status == ContractStatus.SENT

    assert report_reminders_send(today=due_on(contract) - timedelta(days=7)) == []


def test_no_reminder_after_the_due_date_or_too_early(administrator, director):
    contract = active_contract(administrator, director)
    due = due_on(contract)

    assert report_reminders_send(today=due + timedelta(days=1)) == []
    assert report_reminders_send(today=due - timedelta(days=31)) == []


def test_each_years_report_has_its_own_reminders(administrator, director):
    contract = active_contract(administrator, director)

    report_reminders_send(today=due_on(contract, 1) - timedelta(days=7))
    report_reminders_send(today=due_on(contract, 2) - timedelta(days=7))

    assert reminders().count() == 2


def test_the_periodic_task_counts_what_it_queued(administrator, director, monkeypatch):
    contract = active_contract(administrator, director)
    monkeypatch.setattr(
        "contracts.services.reminders.timezone.localdate",
        lambda: due_on(contract) - timedelta(days=1),
    )

    assert report_reminders() == 1
    assert report_reminders() == 0
    assert isinstance(due_on(contract), date)
