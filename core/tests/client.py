import html

from django.test import Client, TestCase


class CommittingClient(Client):
    """A test client whose requests end with a commit, as in production.

    Tests run inside a transaction that is never committed, so `on_commit` callbacks (tasks,
    e-mails) would never run; here they run at the end of each request, as they would live.
    """

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


def page_text(response):
    """The page as a person reads it: HTML entities such as &#x27; turned back into text."""
    return html.unescape(response.content.decode())
