"""The contract's PDF: parties, articles, the subsidy schedule and the KPI commitments as
tables, numbered pages, in French and in Arabic."""

import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from contracts.selectors import latest_version
from contracts.services import drafting, lifecycle, terms
from contracts.tests.factories import decided_call, draft_contract, render_versions

AMOUNTS = [
    Decimal("1800000"),
    Decimal("1900000"),
    Decimal("2000000"),
    Decimal("2000000"),
    Decimal("1750000.50"),
]
ARABIC_TERMS = {
    "title": "عقد برنامج لدعم العنقود",
    "preamble": "في إطار برنامج دعم العناقيد وصندوق دعم العناقيد، تواكب وزارة الصناعة والتجارة "
    "العناقيد المعتمدة على إثر طلب المشاريع.",
    "purpose": "يهدف هذا العقد إلى تحديد الالتزامات المتبادلة بين الدولة والعنقود.",
    "state_obligations": "تلتزم الدولة بدفع إعانة سنوية لهيكل التنشيط وبالترويج للعنقود وطنيا ودوليا.",
    "cluster_obligations": "يلتزم العنقود بتوظيف فريق التنشيط وبلوغ مؤشرات الأداء وتقديم تقرير سنوي.",
    "attribution_terms": "تمنح الإعانة طوال مدة العقد في حدود السقف السنوي لطلب المشاريع.",
    "payment_terms": "تدفع كل إعانة سنوية على أقساط حسب الجدول الزمني الملحق.",
    "evaluation_terms": "تدرس الوزارة كل تقرير سنوي وتحسب نسبة إنجاز المؤشرات.",
    "final_terms": "يدخل هذا العقد حيز التنفيذ بعد توقيع الطرفين.",
}


def pdf_pages(content):
    """The text of each page, spaces of every kind made plain."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    pages = result.stdout.decode().split("\f")
    return [" ".join(page.split()) for page in pages if page.strip()]


def keep(name, content):
    """Leave the PDF in test-artifacts/ to look at it (git-ignored)."""
    folder = Path(settings.BASE_DIR) / "test-artifacts"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(content)


def pdf_of(version):
    version.refresh_from_db()
    with version.pdf.open("rb") as handle:
        return handle.read()


@pytest.fixture
def contract(administrator):
    call = decided_call(edition_year=2026, budget_envelope=Decimal("30000000"))
    return draft_contract(administrator, call=call, amounts=AMOUNTS)


@pytest.mark.django_db
def test_the_french_contract_lists_its_parties_articles_schedule_and_indicators(contract):
    version = latest_version(contract, "fr")
    content = pdf_of(version)
    keep("contract-fr.pdf", content)
    pages = pdf_pages(content)
    text = " ".join(pages)

    assert len(pages) >= 2
    for number in range(1, len(pages) + 1):
        assert f"{number} / {len(pages)}" in pages[number - 1]
    assert contract.reference in text
    assert f"{contract.reference} — v{version.number}" in text
    assert "Ministère de l'Industrie et du Commerce" in text or "Ministère de l’Industrie" in text
    assert contract.legal_name in text
    assert contract.representative_name in text
    for heading in (
        "Entre les soussignés",
        "Préambule",
        "Article 1 — Objet",
        "Article 2 — Durée et prise d'effet",
        "Article 6 — Modalités de versement",
        "Article 8 — Dispositions finales",
        "Annexe 1 — Échéancier de la subvention",
        "Annexe 2 — Indicateurs de performance et cibles",
        "Pour le Ministère",
        "Pour le Cluster",
    ):
        assert heading in text
    assert "pour une durée de 5 ans à compter du" in text
    assert "seuil de réalisation des indicateurs est fixé à 50 %" in text
    assert "réduite en proportion de ce taux" in text
    # The total, and each year's subtotal, to the centime.
    assert "9 450 000,50 MAD" in text
    for year, amount in (
        (1, "1 800 000,00"),
        (2, "1 900 000,00"),
        (3, "2 000 000,00"),
        (5, "1 750 000,50"),
    ):
        assert f"Sous-total de l'année {year} {amount} MAD" in text
    # 60 % at signature of the first year; the odd centime stays with the second tranche.
    assert "1 080 000,00 MAD" in text
    assert "1 050 000,30 MAD" in text
    assert "700 000,20 MAD" in text
    # The KPI commitments: year n is n times the yearly target; the total is 15 times it.
    assert "Projets collaboratifs de R&D 4 8 12 16 20 60" in text
    assert "Emplois de R&D créés 10 20 30 40 50 150" in text


@pytest.mark.django_db
def test_a_contract_whose_kpi_tranches_are_withheld_says_so(administrator, contract):
    drafting.contract_update(
        actor=administrator,
        contract=contract,
        fields={"below_threshold": "withhold", "kpi_threshold": Decimal("60")},
    )
    version = lifecycle.version_request(actor=administrator, contract=contract, language="fr")
    render_versions(contract)
    text = " ".join(pdf_pages(pdf_of(version)))

    assert "seuil de réalisation des indicateurs est fixé à 60 %" in text
    assert "est retenue et n'est pas versée" in text


@pytest.mark.django_db
def test_the_arabic_contract_reads_right_to_left_with_the_same_figures(administrator, contract):
    terms.terms_update(actor=administrator, call=contract.call, language="ar", fields=ARABIC_TERMS)
    version = lifecycle.version_request(actor=administrator, contract=contract, language="ar")
    render_versions(contract)
    content = pdf_of(version)
    keep("contract-ar.pdf", content)
    pages = pdf_pages(content)
    text = " ".join(pages)

    assert version.number == 2
    assert len(pages) >= 2
    for number in range(1, len(pages) + 1):
        assert f"{number} / {len(pages)}" in pages[number - 1]
    assert contract.reference in text
    assert "9 450 000,50 MAD" in text
    for amount in ("1 800 000,00", "1 900 000,00", "2 000 000,00", "1 750 000,50"):
        assert f"{amount} MAD" in text
    assert "60" in text and "150" in text
    # The older French version stays downloadable beside the Arabic one.
    assert latest_version(contract, "fr").number == 1


@pytest.mark.django_db
def test_the_html_of_the_arabic_contract_is_right_to_left(administrator, contract):
    from django.template.loader import render_to_string
    from django.utils import translation

    version = lifecycle.version_request(actor=administrator, contract=contract, language="ar")
    context = {**lifecycle.contract_pdf_context(contract, "ar"), "version": version}
    with translation.override("ar"):
        html = render_to_string("pdf/contract.html", {**context, "language": "ar"})

    assert '<html lang="ar" dir="rtl">' in html
    assert contract.reference in html
