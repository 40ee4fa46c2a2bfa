"""Step 5 of the benchmark: the floor is WeasyPrint on the very HTML the portal renders, and the
comparison reports what the contract PDF is."""

import subprocess

import pdfs
import pytest
import weasyprint

from contracts.services import lifecycle
from contracts.tests.factories import draft_contract

pytestmark = pytest.mark.django_db


def pdf_text(content):
    result = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


@pytest.fixture
def version(administrator):
    return draft_contract(administrator).versions.get()


def test_the_floor_renders_the_same_document_as_the_contract_service(version):
    with pdfs.weasyprint_calls() as calls:
        lifecycle.version_pdf_render(version_id=version.pk)
    ((args, kwargs),) = calls
    version.refresh_from_db()

    floor = weasyprint.HTML(*args, **kwargs).write_pdf()

    assert "Annexe 2" in pdf_text(floor)
    assert pdf_text(floor) == pdf_text(version.pdf.read())


def test_the_comparison_counts_the_contract_pages_and_keeps_a_real_pdf(version):
    result = pdfs.compare(lambda: lifecycle.version_pdf_render(version_id=version.pk), runs=1)

    version.refresh_from_db()
    content = version.pdf.read()
    assert content.startswith(b"%PDF-")
    assert result["pages"] == pdf_text(content).count("\f") >= 2
    assert result["service_ms"] > result["service_without_weasyprint_ms"]
