"""The contract's, the tranche's and the annual report's transition tables, walked move by
move on one generated contract whose rows are put back in each state tried."""

import pytest

from contracts.models import AnnualReport, ContractStatus, ReportStatus, TrancheStatus
from contracts.services import generation
from contracts.services.lifecycle import CONTRACT_STATES, contract_transition
from contracts.services.reports import REPORT_STATES, report_transition
from contracts.services.tranches import TRANCHE_STATES, tranche_transition
from contracts.tests.factories import selected_decision
from core.tests.states import walk_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(administrator):
    decision = selected_decision(decided_by=administrator)
    return generation.contract_generate(actor=administrator, decision=decision)


def put_back(row, state):
    """The row in `state`, as a test sets it up (services move it only by its table)."""
    type(row).objects.filter(pk=row.pk).update(status=state)
    return type(row).objects.get(pk=row.pk)


def test_every_move_of_a_contract_follows_its_table(administrator, contract):
    def move(row, action):
        # As `contract_terminate` sets it: a terminated contract says why.
        fields = []
        if action == "terminate":
            row.termination_reason = "Manquement grave"
            fields = ["termination_reason"]
        contract_transition(actor=administrator, contract=row, action=action, fields=fields)

    walk_table(
        CONTRACT_STATES, ContractStatus.values, lambda state: put_back(contract, state), move
    )


def test_every_move_of_a_tranche_follows_its_table(administrator, contract):
    tranche = contract.tranches.first()

    def move(row, action):
        tranche_transition(actor=administrator, tranche=row, action=action, contract=contract)

    walk_table(TRANCHE_STATES, TrancheStatus.values, lambda state: put_back(tranche, state), move)


def test_every_move_of_an_annual_report_follows_its_table(administrator, contract):
    report = AnnualReport.objects.create(contract=contract, year=1)

    def move(row, action):
        report_transition(actor=administrator, report=row, action=action)

    walk_table(REPORT_STATES, ReportStatus.values, lambda state: put_back(report, state), move)
