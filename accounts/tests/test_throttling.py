from django.test import RequestFactory

from accounts.throttling import client_ip, login_username


def test_username_is_compared_without_case_or_spaces():
    request = RequestFactory().post("/", {"username": "  Salma@Cluster-A.MA "})

    assert login_username(request, None) == "salma@cluster-a.ma"
    assert login_username(request, {"username": "X@Y.MA"}) == "x@y.ma"


def test_client_ip_without_proxy_ignores_forwarded_headers(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="10.0.0.9")

    assert client_ip(request) == "10.0.0.9"


def test_client_ip_behind_one_proxy_is_the_address_it_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first hop; our proxy appended the real address.
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="6.6.6.6, 41.250.1.2", REMOTE_ADDR="127.0.0.1"
    )

    assert client_ip(request) == "41.250.1.2"
