"""The container's HEALTHCHECK: exit 0 when gunicorn answers /healthz with 200.

It asks as nginx would, with a Host from ALLOWED_HOSTS and X-Forwarded-Proto: https; otherwise
Django's host check (400) or its HTTPS redirect (301) would answer instead of the view. Only the
standard library: the image has no curl.
"""

import http.client
import os
import sys


def main() -> int:
    port = int(os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").rsplit(":", 1)[1])
    hosts = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "localhost").split(",")]
    # ".example.ma" allows every subdomain; "*" allows anything.
    host = next((h for h in hosts if h), "localhost").lstrip(".").replace("*", "localhost")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=8)
    try:
        connection.request("GET", "/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"})
        status = connection.getresponse().status
    except OSError as error:
        print(f"healthz unreachable: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    print(f"healthz answered {status}")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
