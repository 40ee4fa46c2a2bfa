"""A director's candidature in Debian's Chromium: from the call to the receipt."""

import re
from pathlib import Path

import pytest

from accounts.tests.factories import PASSWORD
from applications.choices import MemberType
from applications.models import ClusterMember, Dossier
from applications.sections import SECTIONS
from applications.tests.builders import PDF, call_with_checklist
from applications.tests.factories import ClusterFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def candidature(live_server, director, settings):
    settings.SITE_URL = live_server.url
    call = call_with_checklist(title="Appel à projets clusters 2030")
    cluster = ClusterFactory(owner=director, name="Cluster Solaire", acronym="CS")
    ClusterMember.objects.bulk_create(
        ClusterMember(
            cluster=cluster,
            name=f"Entreprise {n}",
            member_type=MemberType.SME,
            city="Rabat",
            joined_year=2019,
        )
        for n in range(16)
    )
    return call


def _log_in(page, live_server, director):
    page.goto(f"{live_server.url}/comptes/connexion/")
    page.get_by_label("Adresse e-mail").fill(director.email)
    page.get_by_label(re.compile(r"^\s*Mot de passe")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name=re.compile("Bonjour")).wait_for()


def _fill_section(page, section, tmp_path):
    page.get_by_role("link", name=section.title, exact=True).click()
    if section.kind == "documents":
        for card in page.locator(".document-card").all():
            if "Obligatoire" not in card.inner_text():
                continue
            path = tmp_path / "piece.pdf"
            path.write_bytes(PDF)
            card.locator("input[type=file]").set_input_files(path)
            card.get_by_role("button", name="Envoyer").click()
            page.get_by_text("est enregistré").first.wait_for()
        _shot(page, f"dossier-{section.slug}-fr")
        page.get_by_role("link", name="Retour à la liste des sections").first.click()
        return
    if section.kind == "members":
        for box in page.get_by_role("checkbox").all():
            box.check()
    elif section.kind == "budget":
        for field in page.locator("input[name^=budget_]").all():
            field.fill("3000000")
        for field in page.locator("input[name^=subsidy_]").all():
            field.fill("2000000")
    elif section.kind == "kpis":
        for field in page.locator(".kpi-grid input").all():
            field.fill("4")
    else:
        for area in page.locator("textarea").all():
            area.fill(f"Contenu de la section {section.title}.")
    if section.kind == "innovation":
        page.get_by_role("button", name="Enregistrer et continuer").click()
        page.get_by_role("link", name=section.title, exact=True).click()
        page.get_by_role("link", name="Ajouter un projet").click()
        page.get_by_label(re.compile(r"^\s*Intitulé")).fill("Banc d'essai photovoltaïque")
        page.get_by_label(re.compile(r"^\s*Partenaires")).fill("IRESEN, Université Mohammed V")
        page.get_by_label(re.compile(r"^\s*Budget")).fill("3500000")
        page.get_by_label(re.compile(r"^\s*Durée")).fill("24")
        page.get_by_role("button", name="Enregistrer le projet").click()
        page.get_by_role("link", name="Retour à la liste des sections").click()
        return
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_text("est enregistrée").wait_for()


def test_director_fills_submits_and_downloads_the_receipt(
    live_server, page, director, candidature, tmp_path
):
    _log_in(page, live_server, director)
    page.goto(f"{live_server.url}/appels/{candidature.reference}/")
    _shot(page, "call-page-fr")
    page.get_by_role("link", name="Déposer une candidature").click()
    page.get_by_role("button", name="Commencer mon dossier").click()
    page.get_by_text("Dossier complété à 0 %").wait_for()

    for section in SECTIONS:
        _fill_section(page, section, tmp_path)
    page.get_by_text("Dossier complété à 100 %").wait_for()
    _shot(page, "dossier-task-list-fr")

    page.get_by_role("link", name="Vérifier et déposer").click()
    page.get_by_label(re.compile("Je déclare sur l'honneur")).check()
    _shot(page, "dossier-review-fr")
    page.get_by_role("button", name="Soumettre la candidature").click()

    page.get_by_role("heading", name="Votre dossier a bien été déposé").wait_for()
    dossier = Dossier.objects.get(call=candidature)
    assert dossier.status == "submitted"
    assert page.get_by_text(dossier.reference).first.is_visible()
    _shot(page, "dossier-confirmation-fr")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger l'accusé de réception")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    page.get_by_role("button", name=re.compile("العرب")).click()
    page.wait_for_selector("html[dir=rtl]")
    _shot(page, "dossier-confirmation-ar")
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    _shot(page, "dossier-detail-ar")


def test_text_typed_while_the_connection_is_lost_is_offered_back(
    live_server, page, director, candidature
):
    from applications.tests.factories import DossierFactory

    dossier = DossierFactory(call=candidature, cluster=director.owned_clusters.get())
    _log_in(page, live_server, director)
    section = f"{live_server.url}/dossiers/{dossier.pk}/sections/gouvernance/"
    page.goto(section)
    # The connection drops: background saves never reach the server.
    page.route(
        re.compile(r".*/sections/gouvernance/$"),
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    page.get_by_role("textbox").fill("Conseil d'administration de 9 membres")
    page.get_by_text("Connexion perdue").wait_for()

    page.unroute(re.compile(r".*/sections/gouvernance/$"))
    page.goto(section)
    page.get_by_text("Un texte plus récent, non enregistré").wait_for()
    _shot(page, "dossier-restore-fr")
    page.get_by_role("button", name="Le restaurer").click()

    assert page.get_by_role("textbox").input_value() == "Conseil d'administration de 9 membres"
    page.get_by_text("Brouillon enregistré").wait_for()
    dossier.refresh_from_db()
    assert dossier.governance == "Conseil d'administration de 9 membres"


def test_autosaves_then_a_save_are_not_taken_for_a_co_editors_change(
    live_server, page, director, candidature
):
    """Each background save gives the form the fingerprint of what it saved (hx-swap-oob)."""
    from applications.tests.factories import DossierFactory

    dossier = DossierFactory(call=candidature, cluster=director.owned_clusters.get())
    _log_in(page, live_server, director)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/sections/strategie/")
    for text in ("Export vers l'Afrique", "Export vers l'Afrique de l'Ouest"):
        with page.expect_response(lambda response: response.request.method == "POST"):
            page.get_by_role("textbox").fill(text)
    page.get_by_role("button", name="Enregistrer et continuer").click()

    page.get_by_text("La section « Stratégie et création de valeur » est enregistrée.").wait_for()
    dossier.refresh_from_db()
    assert dossier.strategy == "Export vers l'Afrique de l'Ouest"
