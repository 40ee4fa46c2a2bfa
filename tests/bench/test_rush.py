"""The deadline rush's data (bench/data/rush.py): drafts complete but for the call's three
files, which three uploads then a submission turn into a submitted dossier, through the
services and through the forms the load generator posts."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from applications.choices import ScanStatus
from applications.models import Call, Dossier, DossierStatus
from applications.sections import missing_items
from applications.selectors import dossier_for_page
from applications.services.documents import document_upload
from applications.services.submission import dossier_submit
from bench.data.plan import DOMAIN, Plan
from bench.data.rush import RUSH_REFERENCE, padded_pdf, rush_count, rush_drafts, rush_prepare
from core.uploads import MB, check_upload

pytestmark = pytest.mark.django_db


def _hex(n):
    return os.urandom(n // 2 + 1).hex()[:n].encode()


@pytest.fixture
def rush(db):
    return rush_prepare(Plan(scale=0.01, seed=3), count=3)


def _loaded(dossier):
    return dossier_for_page(Dossier.objects.filter(pk=dossier.pk)).get()


def _uploads(dossier, size=64 * 1024):
    return [
        (requirement, SimpleUploadedFile(f"piece-{n}.pdf", padded_pdf(size, _hex)))
        for n, requirement in enumerate(dossier.call.required_documents.all())
    ]


def test_the_count_is_three_hundred_at_full_scale_and_never_under_three():
    assert rush_count(1) == 300
    assert rush_count(0.05) == 15
    assert rush_count(0.001) == 3


def test_the_seed_writes_drafts_for_the_rush_and_for_one_twice_its_size():
    assert rush_drafts(1) == 300 + 600
    assert rush_drafts(0.01) == 3 + 6


def test_an_open_call_asks_for_three_pdfs_and_nothing_else_is_missing(rush):
    call = Call.objects.get(reference=RUSH_REFERENCE)
    assert call.is_open()
    requirements = list(call.required_documents.all())
    assert len(requirements) == 3
    assert all(r.mandatory and r.allowed_types == ["pdf"] for r in requirements)
    drafts = Dossier.objects.filter(call=call)
    assert drafts.count() == 3
    for dossier in drafts:
        assert dossier.status == DossierStatus.DRAFT and not dossier.documents.exists()
        missing = [str(gap) for _section, gap in missing_items(_loaded(dossier))]
        assert sorted(missing) == sorted(r.label for r in requirements)


def test_three_uploads_then_the_submission_give_a_submitted_dossier(rush):
    dossier = rush.dossiers[0]
    director = dossier.cluster.owner
    for requirement, uploaded in _uploads(dossier, size=2 * MB):
        document_upload(actor=director, dossier=dossier, requirement=requirement, uploaded=uploaded)
    assert missing_items(_loaded(dossier)) == []
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert len(dossier.participants_snapshot) == 20
    documents = list(dossier.documents.all())
    assert [d.size for d in documents] == [2 * MB] * 3
    assert all(d.scan_status == ScanStatus.CLEAN for d in documents)
    receipt = dossier.receipts.get()
    assert {entry["sha256"] for entry in receipt.files} == {d.sha256 for d in documents}


def test_the_forms_the_load_generator_posts_submit_the_dossier(rush):
    """The same URLs and fields as bench/rush.py, through the views."""
    dossier = rush.dossiers[1]
    client = Client()
    client.force_login(dossier.cluster.owner)
    for requirement, uploaded in _uploads(dossier):
        url = reverse("applications:document_upload", args=[dossier.pk, requirement.pk])
        answer = client.post(url, {"file": uploaded}, headers={"HX-Request": "true"})
        assert answer.status_code == 200, answer.content.decode()[:500]
        assert "HX-Retarget" not in answer.headers
        assert f'id="piece-{requirement.pk}"' in answer.content.decode()
    review = reverse("applications:dossier_review", args=[dossier.pk])
    assert client.get(review).status_code == 200
    answer = client.post(review, {"declaration": "on"})
    assert answer["Location"] == reverse("applications:dossier_confirmation", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_the_padded_pdf_has_the_exact_size_its_own_fingerprint_and_passes_the_checks():
    first, second = padded_pdf(2 * MB, _hex), padded_pdf(2 * MB, _hex)
    assert len(first) == len(second) == 2 * MB
    checked = [
        check_upload(SimpleUploadedFile("piece.pdf", content), allowed_types=["pdf"], max_size_mb=5)
        for content in (first, second)
    ]
    assert checked[0].content_type == "application/pdf"
    assert checked[0].sha256 != checked[1].sha256


def test_seed_bench_writes_the_rush_with_benchmark_accounts_only(db):
    call_command("seed_bench", "--scale", "0.01", "--seed", "3", stdout=io.StringIO())
    rush_directors = User.objects.filter(email__startswith="rush", role=Role.DIRECTOR)
    assert rush_directors.count() == 9
    assert not rush_directors.filter(two_factor_enabled=True).exists()
    assert Dossier.objects.filter(call__reference=RUSH_REFERENCE).count() == 9
    # The reset refuses a database with any other account: the rush's are the benchmark's.
    assert not User.objects.exclude(email__endswith=f"@{DOMAIN}").exists()
