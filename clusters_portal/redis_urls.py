"""Which Redis database a URL names, so that production can refuse a cache sharing the broker's.

Emptying the cache (`cache.clear()`, after each upgrade) is Redis's FLUSHDB on the cache's
database: on the broker's database it would also drop every queued e-mail and PDF.
"""

from redis.connection import parse_url

LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def redis_server(url: str) -> tuple[str, int | str]:
    """The server a Redis URL points at: (host, port), or ("unix", socket path)."""
    parts = parse_url(url)
    if "path" in parts:
        return ("unix", parts["path"])
    host = parts.get("host", "localhost")
    return ("loopback" if host in LOOPBACK else host.lower(), parts.get("port", 6379))


def redis_databases(urls: str) -> set[tuple[str, int | str, int]]:
    """Every (host, port, database) named by a URL or comma-separated URLs (Django's cache
    accepts a primary followed by replicas)."""
    return {
        (*redis_server(url), int(parse_url(url).get("db", 0)))
        for url in (part.strip() for part in urls.split(","))
        if url
    }


def shares_a_database(first: str, second: str) -> bool:
    return bool(redis_databases(first) & redis_databases(second))
