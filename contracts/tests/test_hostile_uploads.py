"""Hostile files in the annual report, a form with values beside its files: each file is
refused with its reason while the values, comments and the other files are saved."""

import pytest
from django.urls import reverse

from applications.tests.builders import pdf_file
from applications.tests.hostile_files import HOSTILE_FILES
from core.tests.client import page_text

from ..models import AnnualReport
from .factories import active_contract, report_form_data, stored_files

pytestmark = pytest.mark.django_db

COMMENT = "Année de lancement : trois projets collaboratifs démarrés."


@pytest.fixture
def contract(administrator, director):
    return active_contract(administrator, director)


@pytest.mark.parametrize("hostile", HOSTILE_FILES, ids=lambda hostile: hostile.case)
def test_a_hostile_file_in_the_report_is_refused_and_the_values_are_saved(
    client, contract, director, hostile
):
    client.force_login(director)
    first = contract.commitments.filter(year=1).order_by("pk").first()
    data = report_form_data(
        contract,
        COMMENT,
        activity_report=pdf_file("activite.pdf"),
        **{f"evidence_{first.pk}": hostile.upload()},
    )

    response = client.post(reverse("contracts:report", args=[contract.pk, 1]), data)

    assert response.status_code == 200
    text = page_text(response)
    assert hostile.message in text
    assert "Les informations valides sont enregistrées" in text
    report = AnnualReport.objects.get(contract=contract, year=1)
    assert report.comment == COMMENT and report.activity_report
    line = report.achievements.get(commitment=first)
    assert line.achieved == first.target + 1 and line.comment == f"Réalisé pour {first.name}."
    assert not line.evidence and not line.evidence_name
    assert report.achievements.count() == contract.commitments.filter(year=1).count()
    # Only the accepted activity report was stored; the value typed is shown again.
    assert len(stored_files(f"contracts/{contract.pk}/reports/1")) == 1
    assert f'value="{first.target + 1}"' in text
