"""Every URL of the portal, for every role, GET and POST, against one explicit table.

A URL added to the project without an entry here fails `test_every_url_has_an_entry`: whoever
adds a page decides who may open it. Objects of another cluster, or of a dossier not assigned
to the evaluator, answer 404: never 200, never a 403 that would confirm they exist.
"""

import re

import pytest
from django.urls import reverse

from core.tests.client import CommittingClient, page_text

from .access_matrix import METHODS, ROLES, attempt, url_for, url_names
from .access_world import OWNER_ACRONYM, OWNER_CLUSTER, build_world

pytestmark = pytest.mark.django_db

# One entry per URL name: (GET, POST), each a row of outcomes in the order of ROLES:
#   anonymous  director  outsider  assigned  unassigned  committee  administrator
# "director" owns the world's cluster; "outsider" directs another cluster; "assigned" is the
# evaluator of the director's dossier, "unassigned" an evaluator of the outsider's one only.
# A = allowed: 2xx, or 3xx elsewhere than the login page (a form shown again with its errors,
#     400 included, counts: an empty POST must never be a 500)
# L = sent to the login page   F = 403 forbidden   N = 404 not found   M = 405 method not allowed
TABLE = {
    "accounts:invitation_accept": ("A A A A A A A", "A A A A A A A"),
    "accounts:invitation_resend": ("L F F F F F M", "L F F F F F A"),
    "accounts:language_set": ("M M M M M M M", "A A A A A A A"),
    "accounts:login": ("A A A A A A A", "A A A A A A A"),
    "accounts:logout": ("M M M M M M M", "A A A A A A A"),
    "accounts:otp_enrol": ("L A A A A A A", "L A A A A A A"),
    "accounts:otp_verify": ("L A A A A A A", "L A A A A A A"),
    "accounts:password_change": ("L A A A A A A", "L A A A A A A"),
    "accounts:password_confirm": ("L A A A A A A", "L A A A A A A"),
    "accounts:recovery_codes": ("L A A A A A A", "L A A A A A A"),
    "accounts:recovery_codes_regenerate": ("M M M M M M M", "L A A A A A A"),
    # Staff may post it, but the service refuses (two factors are mandatory for them) and the
    # profile page says so: accounts/tests/test_two_factor.py checks the refusal.
    "accounts:two_factor_disable": ("M M M M M M M", "L A A A A A A"),
    "accounts:two_factor_reset": ("M M M M M M M", "L F F F F F A"),
    "accounts:password_reset": ("A A A A A A A", "A A A A A A A"),
    "accounts:password_reset_confirm": ("A A A A A A A", "A A A A A A A"),
    "accounts:password_reset_done": ("A A A A A A A", "M M M M M M M"),
    "accounts:profile": ("L A A A A A A", "L A A A A A A"),
    "accounts:register": ("A A A A A A A", "A A A A A A A"),
    "accounts:register_done": ("A A A A A A A", "A A A A A A A"),
    "accounts:user_invite": ("L F F F F F A", "L F F F F F A"),
    "accounts:user_list": ("L F F F F F A", "L F F F F F A"),
    "accounts:verification_resend": ("A A A A A A A", "A A A A A A A"),
    "accounts:verify_email": ("A A A A A A A", "A A A A A A A"),
    "audit:journal": ("L F F F F F A", "M M M M M M M"),
    "applications:backoffice_call_clone": ("L F F F F F M", "L F F F F F A"),
    "applications:backoffice_call_create": ("L F F F F F A", "L F F F F F A"),
    "applications:backoffice_call_deadline": ("L F F F F F A", "L F F F F F A"),
    "applications:backoffice_call_detail": ("L F F F F F A", "L F F F F F A"),
    "applications:backoffice_call_list": ("L F F F F F A", "L F F F F F A"),
    "applications:backoffice_call_publish": ("L F F F F F M", "L F F F F F A"),
    "applications:backoffice_call_update": ("L F F F F F A", "L F F F F F A"),
    "applications:backoffice_document_create": ("L F F F F F A", "L F F F F F A"),
    "applications:backoffice_document_delete": ("L F F F F F A", "L F F F F F A"),
    "applications:backoffice_document_update": ("L F F F F F A", "L F F F F F A"),
    "applications:call_detail": ("A A A A A A A", "A A A A A A A"),
    "applications:call_list": ("A A A A A A A", "A A A A A A A"),
    "applications:call_specification": ("A A A A A A A", "A A A A A A A"),
    "applications:cluster_edit": ("L A A F F F F", "L A A F F F F"),
    "applications:cluster_profile": ("L A A F F F F", "L A A F F F F"),
    "applications:co_editor_remove": ("L M M F F F F", "L A N F F F F"),
    "applications:co_editors": ("L A A F F F F", "L A A F F F F"),
    "applications:document_delete": ("L M M M M M M", "L A N N N N F"),
    "applications:document_download": ("L A N N N N A", "L A N N N N A"),
    "applications:document_upload": ("L M M M M M M", "L A N N N N F"),
    "applications:dossier_confirmation": ("L A N N N N A", "L A N N N N A"),
    "applications:dossier_detail": ("L A N N N N A", "L A N N N N A"),
    "applications:dossier_list": ("L A A F F F F", "L A A F F F F"),
    "applications:dossier_reopen": ("L M M M M M M", "L A N N N N F"),
    "applications:dossier_review": ("L A N N N N A", "L A N N N N F"),
    "applications:dossier_section": ("L A N N N N A", "L A N N N N F"),
    "applications:dossier_start": ("L A A F F F F", "L A A F F F F"),
    "applications:dossier_withdraw": ("L A N N N N F", "L A N N N N F"),
    "applications:member_add": ("L A A F F F F", "L A A F F F F"),
    "applications:member_delete": ("L A N F F F F", "L A N F F F F"),
    "applications:member_edit": ("L A N F F F F", "L A N F F F F"),
    "applications:member_list": ("L A A F F F F", "L A A F F F F"),
    "applications:project_add": ("L A N N N N F", "L A N N N N F"),
    "applications:project_delete": ("L M M M M M M", "L A N N N N F"),
    "applications:project_edit": ("L A N N N N F", "L A N N N N F"),
    "applications:receipt_download": ("L A N N N N A", "L A N N N N A"),
    "applications:request_answer": ("L M M M M M M", "L A N N N N F"),
    "applications:request_detail": ("L A N N N N A", "L A N N N N F"),
    "applications:request_upload": ("L M M M M M M", "L A N N N N F"),
    "contracts:activate": ("M M M M M M M", "L F F F F F A"),
    "contracts:close": ("M M M M M M M", "L F F F F F A"),
    "contracts:commitments": ("L F F F F F A", "L F F F F F A"),
    "contracts:detail": ("L A N N N N A", "L A N N N N A"),
    "contracts:draft_update": ("L F F F F F A", "L F F F F F A"),
    "contracts:final_copy": ("L A N N N N A", "L A N N N N A"),
    "contracts:generate": ("L F F F F F M", "L F F F F F A"),
    "contracts:list": ("L F F F F F A", "L F F F F F A"),
    "contracts:payment_record": ("L F F F F F A", "L F F F F F A"),
    "contracts:programme": ("L F F F F F A", "L F F F F F A"),
    "contracts:programme_csv": ("L F F F F F A", "L F F F F F A"),
    "contracts:programme_xlsx": ("L F F F F F A", "L F F F F F A"),
    "contracts:public_summary": ("A A A A A A A", "A A A A A A A"),
    "contracts:recall": ("M M M M M M M", "L F F F F F A"),
    "contracts:report": ("L A N N N N A", "L A N N N N A"),
    "contracts:report_approve": ("M M M M M M M", "L F F F F F A"),
    "contracts:report_evidence": ("L A N N N N A", "L A N N N N A"),
    "contracts:report_file": ("L A N N N N A", "L A N N N N A"),
    "contracts:report_request_changes": ("M M M M M M M", "L F F F F F A"),
    "contracts:report_review": ("L F F F F F A", "L F F F F F A"),
    "contracts:schedule": ("L F F F F F A", "L F F F F F A"),
    "contracts:send": ("M M M M M M M", "L F F F F F A"),
    "contracts:sign": ("M M M M M M M", "L A N N N N F"),
    "contracts:signed_scan": ("L A N N N N A", "L A N N N N A"),
    "contracts:terminate": ("L F F F F F A", "L F F F F F A"),
    "contracts:terms": ("L F F F F F A", "L F F F F F A"),
    "contracts:terms_language": ("L F F F F F A", "L F F F F F A"),
    "contracts:version_download": ("L A N N N N A", "L A N N N N A"),
    "contracts:version_request": ("M M M M M M M", "L F F F F F A"),
    "core:dashboard": ("L A A A A A A", "L A A A A A A"),
    "core:home": ("A A A A A A A", "A A A A A A A"),
    "evaluation:admissibility_accept": ("L F F F F F M", "L F F F F F A"),
    "evaluation:admissibility_detail": ("L F F F F F A", "L F F F F F A"),
    "evaluation:admissibility_list": ("L F F F F F A", "L F F F F F A"),
    "evaluation:admissibility_reject": ("L F F F F F M", "L F F F F F A"),
    "evaluation:admissibility_request": ("L F F F F F M", "L F F F F F A"),
    "evaluation:assignment_add": ("L F F F F F M", "L F F F F F A"),
    "evaluation:assignment_remove": ("L F F F F F M", "L F F F F F A"),
    "evaluation:assignments": ("L F F F F F A", "L F F F F F A"),
    "evaluation:assignments_auto": ("L F F F F F M", "L F F F F F A"),
    "evaluation:consensus": ("L F F F F A A", "L F F F F A A"),
    "evaluation:criterion_add": ("L F F F F F A", "L F F F F F A"),
    "evaluation:criterion_delete": ("L F F F F F A", "L F F F F F A"),
    "evaluation:criterion_edit": ("L F F F F F A", "L F F F F F A"),
    "evaluation:decision": ("L F F F F M M", "L F F F F A A"),
    "evaluation:decision_letter": ("L A N N N N A", "L A N N N N A"),
    "evaluation:declare": ("L F F A N F F", "L F F A N F F"),
    "evaluation:document": ("L N N A N N N", "L N N A N N N"),
    "evaluation:grid": ("L F F F F F A", "L F F F F F A"),
    "evaluation:grid_adapt": ("L F F F F F M", "L F F F F F A"),
    "evaluation:grid_settings": ("L F F F F F A", "L F F F F F A"),
    "evaluation:queue": ("L F F A A F F", "L F F A A F F"),
    "evaluation:ranking": ("L F F F F A A", "L F F F F A A"),
    "evaluation:ranking_csv": ("L F F F F A A", "L F F F F A A"),
    "evaluation:ranking_xlsx": ("L F F F F A A", "L F F F F A A"),
    "evaluation:results_publish": ("L F F F F F A", "L F F F F F A"),
    "evaluation:review": ("L N N A N N N", "L N N A N N N"),
    "evaluation:review_reopen": ("L F F F F F A", "L F F F F F A"),
    "evaluation:review_reopen_request": ("M M M M M M M", "L N N A N N N"),
    "evaluation:review_submit": ("L N N A N N N", "L N N A N N N"),
    "evaluation:scores_csv": ("L F F F F A A", "L F F F F A A"),
    "healthz": ("A A A A A A A", "M M M M M M M"),
    "javascript-catalog": ("A A A A A A A", "M M M M M M M"),
    # Hidden from every person: only a scraper with the token or in an allowed network sees it
    # (tests/test_metrics.py); without either, as here, it is off.
    "metrics": ("N N N N N N N", "N N N N N N N"),
    # Probed by load balancers: anonymous, and it shows no more than names, states, latencies.
    "readyz": ("A A A A A A A", "M M M M M M M"),
}

# Each test builds the world once and runs its URLs' requests in savepoints: a few tests
# rather than one per URL keep the whole matrix well under a minute and a half.
GROUPS = ("core", "accounts", "applications", "evaluation", "contracts", "audit", "")


def _group(name):
    return name.split(":")[0] if ":" in name else ""


@pytest.fixture
def world(director, outsider, evaluator, committee_member, administrator):
    return build_world(
        director=director,
        outsider=outsider,
        evaluator=evaluator,
        committee_member=committee_member,
        administrator=administrator,
    )


def test_every_url_has_an_entry():
    resolved = url_names()
    missing = sorted(resolved - TABLE.keys())
    gone = sorted(TABLE.keys() - resolved)
    assert not missing, f"URLs with no entry in the access table, add them: {missing}"
    assert not gone, f"Entries for URLs that no longer exist, remove them: {gone}"


ROW = rf"[ALFNM]( [ALFNM]){{{len(ROLES) - 1}}}"


def test_every_entry_has_an_outcome_per_role_and_method():
    malformed = {
        name: rows
        for name, rows in TABLE.items()
        if len(rows) != len(METHODS) or any(not re.fullmatch(ROW, row) for row in rows)
    }
    assert not malformed


@pytest.mark.parametrize("group", GROUPS, ids=lambda group: group or "project")
def test_each_role_gets_what_the_table_says(world, group):
    names = sorted(name for name in TABLE if _group(name) == group)
    wrong = []
    for name in names:
        url = url_for(name, world)
        for method, row in zip(METHODS, TABLE[name], strict=True):
            for role, expected in zip(ROLES, row.split(), strict=True):
                got, response = attempt(world.people[role], method, url)
                if got != expected:
                    wrong.append(
                        f"{name} {method} as {role}: expected {expected}, got {got} "
                        f"({response.status_code} {response.get('Location', '')})"
                    )
    assert names
    assert not wrong, "\n".join(wrong)


def _page(user, name, **kwargs):
    client = CommittingClient()
    client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200
    return page_text(response)


@pytest.mark.parametrize(
    "role, name",
    [
        ("outsider", "applications:dossier_list"),
        ("outsider", "core:dashboard"),
        ("outsider", "applications:cluster_profile"),
        ("unassigned", "evaluation:queue"),
        ("unassigned", "core:dashboard"),
        ("committee", "core:dashboard"),
    ],
)
def test_lists_do_not_show_the_director_s_cluster(world, role, name):
    text = _page(world.people[role], name)

    for secret in (OWNER_CLUSTER, OWNER_ACRONYM, world.requested.reference):
        assert secret not in text
    assert world.evaluated.reference not in text


def test_the_lists_do_show_one_s_own(world):
    """The checks above prove something: the same pages list the owner's and assigned's."""
    assert world.requested.reference in _page(world.people["director"], "applications:dossier_list")
    theirs = _page(world.people["outsider"], "applications:dossier_list")
    assert world.outsider_dossier.reference in theirs
    assert world.evaluated.reference in _page(world.people["assigned"], "evaluation:queue")
    queue = _page(world.people["unassigned"], "evaluation:queue")
    assert world.outsider_dossier.reference in queue


@pytest.mark.parametrize("role", ["director", "outsider", "assigned", "committee"])
def test_django_admin_sends_portal_roles_to_its_own_login(world, role):
    client = CommittingClient()
    client.force_login(world.people[role])

    response = client.get("/gestion/django/")

    assert response.status_code == 302
    assert response["Location"].startswith("/gestion/django/login/")
