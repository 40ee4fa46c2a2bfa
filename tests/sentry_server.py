"""A stand-in for Sentry or GlitchTip: records the envelopes the portal sends, decoded."""

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli  # type: ignore[import-untyped]


def parse_envelope(raw):
    """(item header, payload) pairs of a Sentry envelope: JSON lines, sized payloads."""
    _header, _, rest = raw.partition(b"\n")
    items = []
    while rest.strip():
        line, _, rest = rest.partition(b"\n")
        if not line.strip():
            continue
        item = json.loads(line)
        if "length" in item:
            payload, rest = rest[: item["length"]], rest[item["length"] + 1 :]
        else:
            payload, _, rest = rest.partition(b"\n")
        items.append((item, payload))
    return items


class SentryServer:
    def __init__(self):
        self.envelopes = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "br":
                    body = brotli.decompress(body)
                server.envelopes.append((self.path, body))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def dsn(self):
        return f"http://publickey@127.0.0.1:{self.httpd.server_address[1]}/1"

    def events(self):
        return [
            json.loads(payload)
            for path, body in list(self.envelopes)
            if path == "/api/1/envelope/"
            for item, payload in parse_envelope(body)
            if item.get("type") == "event"
        ]

    def everything_sent(self):
        return b"\n".join(body for _path, body in list(self.envelopes)).decode(errors="replace")

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
