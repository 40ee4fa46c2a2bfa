"""Fuzzing the accounts' forms: registration, login, the password pages, the profile, the
language switch and the invitation of staff."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from accounts.models import STAFF_ROLES

from .conftest import fuzz_post, logged_in
from .strategies import hostile_choice, hostile_text, mutated

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
