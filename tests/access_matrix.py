"""The machinery of the access matrix: the project's URL names from the resolver, the
arguments each takes in the world, and the outcome class of a response."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.tests.factories import DirectorFactory
from accounts.tokens import email_verification_token
from core.tests.client import CommittingClient

ROLES = (
    "anonymous",
    "director",
    "outsider",
    "assigned",
    "unassigned",
    "committee",
    "administrator",
)
METHODS = ("GET", "POST")
ALLOWED, LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = "A", "L", "F", "N", "M"
# Django's own admin has its own staff checks, and its URLs are generated from the models: it is
# left out of the matrix (one test checks that the portal's roles are kept out of it).
ADMIN_PREFIX = "gestion/django/"


def url_names(patterns=None, namespace="", prefix=""):
    """Every named URL of the project, namespaced ("applications:dossier_detail")."""
    names = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(ADMIN_PREFIX):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry.url_patterns, inner, route)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"The URL {route!r} has no name: the matrix cannot list it."
            names.add(namespace + entry.name)
    return names


def _uid_and_token(user):
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def _call(w):
    return {"call_pk": w.requested.call_id}


def _contract(w):
    return {"pk": w.contract.pk}


def _report(w):
    return {"pk": w.contract.pk, "year": w.report.year}


def _requested(w):
    return {"pk": w.requested.pk}


def _evaluated(w):
    return {"dossier_pk": w.evaluated.pk}


# The arguments of each URL, taken from the world: the director's own objects.
KWARGS = {
    "accounts:verify_email": lambda w: {
        "token": email_verification_token(DirectorFactory(email_verified_at=None))
    },
    "accounts:password_reset_confirm": lambda w: _uid_and_token(w.co_editor),
    "accounts:invitation_accept": lambda w: _uid_and_token(w.invitee),
    "accounts:invitation_resend": lambda w: {"pk": w.invitee.pk},
    "accounts:two_factor_reset": lambda w: {"pk": w.people["assigned"].pk},
    "applications:call_detail": lambda w: {"reference": w.open_call.reference},
    "applications:call_specification": lambda w: {"reference": w.open_call.reference},
    "applications:dossier_start": lambda w: {"reference": w.open_call.reference},
    "applications:backoffice_call_detail": lambda w: {"pk": w.requested.call_id},
    "applications:backoffice_call_update": lambda w: {"pk": w.open_call.pk},
    "applications:backoffice_call_publish": lambda w: {"pk": w.open_call.pk},
    "applications:backoffice_call_clone": lambda w: {"pk": w.requested.call_id},
    "applications:backoffice_call_deadline": lambda w: {"pk": w.open_call.pk},
    "applications:backoffice_document_create": lambda w: {"pk": w.requested.call_id},
    "applications:backoffice_document_update": lambda w: {
        "pk": w.requested.call_id,
        "document_pk": w.requested.call.required_documents.first().pk,
    },
    "applications:backoffice_document_delete": lambda w: {
        "pk": w.requested.call_id,
        "document_pk": w.requested.call.required_documents.first().pk,
    },
    "applications:member_edit": lambda w: {"pk": w.cluster.members.first().pk},
    "applications:member_delete": lambda w: {"pk": w.cluster.members.first().pk},
    "applications:co_editor_remove": lambda w: {"user_pk": w.co_editor.pk},
    "applications:dossier_detail": _requested,
    "applications:dossier_section": lambda w: {"pk": w.requested.pk, "slug": "gouvernance"},
    "applications:document_upload": lambda w: {
        "pk": w.requested.pk,
        "requirement_pk": w.requested.call.required_documents.first().pk,
    },
    "applications:document_download": lambda w: {
        "pk": w.requested.pk,
        "document_pk": w.requested.documents.first().pk,
    },
    "applications:document_delete": lambda w: {
        "pk": w.requested.pk,
        "document_pk": w.requested.documents.first().pk,
    },
    "applications:project_add": _requested,
    "applications:project_edit": lambda w: {
        "pk": w.requested.pk,
        "project_pk": w.requested.projects.first().pk,
    },
    "applications:project_delete": lambda w: {
        "pk": w.requested.pk,
        "project_pk": w.requested.projects.first().pk,
    },
    "applications:dossier_review": _requested,
    "applications:dossier_confirmation": _requested,
    "applications:receipt_download": lambda w: {
        "pk": w.requested.pk,
        "receipt_pk": w.requested.receipts.first().pk,
    },
    "applications:dossier_withdraw": _requested,
    "applications:dossier_reopen": _requested,
    "applications:request_detail": _requested,
    "applications:request_upload": lambda w: {
        "pk": w.requested.pk,
        "requirement_pk": w.requested.document_requests.get().requirements.first().pk,
    },
    "applications:request_answer": _requested,
    "evaluation:grid": _call,
    "evaluation:grid_adapt": _call,
    "evaluation:grid_settings": _call,
    "evaluation:criterion_add": _call,
    "evaluation:criterion_edit": lambda w: {
        "call_pk": w.evaluated.call_id,
        "criterion_pk": w.evaluated.call.grid.criteria.first().pk,
    },
    "evaluation:criterion_delete": lambda w: {
        "call_pk": w.evaluated.call_id,
        "criterion_pk": w.evaluated.call.grid.criteria.first().pk,
    },
    "evaluation:admissibility_list": _call,
    "evaluation:admissibility_detail": lambda w: {"dossier_pk": w.requested.pk},
    "evaluation:admissibility_accept": lambda w: {"dossier_pk": w.requested.pk},
    "evaluation:admissibility_reject": lambda w: {"dossier_pk": w.requested.pk},
    "evaluation:admissibility_request": lambda w: {"dossier_pk": w.requested.pk},
    "evaluation:assignments": lambda w: {"call_pk": w.evaluated.call_id},
    "evaluation:assignments_auto": lambda w: {"call_pk": w.evaluated.call_id},
    "evaluation:assignment_add": lambda w: {
        "call_pk": w.evaluated.call_id,
        "dossier_pk": w.evaluated.pk,
    },
    "evaluation:assignment_remove": lambda w: {"assignment_pk": w.assignment.pk},
    "evaluation:declare": lambda w: {"assignment_pk": w.assignment.pk},
    "evaluation:review": lambda w: {"assignment_pk": w.assignment.pk},
    "evaluation:review_submit": lambda w: {"assignment_pk": w.assignment.pk},
    "evaluation:review_reopen_request": lambda w: {"assignment_pk": w.assignment.pk},
    "evaluation:document": lambda w: {
        "assignment_pk": w.assignment.pk,
        "document_pk": w.evaluated.documents.first().pk,
    },
    "evaluation:review_reopen": lambda w: {"review_pk": w.review.pk},
    "evaluation:ranking": lambda w: {"call_pk": w.evaluated.call_id},
    "evaluation:ranking_csv": lambda w: {"call_pk": w.evaluated.call_id},
    "evaluation:ranking_xlsx": lambda w: {"call_pk": w.evaluated.call_id},
    "evaluation:scores_csv": lambda w: {"call_pk": w.evaluated.call_id},
    "evaluation:results_publish": lambda w: {"call_pk": w.evaluated.call_id},
    "evaluation:consensus": _evaluated,
    "evaluation:decision": _evaluated,
    "evaluation:decision_letter": lambda w: {"decision_pk": w.decision.pk},
    "contracts:detail": _contract,
    "contracts:version_request": _contract,
    "contracts:version_download": lambda w: {"pk": w.contract.pk, "number": 1},
    "contracts:send": _contract,
    "contracts:recall": _contract,
    "contracts:sign": _contract,
    "contracts:signed_scan": _contract,
    "contracts:activate": _contract,
    "contracts:final_copy": _contract,
    "contracts:close": _contract,
    "contracts:terminate": _contract,
    "contracts:generate": lambda w: {"decision_pk": w.decision.pk},
    "contracts:draft_update": _contract,
    "contracts:schedule": _contract,
    "contracts:commitments": _contract,
    "contracts:terms": lambda w: {"call_pk": w.contract.call_id},
    "contracts:terms_language": lambda w: {"call_pk": w.contract.call_id, "language": "ar"},
    "contracts:report": _report,
    "contracts:report_review": _report,
    "contracts:report_approve": _report,
    "contracts:report_request_changes": _report,
    "contracts:report_file": lambda w: {**_report(w), "kind": "activity_report"},
    "contracts:report_evidence": lambda w: {**_report(w), "line_pk": w.evidence_line.pk},
    "contracts:payment_record": lambda w: {"pk": w.tranche.pk},
}


def url_for(name, world):
    build = KWARGS.get(name)
    return reverse(name, kwargs=build(world) if build else None)


def outcome(response):
    """The class of a response: allowed, sent to log in, forbidden, not found, not allowed;
    anything else (a 500) is its own status code, which no table entry expects."""
    status = response.status_code
    location = response.get("Location", "")
    if (
        status == 302
        and location.startswith(resolve_url(settings.LOGIN_URL))
        and "next=" in location
    ):
        return LOGIN
    # 400 is a form shown again with its errors (the contract page's actions answer so).
    if 200 <= status <= 400:
        return ALLOWED
    return {403: FORBIDDEN, 404: NOT_FOUND, 405: NOT_ALLOWED}.get(status, str(status))


def attempt(user, method, url):
    """One request by `user`, undone afterwards: the world stays as built for the next one."""
    # Rate-limit counters live in the cache, which no rollback resets.
    cache.clear()
    with transaction.atomic():
        client = CommittingClient(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        response = client.get(url) if method == "GET" else client.post(url, {})
        result = outcome(response)
        if response.streaming:
            # Read through the test client's wrapper, which closes the file without closing
            # the database connection (response.close() would, inside this transaction).
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return result, response
