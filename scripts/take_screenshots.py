"""Screenshots of the main pages for the README, taken in Debian's Chromium.

Run against a portal started with `make run` (demo data loaded):
    .venv/bin/python scripts/take_screenshots.py [http://127.0.0.1:8000]
"""

import base64
import hashlib
import hmac
import re
import struct
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "Clusters-Demo-2026"  # noqa: S105 -- the printed demo password  # nosec B105
# The demo staff's printed authenticator key (accounts/demo.py).
DEMO_TOTP_SECRET = "PORTAILDESCLUSTERSDEMOAAAAAAAAAA"  # noqa: S105 -- demo only  # nosec B105


def totp_now():
    """The code an authenticator app shows for the demo key (RFC 6238: SHA-1, 30 s, 6 digits)."""
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(base64.b32decode(DEMO_TOTP_SECRET), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def shoot(page, name):
    page.screenshot(path=OUT / f"{name}.png", full_page=True)
    print(OUT / f"{name}.png")


def login(page, email, language):
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": BASE}])
    page.goto(f"{BASE}/comptes/connexion/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    if "/double-authentification/" in page.url:
        page.locator("#id_code").fill(totp_now())
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/espace/$"))


def goto(page, path, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": BASE}])
    page.goto(f"{BASE}{path}")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="fr-FR")
        for language in ("fr", "ar"):
            goto(page, "/", language)
            shoot(page, f"home-{language}")
        goto(page, "/appels/", "fr")
        page.locator("main a[href^='/appels/aap-']").first.click()
        shoot(page, "call-fr")
        # The same call read in Arabic: its own texts (title, presentation, documents) too.
        goto(page, page.url.replace(BASE, ""), "ar")
        shoot(page, "call-ar")
        goto(page, "/comptes/inscription/", "fr")
        page.locator("main form button[type=submit]").click()
        shoot(page, "register-errors-fr")

        login(page, "directeur@demo.clusters.ma", "fr")
        shoot(page, "dashboard-director-fr")
        page.locator("main a[href^='/dossiers/']").first.click()
        shoot(page, "dossier-task-list-fr")
        dossier_path = page.url.replace(BASE, "")
        goto(page, f"{dossier_path}sections/pieces-administratives/", "fr")
        shoot(page, "dossier-documents-fr")
        goto(page, f"{dossier_path}sections/pieces-administratives/", "ar")
        shoot(page, "dossier-documents-ar")
        goto(page, f"{dossier_path}verifier/", "ar")
        shoot(page, "dossier-review-ar")
        goto(page, "/mon-cluster/", "ar")
        shoot(page, "cluster-profile-ar")

        page.context.clear_cookies()
        goto(page, "/comptes/connexion/", "ar")
        page.locator("#id_username").fill("admin@demo.clusters.ma")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        shoot(page, "two-factor-code-ar")
        login(page, "admin@demo.clusters.ma", "fr")
        shoot(page, "dashboard-administrator-fr")
        goto(page, "/gestion/journal/", "fr")
        shoot(page, "journal-fr")
        goto(page, "/gestion/appels/", "fr")
        shoot(page, "backoffice-calls-fr")
        goto(page, "/comptes/utilisateurs/", "fr")
        shoot(page, "users-administrator-fr")
        goto(page, "/gestion/appels/", "fr")
        page.get_by_role("link", name="Appel à projets clusters 2024").first.click()
        call_path = page.url.replace(BASE, "").replace("/gestion/appels/", "/evaluation/appels/")
        goto(page, f"{call_path}classement/", "fr")
        shoot(page, "ranking-fr")
        goto(page, "/contrats/", "fr")
        shoot(page, "contracts-fr")
        page.locator("main a[href^='/contrats/']").first.click()
        shoot(page, "contract-fr")
        goto(page, "/programme/?appel=aap-clusters-2011", "fr")
        shoot(page, "programme-fr")
        goto(page, "/programme/", "ar")
        shoot(page, "programme-ar")

        login(page, "evaluatrice2@demo.clusters.ma", "fr")
        goto(page, "/evaluation/mes-evaluations/", "fr")
        shoot(page, "evaluator-queue-fr")
        page.locator("main a[href*='/evaluer/']").first.click()
        shoot(page, "scoring-fr")
        goto(page, page.url.replace(BASE, ""), "ar")
        shoot(page, "scoring-ar")

        login(page, "mnc@demo.clusters.ma", "ar")
        page.locator("main a[href^='/dossiers/']").first.click()
        shoot(page, "decision-ar")
        goto(page, "/espace/", "ar")
        page.locator("main a[href^='/contrats/']").first.click()
        shoot(page, "contract-director-ar")
        page.locator("main a[href*='/rapports/']").first.click()
        shoot(page, "annual-report-ar")
        browser.close()


if __name__ == "__main__":
    main()
