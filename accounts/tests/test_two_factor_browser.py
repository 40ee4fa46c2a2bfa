"""Enrolment and the code page in Debian's Chromium, in French and in Arabic."""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from accounts.tests.otp import code_for_secret, totp_code
from core.tests.browser import screenshot

pytestmark = pytest.mark.browser


def _password(page, live_server, user, language):
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_evaluator_enrols_then_logs_in_with_a_code(live_server, page, evaluator, language):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _password(page, live_server, evaluator, language)
    page.wait_for_url(re.compile(r".*/double-authentification/activer/.*"))
    assert page.locator(".otp-qr svg").is_visible()
    box = page.locator(".otp-qr svg").bounding_box()
    assert 150 < box["width"] < 250 and box["width"] == box["height"]
    screenshot(page, f"two-factor-enrolment-{language}")

    # Typed as the app set up from the secret on the page would give it.
    page.locator("#id_code").fill(code_for_secret(page.locator("code.otp-secret").inner_text()))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/codes-de-secours/.*"))
    assert page.locator(".recovery-codes li").count() == 10
    screenshot(page, f"two-factor-recovery-codes-{language}")
    page.locator("main a.btn-primary").click()
    page.wait_for_url(re.compile(r".*/espace/$"))

    page.context.clear_cookies()
    _password(page, live_server, evaluator, language)
    page.wait_for_url(re.compile(r".*/double-authentification/\?.*"))
    page.locator("#id_code").fill("000000")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").is_visible()
    screenshot(page, f"two-factor-code-refused-{language}")
    page.wait_for_timeout(1100)  # the throttling delay after one wrong code
    page.locator("#id_code").fill(totp_code(TOTPDevice.objects.get(user=evaluator)))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/espace/$"))


def test_the_password_confirmation_page(live_server, page, administrator):
    from accounts.tests.otp import confirmed_device
    from core.tests.browser import log_in

    confirmed_device(administrator)
    log_in(page, live_server, administrator, "ar")
    page.goto(f"{live_server.url}{reverse('accounts:password_confirm')}?next=/espace/")
    screenshot(page, "password-confirm-ar")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/espace/$"))
