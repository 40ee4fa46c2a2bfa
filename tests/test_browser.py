"""A director's first visit, in Debian's Chromium: register, verify, log in, read in Arabic."""

import email
import re
from email import policy
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
PASSWORD = "Textile-Technique-Casablanca-2026"


@pytest.fixture
def mail_dir(settings, tmp_path, live_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    settings.SITE_URL = live_server.url
    return tmp_path / "mail"


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def _verification_link(mail_dir):
    files = sorted(mail_dir.glob("*.log"))
    assert len(files) == 1, files
    message = email.message_from_string(files[0].read_text(), policy=policy.default)
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/comptes/verification/\S+/", body)[0]


def test_director_registers_verifies_logs_in_and_switches_to_arabic(live_server, mail_dir, page):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Créer un compte de directeur de cluster").click()
    page.get_by_label("Nom complet").fill("Leila Benjelloun")
    page.get_by_label("Adresse e-mail").fill("leila@c2tm.ma")
    page.get_by_label("Téléphone").fill("+212 6 61 00 00 00")
    page.get_by_label(re.compile(r"^\s*Mot de passe")).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    _shot(page, "01-register-fr")
    page.get_by_role("button", name="Créer mon compte").click()

    page.get_by_role("heading", name="Votre compte a bien été créé").wait_for()
    _shot(page, "02-register-done-fr")

    page.goto(_verification_link(mail_dir))
    page.get_by_role("button", name="Confirmer mon adresse").click()
    page.get_by_text("Votre adresse e-mail est vérifiée").wait_for()
    page.get_by_label("Adresse e-mail").fill("leila@c2tm.ma")
    page.get_by_label(re.compile(r"^\s*Mot de passe")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()

    page.get_by_role("heading", name="Bonjour Leila").wait_for()
    assert page.get_by_role("link", name="Mon espace", exact=True).is_visible()
    _shot(page, "03-dashboard-fr")

    page.get_by_role("button", name=re.compile("العرب")).click()
    page.wait_for_selector("html[dir=rtl]")
    assert page.locator("html").get_attribute("lang") == "ar"
    # The layout mirrors: the brand sits at the right edge of the header.
    brand = page.locator(".portal-brand").bounding_box()
    width = page.viewport_size["width"]
    assert brand["x"] > width / 2
    _shot(page, "04-dashboard-ar")
