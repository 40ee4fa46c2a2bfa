"""`make bench`, step 2: the queries each measured page makes on its first view, every portal
cache bypassed (`PORTAL_CACHE` off), through Django's test client on the seeded database.

run.py counts them on the full data set (1,000 rows) in its own process, and on the small one
(10 rows, `BENCH_SMALL_DATABASE_URL`) by running this file with that database:
    DATABASE_URL=... CELERY_BROKER_URL=... CACHE_URL=... .venv/bin/python bench/queries.py
which prints the counts as JSON.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "clusters_portal.settings.bench"
    import django

    django.setup()

import targets  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

# The address gunicorn answers at during the benchmark, one of the bench settings' hosts.
HOST = "127.0.0.1"


def _signed_in(user):
    """A test client signed in as `user`, second factor included for staff (the code page
    itself is not what is counted)."""
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return len(queries)


@override_settings(PORTAL_CACHE=False)
def count():
    """{page name: queries of its first view} for every measured page but the floors."""
    cache.clear()
    people, pages = targets.seeded()
    clients = {role: _signed_in(user) for role, (user, _check) in people.items()}
    return {
        page.name: _queries(clients.get(page.account) or Client(HTTP_HOST=HOST), page.path)
        for page in pages
        if page.target not in ("baseline", "floor")
    }


if __name__ == "__main__":
    print(json.dumps({"rows": targets.data_set()["dossiers"], "queries": count()}))
