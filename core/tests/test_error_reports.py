"""What the error reports' filter keeps and drops (the real round trip: tests/test_error_reports.py)."""

import sys

from django import db

from core.error_reports import before_send


def _hint(error):
    try:
        raise error
    except type(error):
        return {"exc_info": sys.exc_info()}


def test_errors_the_portal_already_handles_are_not_reported():
    assert before_send({"logger": "django.security.DisallowedHost"}, {}) is None
    assert before_send({"logger": "core.unavailable"}, {}) is None
    assert before_send({}, _hint(db.OperationalError("server closed the connection"))) is None


def test_a_bug_is_reported_with_personal_data_masked():
    event = {
        "message": "Failed for salma@cluster-a.ma",
        "extra": {"to": ["omar.tazi@cluster-b.ma"]},
        "request": {
            "url": "https://portail/comptes/invitation/MQ/cz1k3a-0123456789abcdef0123456789abcdef/",
            "data": {"password": "secret"},
            "cookies": {"sessionid": "abc"},
            "headers": {"Cookie": "sessionid=abc", "Authorization": "Basic eA==", "Accept": "*/*"},
        },
        "user": {"id": "4", "email": "salma@cluster-a.ma", "username": "salma@cluster-a.ma"},
    }

    sent = before_send(event, _hint(RuntimeError("a bug")))

    assert sent["message"] == "Failed for [email]"
    assert sent["extra"] == {"to": ["[email]"]}
    assert sent["request"] == {
        "url": "https://portail/comptes/invitation/MQ/[redacted]/",
        "headers": {"Accept": "*/*"},
    }
    # Outside a request nobody is signed in: no user at all.
    assert sent["user"] == {}
