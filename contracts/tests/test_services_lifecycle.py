"""The life of a contract: draft → sent → signed → active → closed, or terminated with a reason;
each step allowed only from the right state, journaled, and e-mailed once."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import DirectorFactory
from applications.tests.builders import pdf_file
from contracts.models import (
    Contract,
    ContractStatus,
    ContractVersion,
    ReportStatus,
    TrancheStatus,
)
from contracts.selectors import latest_version
from contracts.services import lifecycle
from contracts.services.lifecycle import CONTRACT_STATES
from contracts.services.reports import report_approve
from contracts.tests.factories import (
    active_contract,
    decided_call,
    draft_contract,
    filed_report,
    render_versions,
    selected_decision,
    sent_contract,
)
from core.errors import ApplicationError
from core.journal import journal_for
from core.models import OutgoingMail

pytestmark = pytest.mark.django_db

S = ContractStatus
ACTIONS = ("send", "recall", "sign", "activate", "close", "terminate")
ALLOWED = {
    S.DRAFT: {"send", "terminate"},
    S.SENT: {"recall", "sign", "terminate"},
    S.SIGNED: {"activate", "terminate"},
    S.ACTIVE: {"close", "terminate"},
    S.CLOSED: set(),
    S.TERMINATED: set(),
}


def three_year_call():
    return decided_call(contract_years=3)


def closed_contract(administrator, director):
    contract = active_contract(
        administrator, director, call=three_year_call(), amounts=[Decimal("1000000")] * 3
    )
    for year in (1, 2, 3):
        report_approve(actor=administrator, report=filed_report(contract, director, year=year))
    return lifecycle.contract_close(actor=administrator, contract=contract)


def contract_in(state, administrator, director):
    if state == S.DRAFT:
        return draft_contract(administrator, director=director)
    if state == S.SENT:
        return sent_contract(administrator, director=director)
    if state == S.SIGNED:
        contract = sent_contract(administrator, director=director)
        return lifecycle.contract_sign(actor=director, contract=contract, scan=pdf_file("s.pdf"))
    if state == S.ACTIVE:
        return active_contract(administrator, director)
    if state == S.CLOSED:
        return closed_contract(administrator, director)
    contract = draft_contract(administrator, director=director)
    return lifecycle.contract_terminate(actor=administrator, contract=contract, reason="Erreur")


def attempt(action, contract, administrator, director):
    calls = {
        "send": lambda: lifecycle.contract_send(actor=administrator, contract=contract),
        "recall": lambda: lifecycle.contract_recall(
            actor=administrator, contract=contract, reason="Correction de l'échéancier"
        ),
        "sign": lambda: lifecycle.contract_sign(
            actor=director, contract=contract, scan=pdf_file("signe.pdf")
        ),
        "activate": lambda: lifecycle.contract_activate(
            actor=administrator, contract=contract, final_copy=pdf_file("final.pdf")
        ),
        "close": lambda: lifecycle.contract_close(actor=administrator, contract=contract),
        "terminate": lambda: lifecycle.contract_terminate(
            actor=administrator, contract=contract, reason="Manquement grave"
        ),
    }
    return calls[action]()


def test_the_table_of_transitions_is_the_one_the_issue_describes():
    for state, actions in ALLOWED.items():
        for action in ACTIONS:
            assert CONTRACT_STATES.allows(state, action) == (action in actions), (state, action)


@pytest.mark.parametrize("state", list(ALLOWED))
def test_actions_the_table_does_not_allow_are_refused_and_change_nothing(
    administrator, director, state
):
    contract = contract_in(state, administrator, director)
    journal = journal_for(contract).count()
    mails = OutgoingMail.objects.count()

    for action in sorted(set(ACTIONS) - ALLOWED[state]):
        with pytest.raises(ApplicationError) as error:
            attempt(action, contract, administrator, director)
        assert error.value.code == "transition", action
        contract.refresh_from_db()
        assert contract.status == state

    assert journal_for(contract).count() == journal
    assert OutgoingMail.objects.count() == mails


def test_an_incomplete_contract_is_not_sent_and_the_refusal_lists_what_is_missing(
    administrator, director
):
    contract = draft_contract(administrator, director=director)
    Contract.objects.filter(pk=contract.pk).update(ministry_representative="", legal_name="")
    contract.tranches.all().delete()

    with pytest.raises(ApplicationError) as refused:
        lifecycle.contract_send(actor=administrator, contract=contract)

    assert refused.value.code == "incomplete"
    for part in ("la dénomination de l'association", "le représentant du ministère"):
        assert part in refused.value.message
    assert "l'échéancier de la subvention" in refused.value.message
    assert "représentant du cluster" not in refused.value.message
    contract.refresh_from_db()
    assert contract.status == S.DRAFT


def test_a_sent_contract_is_refused_for_its_state_before_its_completeness(administrator, director):
    contract = sent_contract(administrator, director=director)
    contract.commitments.all().delete()

    with pytest.raises(ApplicationError) as refused:
        lifecycle.contract_send(actor=administrator, contract=contract)

    assert refused.value.code == "transition"


def test_a_contract_goes_through_its_life_and_each_step_is_journaled_and_emailed_once(
    administrator, director
):
    co_editor = DirectorFactory()
    contract = draft_contract(administrator, director=director)
    contract.cluster.co_editors.add(co_editor)
    editors = {director.email, co_editor.email}

    contract = lifecycle.contract_send(actor=administrator, contract=contract)
    assert contract.status == S.SENT
    sent = OutgoingMail.objects.filter(template="contract_sent")
    assert set(sent.values_list("to", flat=True)) == editors
    assert sent.count() == 2

    contract = lifecycle.contract_sign(
        actor=director, contract=contract, scan=pdf_file("contrat-signe.pdf")
    )
    assert contract.status == S.SIGNED and contract.signed_at and contract.signed_scan
    signed = OutgoingMail.objects.filter(template="contract_signed")
    assert list(signed.values_list("to", flat=True)) == [administrator.email]

    contract = lifecycle.contract_activate(
        actor=administrator, contract=contract, final_copy=pdf_file("contrat-final.pdf")
    )
    assert contract.status == S.ACTIVE and contract.activated_at and contract.final_copy
    activated = OutgoingMail.objects.filter(template="contract_activated")
    assert set(activated.values_list("to", flat=True)) == editors
    assert activated.count() == 2

    actions = [entry.action for entry in journal_for(contract).order_by("created_at", "pk")]
    assert actions == [
        "contract.generate",
        "contract.version",
        "contract.send",
        "contract.sign",
        "contract.activate",
        "tranche.due",
    ]
    sign = journal_for(contract).get(action="contract.sign")
    assert (sign.from_state, sign.to_state) == (S.SENT, S.SIGNED)
    assert len(sign.data["sha256"]) == 64
    # Activation makes the tranche due at signature payable, and only it.
    due = contract.tranches.filter(status=TrancheStatus.DUE)
    assert list(due.values_list("year", "position", "due_amount")) == [
        (1, 1, Decimal("1200000.00"))
    ]
    assert OutgoingMail.objects.count() == 5


def test_a_recalled_contract_is_sent_again_and_each_sending_is_mailed(administrator, director):
    contract = sent_contract(administrator, director=director)

    with pytest.raises(ApplicationError) as error:
        lifecycle.contract_recall(actor=administrator, contract=contract, reason="  ")
    assert error.value.field == "reason"

    contract = lifecycle.contract_recall(
        actor=administrator, contract=contract, reason="Échéancier à corriger"
    )
    assert contract.status == S.DRAFT
    assert journal_for(contract).get(action="contract.recall").message == "Échéancier à corriger"
    lifecycle.contract_send(actor=administrator, contract=contract)
    assert OutgoingMail.objects.filter(template="contract_sent").count() == 2

    lifecycle.contract_recall(actor=administrator, contract=contract, reason="Nouvelle version")
    lifecycle.version_request(actor=administrator, contract=contract, language="fr")
    render_versions(contract)
    lifecycle.contract_send(actor=administrator, contract=contract)
    assert OutgoingMail.objects.filter(template="contract_sent").count() == 3


def test_a_contract_is_not_sent_before_its_pdf_is_rendered(administrator):
    from contracts.services.generation import contract_generate

    contract = contract_generate(actor=administrator, decision=selected_decision())

    with pytest.raises(ApplicationError) as error:
        lifecycle.contract_send(actor=administrator, contract=contract)

    assert error.value.code == "no_pdf"
    contract.refresh_from_db()
    assert contract.status == S.DRAFT


def test_only_the_clusters_director_signs_and_only_a_pdf(
    administrator, director, outsider, evaluator
):
    contract = sent_contract(administrator, director=director)

    for person in (outsider, evaluator, administrator):
        with pytest.raises(ApplicationError) as error:
            lifecycle.contract_sign(actor=person, contract=contract, scan=pdf_file("s.pdf"))
        assert error.value.code == "forbidden"
    with pytest.raises(ApplicationError):
        lifecycle.contract_sign(
            actor=director,
            contract=contract,
            scan=SimpleUploadedFile("contrat.pdf", b"pas un PDF", content_type="application/pdf"),
        )
    with pytest.raises(ApplicationError):
        lifecycle.contract_sign(
            actor=director,
            contract=contract,
            scan=SimpleUploadedFile("contrat.docx", b"PK\x03\x04", content_type="application/zip"),
        )

    contract.refresh_from_db()
    assert contract.status == S.SENT
    assert not contract.signed_scan
    assert not OutgoingMail.objects.filter(template="contract_signed").exists()


def test_only_an_administrator_sends_and_activates(administrator, director):
    contract = draft_contract(administrator, director=director)
    with pytest.raises(ApplicationError) as error:
        lifecycle.contract_send(actor=director, contract=contract)
    assert error.value.code == "forbidden"

    contract = lifecycle.contract_send(actor=administrator, contract=contract)
    contract = lifecycle.contract_sign(actor=director, contract=contract, scan=pdf_file("s.pdf"))
    with pytest.raises(ApplicationError) as error:
        lifecycle.contract_activate(actor=director, contract=contract, final_copy=pdf_file())
    assert error.value.code == "forbidden"


# Termination and closing


def test_termination_needs_a_reason(administrator, director):
    contract = active_contract(administrator, director)

    for reason in ("", "   ", None):
        with pytest.raises(ApplicationError) as error:
            lifecycle.contract_terminate(actor=administrator, contract=contract, reason=reason)
        assert error.value.field == "reason"

    contract.refresh_from_db()
    assert contract.status == S.ACTIVE
    assert contract.tranches.filter(status=TrancheStatus.CANCELLED).count() == 0


def test_termination_cancels_the_planned_tranches_and_keeps_what_is_due(administrator, director):
    contract = active_contract(administrator, director)

    contract = lifecycle.contract_terminate(
        actor=administrator, contract=contract, reason="  Structure d'animation dissoute  "
    )

    assert contract.status == S.TERMINATED
    assert contract.termination_reason == "Structure d'animation dissoute"
    assert contract.ended_at
    statuses = list(contract.tranches.values_list("year", "position", "status"))
    assert statuses[0] == (1, 1, TrancheStatus.DUE)
    assert {status for _y, _p, status in statuses[1:]} == {TrancheStatus.CANCELLED}
    entry = journal_for(contract).get(action="contract.terminate")
    assert entry.data == {"cancelled_tranches": 9}
    assert entry.message == "Structure d'animation dissoute"
    ended = OutgoingMail.objects.filter(template="contract_ended")
    assert list(ended.values_list("to", flat=True)) == [director.email]


def test_a_draft_terminated_tells_nobody(administrator, director):
    contract = draft_contract(administrator, director=director)

    lifecycle.contract_terminate(actor=administrator, contract=contract, reason="Doublon")

    assert not OutgoingMail.objects.filter(template="contract_ended").exists()


def test_closing_needs_the_last_years_report_approved(administrator, director):
    contract = active_contract(
        administrator, director, call=three_year_call(), amounts=[Decimal("1000000")] * 3
    )
    for year in (1, 2):
        report_approve(actor=administrator, report=filed_report(contract, director, year=year))
    last = filed_report(contract, director, year=3)

    with pytest.raises(ApplicationError) as error:
        lifecycle.contract_close(actor=administrator, contract=contract)
    assert error.value.code == "last_report"

    report_approve(actor=administrator, report=last)
    contract = lifecycle.contract_close(actor=administrator, contract=contract)
    assert contract.status == S.CLOSED
    assert contract.ended_at
    assert not contract.tranches.filter(status=TrancheStatus.PLANNED).exists()
    assert OutgoingMail.objects.filter(template="contract_ended", to=director.email).count() == 1


# Versions


def test_each_regeneration_adds_a_version_and_keeps_the_older_ones(administrator):
    contract = draft_contract(administrator)
    first = latest_version(contract)

    arabic = lifecycle.version_request(actor=administrator, contract=contract, language="ar")
    third = lifecycle.version_request(actor=administrator, contract=contract, language="fr")
    render_versions(contract)

    assert (arabic.number, third.number) == (2, 3)
    assert latest_version(contract).number == 3
    assert latest_version(contract, "ar").number == 2
    assert ContractVersion.objects.filter(contract=contract).exclude(pdf="").count() == 3
    first.refresh_from_db()
    assert first.pdf.storage.exists(first.pdf.name)


def test_a_rendered_version_rendered_again_replaces_its_file(administrator):
    contract = draft_contract(administrator)
    version = latest_version(contract)
    old = version.pdf.name

    again = lifecycle.version_pdf_render(version_id=version.pk)

    assert ContractVersion.objects.filter(contract=contract).count() == 1
    assert again.pdf.storage.exists(again.pdf.name)
    if again.pdf.name != old:
        assert not again.pdf.storage.exists(old)


def test_no_new_version_once_the_contract_is_sent(administrator):
    contract = sent_contract(administrator)

    with pytest.raises(ApplicationError) as error:
        lifecycle.version_request(actor=administrator, contract=contract, language="ar")

    assert error.value.code == "not_draft"


def test_closing_waits_for_every_years_report(administrator, director):
    contract = active_contract(administrator, director, amounts=[Decimal("1000000")] * 5)
    for year in range(1, 6):
        filed_report(contract, director, year=year)
    last = contract.reports.get(year=5)
    report_approve(actor=administrator, report=last)

    with pytest.raises(ApplicationError) as error:
        lifecycle.contract_close(actor=administrator, contract=contract)
    assert error.value.code == "last_report"
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    assert contract.reports.filter(status=ReportStatus.SUBMITTED).count() == 4
