"""Flash messages that reach the page of the request that produced them, and no other.

Django's storages keep a person's messages in one slot per visit (the session, or one
`messages` cookie): requests running at once each read the slot, add or consume their
messages and write it back, and the last write wins. Several refusals in one second then
showed nothing, twice the same message, or a message on a page another request opened.
No well-kept library binds a message to its request, so this storage does, in a few rules:

- A message read while its own request renders a page is shown there and stored nowhere.
- The messages of a response that redirects (a 3xx, or htmx's `HX-Redirect`) travel with
  that redirect alone: a fresh token goes in the address (`?flash=<token>`) and the messages
  in a cookie named after the token, signed with the token in the salt (nobody can write a
  message's text, nor move a message to another address). The page opened by following that
  address reads that one cookie and deletes it: a reload shows nothing, other pages never
  read it. A page that does not show them (it redirects again) passes them on the same way.
- The messages of any other response that did not show them (an htmx fragment says its own
  outcome) are dropped: kept for "the next page", they would appear on an unrelated one.
- Messages too long for a cookie wait in the session under their token; only then does the
  session's last write win again.

Reading needs no database and a page without messages writes nothing (a GET never writes).
"""

import json
import re
import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.messages.storage.base import BaseStorage, Message
from django.contrib.messages.storage.cookie import MessageDecoder, MessageEncoder
from django.core import signing
from django.http import HttpRequest, HttpResponseBase
from django.utils.http import url_has_allowed_host_and_scheme

PARAMETER = "flash"
COOKIE_PREFIX = "flash-"
SALT = "core.flash"
# A redirect is followed at once; a cookie left behind (a redirect never followed) dies soon.
SECONDS = 5 * 60
# As Django's own cookie storage: a cookie header larger than this may be cut by a proxy.
MAX_COOKIE_SIZE = 2048
# Stands in the cookie for messages kept in the session because the cookie could not hold them.
IN_SESSION = "session"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16}")


def new_token() -> str:
    return secrets.token_urlsafe(12)


def token_of(request: HttpRequest) -> str | None:
    """The token of the messages this request's address carries, if it is well formed."""
    token = request.GET.get(PARAMETER, "")
    return token if TOKEN.fullmatch(token) else None


def carried(request: HttpRequest) -> bool:
    """The request's address carries messages (its page is then made for this person only)."""
    return PARAMETER in request.GET


def cookie_name(token: str) -> str:
    return f"{COOKIE_PREFIX}{token}"


def _session_key(token: str) -> str:
    return f"flash:{token}"


def _salt(token: str) -> str:
    return f"{SALT}:{token}"


def with_token(url: str, token: str) -> str:
    """`url` carrying `token` (in place of a token it already carried)."""
    parts = urlsplit(url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key != PARAMETER
    ]
    query.append((PARAMETER, token))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _redirect_header(request: HttpRequest, response: HttpResponseBase) -> str | None:
    """The header of `response` that sends the browser to a page of this site, if any."""
    if 300 <= response.status_code < 400 and "Location" in response:
        header = "Location"
    elif "HX-Redirect" in response:
        header = "HX-Redirect"
    else:
        return None
    if not url_has_allowed_host_and_scheme(
        response[header], allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return header


class MessageSerializer:
    """Messages to JSON and back, keeping which texts the portal marked safe (a link it built
    with format_html); any other text is escaped when shown, as ever."""

    def dumps(self, messages: object) -> bytes:
        return MessageEncoder(separators=(",", ":")).encode(messages).encode("latin-1")

    def loads(self, data: bytes) -> object:
        return json.loads(data.decode("latin-1"), cls=MessageDecoder)


class FlashStorage(BaseStorage):
    """MESSAGE_STORAGE: messages bound to the redirect of the request that produced them."""

    def __init__(self, request: HttpRequest, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.token = token_of(request)

    def _get(self, *args, **kwargs) -> tuple[list[Message], bool]:
        if self.token is None:
            return [], True
        value = self.request.COOKIES.get(cookie_name(self.token))
        if not value:
            return [], True
        try:
            kept = signing.loads(
                value, salt=_salt(self.token), serializer=MessageSerializer, max_age=SECONDS
            )
        except (signing.BadSignature, ValueError):
            # Tampered with, made up or too old: nothing to show, and nothing to fail on.
            return [], True
        if kept == IN_SESSION:
            kept = self._from_session(self.token)
        return (kept if isinstance(kept, list) else []), True

    def _from_session(self, token: str) -> list[Message]:
        encoded = self.request.session.pop(_session_key(token), None)
        return json.loads(encoded, cls=MessageDecoder) if encoded else []

    def update(self, response):
        """Unlike BaseStorage, always decides: the cookie read is deleted, and messages not
        shown follow a redirect or are dropped."""
        self._prepare_messages(self._queued_messages)
        if self.token is not None and cookie_name(self.token) in self.request.COOKIES:
            response.delete_cookie(
                cookie_name(self.token),
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        if self.used:
            unshown = self._queued_messages
        else:
            unshown = self._loaded_messages + self._queued_messages
        return self._store(unshown, response)

    def _store(self, messages: list[Message], response: HttpResponseBase, *args, **kwargs):
        header = _redirect_header(self.request, response) if messages else None
        if header is None:
            return []
        token = new_token()
        response[header] = with_token(response[header], token)
        value = signing.dumps(
            messages, salt=_salt(token), serializer=MessageSerializer, compress=True
        )
        if len(cookie_name(token)) + len(value) > MAX_COOKIE_SIZE:
            self.request.session[_session_key(token)] = MessageEncoder().encode(messages)
            value = signing.dumps(IN_SESSION, salt=_salt(token), serializer=MessageSerializer)
        response.set_cookie(
            cookie_name(token),
            value,
            max_age=SECONDS,
            domain=settings.SESSION_COOKIE_DOMAIN,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )
        return []
