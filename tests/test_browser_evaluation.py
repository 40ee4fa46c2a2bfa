"""From a closed call to published results, in Debian's Chromium, each step by its own role."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from applications.models import BudgetYear, DossierStatus
from applications.tests.builders import call_with_checklist, complete, draft_for
from core.tests.browser import log_in, screenshot
from evaluation.services.assignment import assignment_create
from evaluation.services.grid import grid_ensure

pytestmark = pytest.mark.browser


@pytest.fixture
def assigned(live_server, settings, director, evaluator, administrator):
    settings.SITE_URL = live_server.url
    call = call_with_checklist(title="Appel à projets clusters 2030")
    dossier = complete(draft_for(director, call), director)
    from applications.services.submission import dossier_submit, dossier_transition

    dossier_submit(actor=director, dossier=dossier, declaration=True)
    type(call).objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    dossier = dossier_transition(actor=administrator, dossier=dossier, action="declare_admissible")
    grid_ensure(call=call)
    assignment = assignment_create(actor=administrator, dossier=dossier, evaluator=evaluator)
    assert BudgetYear.objects.filter(dossier=dossier).count() == 5
    return assignment


def test_evaluation_from_declaration_to_the_directors_decision(
    live_server, page, assigned, director, evaluator, administrator
):
    dossier = assigned.dossier

    # The evaluator declares no conflict, then scores the dossier and submits.
    log_in(page, live_server, evaluator)
    page.goto(f"{live_server.url}/evaluation/mes-evaluations/")
    screenshot(page, "evaluation-queue-fr")
    page.get_by_role("link", name=re.compile("Déclarer")).first.click()
    page.get_by_label(re.compile("Je déclare n'avoir aucun conflit")).check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/evaluer/(\?flash=[\w-]+)?$"))
    for group in page.locator(".criterion fieldset").all():
        radios = group.locator("input[type=radio]")
        if radios.count():
            radios.nth(radios.count() - 2).check()  # "Bon": 3 out of 4
    for area in page.locator(".criterion textarea").all():
        area.fill("Argumenté au regard du dossier.")
    screenshot(page, "evaluation-scoring-fr")
    page.get_by_role("button", name="Soumettre l'évaluation").click()
    page.get_by_role("button", name="Confirmer la soumission").click()
    page.get_by_text("75").first.wait_for()
    assigned.refresh_from_db()
    assert assigned.review.total == Decimal("75.00")

    # The administrator selects the dossier within the envelope and publishes the results.
    log_in(page, live_server, administrator)
    page.goto(f"{live_server.url}/evaluation/appels/{dossier.call_id}/classement/")
    page.get_by_role("button", name="Retenir").first.click()
    page.get_by_text("Retenu").first.wait_for()
    screenshot(page, "evaluation-ranking-fr")
    page.get_by_role("link", name="Publier les résultats").click()
    page.get_by_role("button", name="Publier les résultats").click()
    page.get_by_text(re.compile("résultats de cet appel sont publiés")).first.wait_for()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SELECTED

    # The director reads the decision, in French then in Arabic.
    log_in(page, live_server, director)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    page.get_by_text("Résultat de l'appel à projets").wait_for()
    assert page.get_by_text(evaluator.full_name).count() == 0
    screenshot(page, "evaluation-decision-fr")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger la lettre de décision")).click()
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")
    page.get_by_role("button", name=re.compile("العرب")).click()
    page.wait_for_selector("html[dir=rtl]")
    screenshot(page, "evaluation-decision-ar")
