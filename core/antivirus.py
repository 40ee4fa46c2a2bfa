"""A small client for clamd, the ClamAV daemon, over its UNIX socket (INSTREAM protocol).

The file is streamed in chunks, each preceded by its length as 4 big-endian bytes, and a
zero-length chunk ends it; clamd answers `stream: OK` or `stream: <signature> FOUND`.
Commands are sent with the `z` prefix: NUL-terminated, and so are the answers.
"""

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK_SIZE = 64 * 1024
MAX_ANSWER = 4096


class AntivirusUnavailable(Exception):
    """clamd could not give a verdict (down, too slow, file over its limits): try later."""


@dataclass(frozen=True)
class ScanResult:
    infected: bool
    signature: str = ""


def antivirus_enabled():
    return bool(settings.CLAMD_SOCKET)


def _connect(path, timeout):
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(timeout)
    try:
        connection.connect(path)
    except OSError as error:
        connection.close()
        raise AntivirusUnavailable(f"clamd unreachable at {path}: {error}") from error
    return connection


def _read_answer(connection):
    answer = b""
    while not answer.endswith(b"\0") and len(answer) < MAX_ANSWER:
        chunk = connection.recv(MAX_ANSWER)
        if not chunk:
            break
        answer += chunk
    return answer.rstrip(b"\0").decode("utf-8", "replace").strip()


def _command(command, *, path=None, timeout=None):
    path = path or settings.CLAMD_SOCKET
    with _connect(path, timeout or settings.CLAMD_TIMEOUT) as connection:
        try:
            connection.sendall(b"z" + command + b"\0")
            return _read_answer(connection)
        except OSError as error:
            raise AntivirusUnavailable(f"clamd did not answer {command!r}: {error}") from error


def ping(*, path=None, timeout=None):
    """True when clamd answers PONG."""
    try:
        return _command(b"PING", path=path, timeout=timeout) == "PONG"
    except AntivirusUnavailable:
        return False


def parse_answer(answer):
    """Turn clamd's answer to INSTREAM into a result; anything unexpected is a fault."""
    if answer == "stream: OK":
        return ScanResult(infected=False)
    if answer.startswith("stream: ") and answer.endswith(" FOUND"):
        return ScanResult(infected=True, signature=answer[len("stream: ") : -len(" FOUND")])
    # "INSTREAM size limit exceeded. ERROR", "... ERROR", or nothing at all.
    raise AntivirusUnavailable(f"clamd could not scan the file: {answer or 'no answer'}")


def scan_stream(handle, *, path=None, timeout=None):
    """Scan an open binary file with clamd; raise AntivirusUnavailable when it cannot say."""
    path = path or settings.CLAMD_SOCKET
    with _connect(path, timeout or settings.CLAMD_TIMEOUT) as connection:
        try:
            connection.sendall(b"zINSTREAM\0")
            while chunk := handle.read(CHUNK_SIZE):
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            answer = _read_answer(connection)
        except OSError as error:
            # A timeout, or clamd closing the socket once the stream passes StreamMaxLength.
            raise AntivirusUnavailable(f"clamd scan failed: {error}") from error
    return parse_answer(answer)
