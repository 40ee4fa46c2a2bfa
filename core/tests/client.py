import html
import re

from django.test import Client, TestCase
from django_otp import DEVICE_ID_SESSION_KEY

BDI = re.compile(r"</?bdi>")


class VerifiedLoginClient(Client):
    """A test client whose `force_login` also gives the second factor."""

    def force_login(self, user, backend=None):
        """Sign in with both factors already given, as `force_login` skips the password.

        Ministry staff (and directors who turned it on) reach nothing before giving a code
        from their authenticator app; a test about something else would otherwise have to
        enrol a device and type a code first. So, for them, this gives the person a confirmed
        device if they have none and marks the session verified exactly as `django_otp.login`
        does after a right code. The two-factor flow itself is tested through the real
        password and code pages (accounts/tests/test_two_factor.py), never through this.
        """
        from accounts.tests.otp import confirmed_device

        super().force_login(user, backend)
        if user.two_factor_required:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
            session.save()


class CommittingClient(VerifiedLoginClient):
    """A test client whose requests end with a commit, as in production.

    Tests run inside a transaction that is never committed, so `on_commit` callbacks (tasks,
    e-mails) would never run; here they run at the end of each request, as they would live.
    """

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


def page_text(response):
    """The page as a person reads it: HTML entities such as &#x27; turned back into text, and
    without the `<bdi>` that isolates user data from right-to-left text (it shows nothing; what
    it isolates is tested in tests/test_right_to_left.py)."""
    return html.unescape(BDI.sub("", response.content.decode()))
