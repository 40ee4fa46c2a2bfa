import html
import re
from urllib.parse import parse_qsl, unquote_to_bytes, urlencode, urlsplit, urlunsplit

from django.test import Client, TestCase
from django_otp import DEVICE_ID_SESSION_KEY

from core import flash

BDI = re.compile(r"</?bdi>")

REDIRECTS = ("Location", "HX-Redirect")


class FlashFollowingClient(Client):
    """A test client that follows a redirect's messages as a browser does, and shows tests
    where a person is sent without the token that carries them.

    A redirect that carries messages adds a token to its address (core/flash.py); a browser
    opens that address at once. Tests compare where a person is sent (`response.url`), and
    often post then open the page themselves: so the client keeps each redirect's token and
    adds it to the next GET of that page, once, as following the redirect would. What the
    token does itself is tested with Django's plain client (core/tests/test_flash.py) and
    with parallel requests of a real HTTP client (tests/test_parallel_messages.py).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.flash_tokens = {}

    def request(self, **request):
        query = request.get("QUERY_STRING", "")
        if request["REQUEST_METHOD"] == "GET" and flash.PARAMETER not in query:
            token = self.flash_tokens.pop(request["PATH_INFO"], None)
        else:
            token = None
        if token:
            request["QUERY_STRING"] = urlencode([*parse_qsl(query), (flash.PARAMETER, token)])
        response = super().request(**request)
        for header in REDIRECTS:
            if header in response:
                response[header] = self._keep_token(response[header])
        return response

    def _keep_token(self, url):
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        tokens = [value for key, value in query if key == flash.PARAMETER]
        if not tokens:
            return url
        # As the client writes PATH_INFO.
        self.flash_tokens[unquote_to_bytes(parts.path).decode("iso-8859-1")] = tokens[-1]
        kept = [(key, value) for key, value in query if key != flash.PARAMETER]
        return urlunsplit(parts._replace(query=urlencode(kept)))


class VerifiedLoginClient(FlashFollowingClient):
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
