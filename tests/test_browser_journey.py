"""The whole journey in Debian's Chromium, each step by its own role on the running portal:
from the call's publication to the first payment of the contrat-programme."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import PASSWORD, EvaluatorFactory
from applications.models import Call, Dossier
from applications.sections import SECTIONS
from applications.tests.builders import PDF
from contracts.models import Contract, ContractStatus, ReportStatus, TrancheStatus
from core.tests.browser import log_in

from .test_browser import _verification_link
from .test_browser_dossier import _fill_section

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "journey"
DIRECTOR_EMAIL = "direction@cluster-agrotech.ma"


class Journey:
    """The page, the portal's address and a numbered screenshot per step."""

    def __init__(self, page, live_server, tmp_path):
        self.page = page
        self.url = live_server.url
        self.live_server = live_server
        self.tmp_path = tmp_path
        self.step = 0

    def shot(self, name):
        self.step += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{self.step:02d}-{name}.png", full_page=True)

    def log_in(self, user, language="fr"):
        log_in(self.page, self.live_server, user, language)

    def pdf(self, name):
        path = self.tmp_path / name
        path.write_bytes(PDF)
        return path

    def submit(self, name):
        self.page.get_by_role("main").get_by_role("button", name=name).click()


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def publish_call(journey, administrator):
    page = journey.page
    journey.log_in(administrator)
    page.goto(f"{journey.url}/gestion/appels/nouveau/")
    page.locator("#id_reference").fill("aap-clusters-2031")
    page.locator("#id_title_fr").fill("Appel à projets clusters 2031")
    page.locator("#id_edition_year").fill("2031")
    page.locator("#id_description_fr").fill("Labellisation et financement de clusters.")
    page.locator("#id_opens_at").fill(_local(timezone.now() - timedelta(hours=1)))
    page.locator("#id_closes_at").fill(_local(timezone.now() + timedelta(days=20)))
    page.locator("#id_min_members").fill("3")
    page.locator("#id_budget_envelope").fill("12000000")
    page.locator("#id_contract_years").select_option("3")
    page.locator("#id_max_annual_subsidy").fill("2000000")
    journey.shot("admin-call-form-fr")
    page.locator("main form button[type=submit]").last.click()
    page.get_by_role("link", name="Ajouter une pièce").click()
    page.locator("#id_label_fr").fill("Statuts de l'association")
    page.get_by_label("PDF").check()
    page.locator("main form button[type=submit]").last.click()
    # Typed in French only: publishing asks to confirm that Arabic readers will read French.
    page.get_by_label("Publier sans la traduction arabe").check()
    page.get_by_role("button", name="Publier l'appel").click()
    page.get_by_text(re.compile("publié")).first.wait_for()
    journey.shot("admin-call-published-fr")
    return Call.objects.get(reference="aap-clusters-2031")


def register_director(journey, mail_dir):
    page = journey.page
    page.context.clear_cookies()
    page.goto(f"{journey.url}/comptes/inscription/")
    page.get_by_label("Nom complet").fill("Hind Berrada")
    page.get_by_label("Adresse e-mail").fill(DIRECTOR_EMAIL)
    page.get_by_label(re.compile(r"^\s*Mot de passe")).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("heading", name="Votre compte a bien été créé").wait_for()
    page.goto(_verification_link(mail_dir))
    page.get_by_role("button", name="Confirmer mon adresse").click()
    page.get_by_text("Votre adresse e-mail est vérifiée").wait_for()
    director = User.objects.get(email=DIRECTOR_EMAIL)
    journey.log_in(director)
    journey.shot("director-dashboard-fr")
    return director


def build_cluster(journey):
    page = journey.page
    page.goto(f"{journey.url}/mon-cluster/modifier/")
    page.locator("#id_name").fill("Cluster Agrotech Souss")
    page.locator("#id_acronym").fill("CAS")
    page.locator("#id_city").fill("Agadir")
    page.locator("#id_founded_year").fill("2020")
    page.locator("#id_director_name").fill("Hind Berrada")
    for select in page.locator("main form select").all():
        if not select.input_value():
            select.select_option(index=1)
    page.locator("main form button[type=submit]").last.click()
    for number in range(3):
        page.goto(f"{journey.url}/mon-cluster/membres/ajouter/")
        page.locator("#id_name").fill(f"Agro Industrie {number + 1} SARL")
        page.locator("#id_city").fill("Agadir")
        page.locator("#id_joined_year").fill("2021")
        page.locator("#id_member_type").select_option("sme")
        page.locator("main form button[type=submit]").last.click()
        page.get_by_text(re.compile("Agro Industrie")).first.wait_for()
    page.goto(f"{journey.url}/mon-cluster/")
    journey.shot("director-cluster-fr")


def submit_dossier(journey, call):
    page = journey.page
    page.goto(f"{journey.url}/appels/{call.reference}/")
    page.get_by_role("link", name="Déposer une candidature").click()
    page.get_by_role("button", name="Commencer mon dossier").click()
    for section in SECTIONS:
        _fill_section(page, section, journey.tmp_path)
    journey.shot("director-task-list-fr")
    page.get_by_text("Dossier complété à 100 %").wait_for()
    page.get_by_role("link", name="Vérifier et déposer").click()
    page.get_by_label(re.compile("Je déclare sur l'honneur")).check()
    page.get_by_role("button", name="Soumettre la candidature").click()
    page.get_by_role("heading", name="Votre dossier a bien été déposé").wait_for()
    journey.shot("director-dossier-submitted-fr")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger l'accusé de réception")).click()
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")
    return Dossier.objects.get(call=call)


def admit_and_assign(journey, administrator, dossier):
    page = journey.page
    journey.log_in(administrator)
    page.goto(f"{journey.url}/evaluation/appels/{dossier.call_id}/recevabilite/")
    page.get_by_role("link", name=dossier.reference).click()
    page.get_by_role("button", name="Déclarer le dossier recevable").click()
    page.get_by_text(re.compile("recevable")).first.wait_for()
    page.goto(f"{journey.url}/evaluation/appels/{dossier.call_id}/attributions/")
    page.get_by_role("button", name=re.compile("Attribuer automatiquement")).click()
    page.get_by_text(re.compile("attribu")).first.wait_for()
    journey.shot("admin-assignments-fr")


def score(journey, evaluator):
    page = journey.page
    journey.log_in(evaluator)
    page.goto(f"{journey.url}/evaluation/mes-evaluations/")
    page.get_by_role("link", name=re.compile("Déclarer")).first.click()
    page.get_by_label(re.compile("Je déclare n'avoir aucun conflit")).check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/evaluer/(\?flash=[\w-]+)?$"))
    for group in page.locator(".criterion fieldset").all():
        radios = group.locator("input[type=radio]")
        if radios.count():
            radios.nth(radios.count() - 2).check()
    for area in page.locator(".criterion textarea").all():
        area.fill("Argumenté au regard du dossier.")
    journey.shot(f"evaluator-scoring-{evaluator.pk}-fr")
    page.get_by_role("button", name="Soumettre l'évaluation").click()
    page.get_by_role("button", name="Confirmer la soumission").click()
    page.get_by_text("75").first.wait_for()


def select_and_publish(journey, committee_member, administrator, dossier):
    page = journey.page
    journey.log_in(committee_member)
    page.goto(f"{journey.url}/evaluation/appels/{dossier.call_id}/classement/")
    page.get_by_role("button", name="Retenir").first.click()
    page.get_by_text("Retenu").first.wait_for()
    journey.shot("committee-ranking-fr")
    journey.log_in(administrator)
    page.goto(f"{journey.url}/evaluation/appels/{dossier.call_id}/classement/")
    page.get_by_role("link", name="Publier les résultats").click()
    page.get_by_role("button", name="Publier les résultats").click()
    page.get_by_text(re.compile("résultats de cet appel sont publiés")).first.wait_for()


def generate_and_send(journey, administrator, call):
    page = journey.page
    journey.log_in(administrator)
    page.goto(f"{journey.url}/gestion/appels/{call.pk}/")
    journey.shot("admin-call-contracts-panel-fr")
    page.get_by_role("button", name="Générer le contrat").click()
    page.get_by_role("button", name="Envoyer pour signature").wait_for()
    contract = Contract.objects.get(call=call)
    journey.shot("admin-contract-draft-fr")
    page.get_by_role("button", name="Envoyer pour signature").click()
    page.get_by_text("Envoyé pour signature").first.wait_for()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SENT
    return contract


def sign(journey, director, contract):
    page = journey.page
    journey.log_in(director)
    page.get_by_text(contract.reference).first.wait_for()
    journey.shot("director-dashboard-contract-fr")
    page.goto(f"{journey.url}/contrats/{contract.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger le contrat")).click()
    signed = journey.tmp_path / "contrat-signe.pdf"
    download_info.value.save_as(signed)
    assert signed.read_bytes().startswith(b"%PDF")
    journey.shot("director-contract-to-sign-fr")
    page.get_by_label("Contrat signé et scanné").set_input_files(signed)
    page.get_by_role("button", name="Déposer le contrat signé").click()
    page.get_by_text("Signé par le cluster").first.wait_for()
    journey.shot("director-contract-signed-fr")
    journey.log_in(director, "ar")
    page.goto(f"{journey.url}/contrats/{contract.pk}/")
    page.wait_for_selector("html[dir=rtl]")
    journey.shot("director-contract-signed-ar")


def activate(journey, administrator, contract):
    page = journey.page
    journey.log_in(administrator)
    page.goto(f"{journey.url}/contrats/{contract.pk}/")
    page.get_by_label("Exemplaire contresigné par le ministère").set_input_files(
        journey.pdf("exemplaire-final.pdf")
    )
    page.get_by_role("button", name="Mettre le contrat en vigueur").click()
    page.get_by_text("En vigueur").first.wait_for()
    journey.shot("admin-contract-active-fr")


def file_report(journey, director, contract):
    page = journey.page
    journey.log_in(director)
    page.goto(f"{journey.url}/contrats/{contract.pk}/")
    page.get_by_role("link", name=re.compile("Rédiger le rapport")).first.click()
    for field in page.locator("input[name^=achieved]").all():
        field.fill("3")
    page.get_by_label("Rapport d'activité").set_input_files(journey.pdf("activite.pdf"))
    page.get_by_label("Rapport financier").set_input_files(journey.pdf("financier.pdf"))
    journey.shot("director-report-fr")
    page.get_by_role("button", name="Transmettre au ministère").click()
    page.get_by_text("Transmis").first.wait_for()
    journey.log_in(director, "ar")
    page.goto(f"{journey.url}/contrats/{contract.pk}/rapports/1/")
    page.wait_for_selector("html[dir=rtl]")
    journey.shot("director-report-submitted-ar")


def approve_and_pay(journey, administrator, contract):
    page = journey.page
    journey.log_in(administrator)
    page.goto(f"{journey.url}/contrats/{contract.pk}/")
    page.get_by_role("link", name=re.compile("Examiner")).first.click()
    journey.shot("admin-report-review-fr")
    page.get_by_role("button", name="Approuver").click()
    page.get_by_text("Approuvé").first.wait_for()
    page.goto(f"{journey.url}/contrats/{contract.pk}/")
    page.get_by_role("link", name=re.compile("Enregistrer le versement")).first.click()
    page.get_by_label("Référence du virement").fill("TGR-2031-0001")
    journey.shot("admin-payment-fr")
    page.locator("main form button[type=submit]").last.click()
    page.get_by_text("TGR-2031-0001").first.wait_for()
    journey.shot("admin-contract-paid-fr")
    page.goto(f"{journey.url}/programme/")
    journey.shot("admin-programme-fr")


@pytest.fixture
def mail_dir(settings, tmp_path, live_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    settings.SITE_URL = live_server.url
    return tmp_path / "mail"


def test_from_the_call_to_the_first_payment(
    live_server, page, mail_dir, tmp_path, administrator, evaluator, committee_member
):
    page.set_default_timeout(15_000)
    journey = Journey(page, live_server, tmp_path)
    second_evaluator = EvaluatorFactory(email="evaluatrice@mcinet.gov.ma")

    call = publish_call(journey, administrator)
    director = register_director(journey, mail_dir)
    build_cluster(journey)
    dossier = submit_dossier(journey, call)

    # The deadline passes.
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    admit_and_assign(journey, administrator, dossier)
    score(journey, evaluator)
    score(journey, second_evaluator)
    select_and_publish(journey, committee_member, administrator, dossier)
    dossier.refresh_from_db()
    assert dossier.status == "selected"

    contract = generate_and_send(journey, administrator, call)
    sign(journey, director, contract)
    activate(journey, administrator, contract)
    file_report(journey, director, contract)
    approve_and_pay(journey, administrator, contract)

    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    first = contract.tranches.get(year=1, position=1)
    assert first.status == TrancheStatus.PAID
    assert first.payment.amount == first.amount == Decimal("1200000.00")
    assert contract.reports.get(year=1).status == ReportStatus.APPROVED
