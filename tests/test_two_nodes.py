"""Two web nodes serve one portal: a director's journey through nginx, each request answered
by the other node than the one before (sessions, two-factor sign-in, CSRF, messages, an
upload read back on the other node, a rate limit counted across both)."""

import re
from itertools import pairwise
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from accounts.tests.otp import confirmed_device, totp_code
from applications.models import Dossier, DossierStatus
from applications.tests.builders import PDF, call_with_checklist, cluster_for, complete
from tests.nodes import NGINX, NODE_HEADER, Cluster, node_environment
from tests.workers import database_url

pytestmark = pytest.mark.nodes

TIMEOUT = 30
PRODUCTION_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _collect_static(static_root):
    """The release's static files, as `collectstatic` leaves them for the nodes' manifest
    storage (the compressed copies, which take ten seconds to make, are left out)."""
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=static_root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture
def nodes(transactional_db, tmp_path, redis_server):
    if connection.vendor != "postgresql":
        pytest.skip("the nodes need a database they can share with the test: PostgreSQL")
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (CI installs it)")
    _collect_static(tmp_path / "static")
    environment = node_environment(
        tmp=tmp_path,
        database_url=database_url(),
        redis=redis_server,
        site_url="http://127.0.0.1",
        static_root=tmp_path / "static",
    )
    cluster = Cluster(tmp_path, environment)
    yield cluster
    cluster.stop()


class Visitor:
    """A browser-like HTTP client that notes which node answered each of its requests."""

    def __init__(self, cluster, answered_by):
        self.url, self.answered_by = cluster.url, answered_by
        self.session = requests.Session()
        self.session.hooks["response"].append(self._note)

    def _note(self, response, *args, **kwargs):
        self.answered_by.append(response.headers[NODE_HEADER])

    def get(self, path, **kwargs):
        return self.session.get(urljoin(self.url, path), timeout=TIMEOUT, **kwargs)

    def post(self, path, data=None, **kwargs):
        # The CSRF secret from the cookie, as a form's hidden field carries it.
        token = self.session.cookies.get(settings.CSRF_COOKIE_NAME)
        data = {"csrfmiddlewaretoken": token, **(data or {})}
        return self.session.post(urljoin(self.url, path), data=data, timeout=TIMEOUT, **kwargs)

    @property
    def last_node(self):
        return self.answered_by[-1]


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))


def _with_production_password(person):
    """Tests hash passwords with MD5 for speed; the nodes accept only production's hashers."""
    with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
        person.set_password(PASSWORD)
    person.save(update_fields=["password"])


def _sign_in(visitor, director):
    _with_production_password(director)
    device = confirmed_device(director)
    assert visitor.get(reverse("accounts:login")).status_code == 200
    # One failure first: the lockout counts the client's address, read from X-Forwarded-For.
    failed = visitor.post(
        reverse("accounts:login"), {"username": director.email, "password": "wrong-password"}
    )
    assert failed.status_code == 200
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"  # nginx itself is 127.0.0.3

    second_step = visitor.post(
        reverse("accounts:login"), {"username": director.email, "password": PASSWORD}
    )
    assert reverse("accounts:otp_verify") in second_step.url
    signed_in = visitor.post(second_step.url, {"code": totp_code(device)})
    assert signed_in.url.endswith(reverse("core:dashboard")), _text(signed_in)
    assert director.full_name in _text(signed_in)


def _upload_then_download_elsewhere(visitor, dossier, requirement, name):
    upload = reverse("applications:document_upload", args=[dossier.pk, requirement.pk])
    files = {"file": (name, PDF, "application/pdf")}
    sent = visitor.post(upload, files=files, allow_redirects=False)
    assert sent.status_code == 302, _text(sent)
    uploaded_on = visitor.last_node
    document = dossier.documents.get(requirement=requirement)
    download = reverse("applications:document_download", args=[dossier.pk, document.pk])
    read = visitor.get(download)
    assert visitor.last_node != uploaded_on
    assert read.status_code == 200 and read.content == PDF
    # The upload's message waits in its signed cookie while another page is read.
    shown = visitor.get(sent.headers["Location"])
    assert f"Le fichier « {requirement.label} » est enregistré." in _text(shown)


def test_a_directors_journey_alternating_between_two_nodes(nodes, director):
    call = call_with_checklist()
    cluster_for(director)
    answered_by = []
    visitor = Visitor(nodes, answered_by)

    _sign_in(visitor, director)

    page = visitor.get(reverse("applications:call_detail", args=[call.reference]))
    assert call.title in _text(page)
    # The same release on both nodes: the page's hashed stylesheet is served by each.
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]+\.css)"', page.text)[1]
    assert [visitor.get(stylesheet).status_code for _ in range(2)] == [200, 200]
    started = visitor.post(reverse("applications:dossier_start", args=[call.reference]))
    dossier = Dossier.objects.get(call=call)
    assert started.url.endswith(reverse("applications:dossier_detail", args=[dossier.pk]))

    complete(dossier, director, documents=False)
    saved = visitor.post(
        reverse("applications:dossier_section", args=[dossier.pk, "perimetre"]),
        {"perimeter": "Rabat, Salé et Kénitra"},
    )
    # Saved on one node, its message shown by the other after the redirect.
    assert "La section « Périmètre" in _text(saved)
    assert saved.history[0].headers[NODE_HEADER] != visitor.last_node
    for requirement in call.required_documents.filter(mandatory=True):
        _upload_then_download_elsewhere(visitor, dossier, requirement, "statuts.pdf")

    review = reverse("applications:dossier_review", args=[dossier.pk])
    assert visitor.get(review).status_code == 200
    refused = visitor.session.post(urljoin(nodes.url, review), {"declaration": "on"})
    assert refused.status_code == 403  # no CSRF token
    submitted = visitor.post(review, {"declaration": "on"})
    assert "Votre dossier a bien été déposé" in _text(submitted)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.perimeter == "Rabat, Salé et Kénitra"

    assert visitor.post(reverse("accounts:logout")).status_code == 200
    assert visitor.get(reverse("core:dashboard")).url.startswith(
        urljoin(nodes.url, reverse("accounts:login"))
    )
    _a_rate_limit_is_counted_across_both_nodes(Visitor(nodes, answered_by))

    assert {node.rsplit(":", 1)[1] for node in answered_by} == {
        str(port) for port in nodes.node_ports
    }, nodes.logs()
    assert all(first != second for first, second in pairwise(answered_by)), answered_by


def _a_rate_limit_is_counted_across_both_nodes(visitor):
    resend = reverse("accounts:verification_resend")
    visitor.get(resend)

    sent = [
        visitor.post(resend, {"email": "a@cluster.ma"}, allow_redirects=False).status_code
        for _ in range(4)
    ]

    # Three an hour to one address: two on each node, the fourth refused.
    assert sent == [302, 302, 302, 429]
