"""Two co-editors on one draft: the later save of the same part is refused with a clear
message and the input kept; different sections never stop each other."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.tests.factories import DirectorFactory
from applications.models import Dossier
from applications.tests.builders import complete, draft_for
from core.tests.client import CommittingClient, page_text

CONFLICT = "Ce brouillon a été modifié par Salma Bennani à"


@pytest.fixture
def co_editor(db):
    return DirectorFactory(email="co-editeur@cluster-a.ma", full_name="Hind Berrada")


@pytest.fixture
def dossier(director, co_editor):
    dossier = complete(draft_for(director), director)
    dossier.cluster.co_editors.add(co_editor)
    return dossier


def _logged_in(person):
    client = CommittingClient()
    client.force_login(person)
    return client


def _seen(response):
    return re.search(r'name="seen" value="([0-9a-f]+)"', response.content.decode()).group(1)


def _section(dossier, slug):
    return reverse("applications:dossier_section", kwargs={"pk": dossier.pk, "slug": slug})


def test_the_later_save_of_the_same_section_is_refused_and_keeps_the_input(
    director, co_editor, dossier
):
    salma, hind = _logged_in(director), _logged_in(co_editor)
    url = _section(dossier, "gouvernance")
    seen_by_salma, seen_by_hind = _seen(salma.get(url)), _seen(hind.get(url))

    assert (
        salma.post(url, {"governance": "Version de Salma", "seen": seen_by_salma}).status_code
        == 302
    )
    refused = hind.post(url, {"governance": "Version de Hind", "seen": seen_by_hind})

    assert refused.status_code == 200
    text = page_text(refused)
    assert CONFLICT in text
    assert "Version de Hind" in text  # given back in the form, not lost
    assert Dossier.objects.get(pk=dossier.pk).governance == "Version de Salma"
    # Sent again as it was, it is still refused: nothing overwrites without a reload.
    again = hind.post(url, {"governance": "Version de Hind", "seen": seen_by_hind})
    assert CONFLICT in page_text(again)

    reloaded = hind.get(url)
    assert "Version de Salma" in page_text(reloaded)
    saved = hind.post(url, {"governance": "Version de Hind", "seen": _seen(reloaded)})
    assert saved.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).governance == "Version de Hind"


def test_co_editors_writing_different_sections_do_not_stop_each_other(director, co_editor, dossier):
    salma, hind = _logged_in(director), _logged_in(co_editor)
    governance, strategy = _section(dossier, "gouvernance"), _section(dossier, "strategie")
    seen_governance, seen_strategy = _seen(salma.get(governance)), _seen(hind.get(strategy))

    salma.post(governance, {"governance": "Gouvernance revue", "seen": seen_governance})
    response = hind.post(strategy, {"strategy": "Stratégie revue", "seen": seen_strategy})

    assert response.status_code == 302
    saved = Dossier.objects.get(pk=dossier.pk)
    assert (saved.governance, saved.strategy) == ("Gouvernance revue", "Stratégie revue")


def test_autosave_moves_the_page_on_and_refuses_a_stale_one(director, co_editor, dossier):
    salma, hind = _logged_in(director), _logged_in(co_editor)
    url = _section(dossier, "perimetre")
    seen_by_salma, seen_by_hind = _seen(salma.get(url)), _seen(hind.get(url))
    htmx = {"HTTP_HX_REQUEST": "true"}

    first = salma.post(url, {"perimeter": "Rabat", "seen": seen_by_salma}, **htmx)
    assert "Brouillon enregistré" in page_text(first)
    # The fingerprint comes back out of band: Salma's next autosave is hers to make.
    second = salma.post(url, {"perimeter": "Rabat-Salé", "seen": _seen(first)}, **htmx)
    assert "Brouillon enregistré" in page_text(second)

    stale = hind.post(url, {"perimeter": "Kénitra", "seen": seen_by_hind}, **htmx)
    assert CONFLICT in page_text(stale)
    assert Dossier.objects.get(pk=dossier.pk).perimeter == "Rabat-Salé"


def test_the_budget_of_a_co_editor_is_not_overwritten(director, co_editor, dossier):
    salma, hind = _logged_in(director), _logged_in(co_editor)
    url = _section(dossier, "budget")
    seen_by_salma, seen_by_hind = _seen(salma.get(url)), _seen(hind.get(url))
    years = range(1, dossier.call.contract_years + 1)

    def amounts(budget, seen):
        data = {"seen": seen}
        for year in years:
            data |= {f"budget_{year}": budget, f"subsidy_{year}": "1000000"}
        return data

    assert salma.post(url, amounts("2500000", seen_by_salma)).status_code == 302
    refused = hind.post(url, amounts("4000000", seen_by_hind))

    assert CONFLICT in page_text(refused)
    assert {row.animation_budget for row in dossier.budget_years.all()} == {Decimal("2500000")}


def test_two_co_editors_on_one_project(director, co_editor, dossier):
    salma, hind = _logged_in(director), _logged_in(co_editor)
    project = dossier.projects.get()
    url = reverse("applications:project_edit", kwargs={"pk": dossier.pk, "project_pk": project.pk})
    seen_by_salma, seen_by_hind = _seen(salma.get(url)), _seen(hind.get(url))
    fields = {"partners": "IRESEN", "budget": "3500000", "duration_months": "24"}

    saved = salma.post(url, {**fields, "title": "Titre de Salma", "seen": seen_by_salma})
    refused = hind.post(url, {**fields, "title": "Titre de Hind", "seen": seen_by_hind})

    assert saved.status_code == 302
    assert CONFLICT in page_text(refused)
    assert "Titre de Hind" in page_text(refused)
    project.refresh_from_db()
    assert project.title == "Titre de Salma"
