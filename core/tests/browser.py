"""What the browser tests share: signing in as someone, and full-page screenshots to look at."""

import re
from pathlib import Path

from accounts.tests.factories import PASSWORD
from accounts.tests.otp import confirmed_device, totp_code

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def log_in(page, live_server, user, language="fr"):
    """Sign in from a clean session, reading the portal in `language`.

    People who must use two factors type the code their authenticator app would show,
    computed from their device (given a confirmed one first if they have none).
    """
    device = confirmed_device(user) if user.two_factor_required else None
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/comptes/connexion/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    if device is not None:
        page.wait_for_url(re.compile(r".*/comptes/double-authentification/.*"))
        page.locator("#id_code").fill(totp_code(device))
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/espace/$"))
