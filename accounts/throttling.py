"""How django-axes identifies a login attempt: the address as the account knows it, and the
real client behind the reverse proxy."""

from django.conf import settings


def login_username(request, credentials):
    """Case and spaces never make a new account name: they would reset the failure count."""
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get(settings.AXES_USERNAME_FORM_FIELD) or ""
    return username.strip().lower()


def client_ip(request):
    """REMOTE_ADDR, or the client address added by our own trusted proxies.

    Behind N proxies, the N-th address from the end of X-Forwarded-For is the one the first
    proxy saw; anything before it was written by the client and cannot be trusted.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


def ratelimit_ip(group, request):
    """django-ratelimit key: the real client, as for login throttling."""
    return client_ip(request)


def ratelimit_email(group, request):
    """django-ratelimit key: the address a form asks to write to, whatever its case."""
    return (request.POST.get("email") or "").strip().lower()
