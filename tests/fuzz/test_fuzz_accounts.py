"""Fuzzing the accounts' forms: registration, login, the password pages, the profile, the
language switch and the invitation of staff."""

from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import example, given
from hypothesis import strategies as st

from accounts.models import STAFF_ROLES

from .conftest import fuzz_post, logged_in
from .strategies import CHARACTERS, hostile_choice, hostile_text, mutated

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
emails = st.one_of(st.emails().map(str), hostile_text(max_size=300))
REGISTRATION_VALID = {
    "full_name": "Hind Berrada",
    "email": "hind@cluster-c.ma",
    "phone": "",
    "preferred_language": "fr",
    "password1": "Un-mot-de-passe-solide-42",
    "password2": "Un-mot-de-passe-solide-42",
}
REGISTRATION_HOSTILE = {
    "full_name": hostile_text(),
    "email": emails,
    "phone": hostile_text(max_size=60),
    "preferred_language": hostile_choice(LANGUAGES),
    "password1": hostile_text(max_size=300),
    "password2": hostile_text(max_size=300),
}


@given(data=mutated(REGISTRATION_VALID, REGISTRATION_HOSTILE))
@example(data={**REGISTRATION_VALID, "full_name": "Hind\x00Berrada"})
def test_registration(data):
    fuzz_post(Client(), reverse("accounts:register"), data)


@given(email=emails, password=hostile_text(max_size=300))
def test_anonymous_account_forms(director, email, password):
    client = Client()
    fuzz_post(
        client,
        reverse("accounts:login"),
        {"username": email, "password": password},
        objects=[director],
    )
    fuzz_post(client, reverse("accounts:password_reset"), {"email": email}, objects=[director])
    fuzz_post(client, reverse("accounts:verification_resend"), {"email": email}, objects=[director])


@given(
    data=mutated(
        {"full_name": "Salma Bennani", "phone": "+212 6 12 34 56 78", "preferred_language": "ar"},
        {
            "full_name": hostile_text(),
            "phone": hostile_text(max_size=60),
            "preferred_language": hostile_choice(LANGUAGES),
        },
    )
)
def test_profile(director, data):
    fuzz_post(logged_in(director), reverse("accounts:profile"), data, objects=[director])


@given(
    language=hostile_choice(LANGUAGES),
    next_url=st.one_of(st.sampled_from(["/", "/espace/"]), hostile_text(max_size=200)),
)
@example(language="ar", next_url="/espace/\nSet-Cookie: x=1")
@example(language="ar", next_url="/\x00")
def test_language_switch(director, language, next_url):
    data = {"language": language, "next": next_url}
    fuzz_post(Client(), reverse("accounts:language_set"), data)
    fuzz_post(
        logged_in(director),
        reverse("accounts:language_set"),
        data,
        objects=[director],
        accepted=None,
    )


@given(old=hostile_text(max_size=300), new=hostile_text(max_size=300))
def test_password_change(director, old, new):
    data = {"old_password": old, "new_password1": new, "new_password2": new}
    fuzz_post(logged_in(director), reverse("accounts:password_change"), data, objects=[director])


@given(
    data=mutated(
        {
            "full_name": "Youssef Amrani",
            "email": "youssef@mcinet.gov.ma",
            "role": STAFF_ROLES[0].value,
            "language": "fr",
        },
        {
            "full_name": hostile_text(),
            "email": emails,
            "role": hostile_choice([role.value for role in STAFF_ROLES] + ["director"]),
            "language": hostile_choice(LANGUAGES),
        },
    )
)
def test_staff_invitation(administrator, data):
    fuzz_post(logged_in(administrator), reverse("accounts:user_invite"), data)


def _reset_form_url(client, user):
    """The set-password page, reached as from the e-mail's link (the token moves to the session)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    response = client.get(reverse("accounts:password_reset_confirm", args=[uid, token]))
    return response["Location"]


@given(
    data=mutated(
        {
            "new_password1": "Un-mot-de-passe-solide-42",
            "new_password2": "Un-mot-de-passe-solide-42",
        },
        {"new_password1": hostile_text(max_size=300), "new_password2": hostile_text(max_size=300)},
    )
)
@example(data={"new_password1": "Solide\x00-mot-42", "new_password2": "Solide\x00-mot-42"})
def test_password_reset_confirm(director, data):
    client = Client()
    url = _reset_form_url(client, director)
    fuzz_post(client, url, data, objects=[director])


path_values = st.text(CHARACTERS, min_size=1, max_size=200).map(lambda text: quote(text, safe=""))


@given(first=path_values, second=path_values)
@example(first="%00", second="..%2F..%2Fetc%2Fpasswd")
def test_tokens_in_addresses(first, second):
    """Tokens and identifiers typed or mangled in the address: refused, never a 500."""
    client = Client()
    for url in (
        f"/comptes/verification/{first}/",
        f"/comptes/mot-de-passe/nouveau/{first}/{second}/",
        f"/comptes/invitation/{first}/{second}/",
        f"/appels/{first}/",
    ):
        response = client.get(url)
        assert response.status_code in {200, 302, 400, 404}, (url, response.status_code)
