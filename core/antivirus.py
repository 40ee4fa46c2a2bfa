"""A small client for clamd, the ClamAV daemon, over its UNIX socket (INSTREAM protocol).

The file is streamed in chunks, each preceded by its length as 4 big-endian bytes, and a
zero-length chunk ends it; clamd answers `stream: OK` or `stream: <signature> FOUND`.
Commands are sent with the `z` prefix: NUL-terminated, and so are the answers.
"""

import socket
import struct
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ApplicationError
from .journal import journal_record

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


# Scanning at upload, before anything is stored ----------------------------------------------
#
# Contract files (the signed scan, the final copy, the annual report files and KPI evidence)
# are scanned here, synchronously, while the user waits: they are few and small, and such a
# file must never be stored, not even for a moment, before clamd has seen it. Dossier files go
# through a task instead (applications/services/scanning.py): hundreds arrive in the rush
# before a call's deadline, and an upload must not wait on clamd then.


class InfectedUpload(ApplicationError):
    """clamd found a virus in an upload; carries what the journal records of the refusal."""

    def __init__(self, message, *, field, target, actor, data):
        super().__init__(message, field=field, code="infected")
        self.target = target
        self.actor = actor
        self.data = data


def scan_upload_or_refuse(uploaded, *, name, target, actor, field="file"):
    """Stream an upload to clamd when one is configured: clean, nothing happens; infected,
    InfectedUpload; clamd unable to answer, ApplicationError (try again later)."""
    if not antivirus_enabled():
        return
    uploaded.seek(0)
    try:
        result = scan_stream(uploaded)
    except AntivirusUnavailable as error:
        raise ApplicationError(
            _(
                "L'analyse antivirus est momentanément impossible : "
                "réessayez dans quelques minutes."
            ),
            field=field,
            code="antivirus_unavailable",
        ) from error
    finally:
        uploaded.seek(0)
    if result.infected:
        raise InfectedUpload(
            _("Le fichier « %(name)s » contient un virus (%(signature)s) et a été refusé.")
            % {"name": name, "signature": result.signature},
            field=field,
            target=target,
            actor=actor,
            data={"name": name, "signature": result.signature[:200], "field": field},
        )


def journal_infected_uploads(action):
    """Journal, as `action`, the uploads a service refused as infected. The service's own
    transaction is rolled back by the error, and any entry written in it: the refusal is
    written here, outside it, so this decorator goes above @transaction.atomic."""

    def decorator(service):
        @wraps(service)
        def wrapper(*args, **kwargs):
            try:
                return service(*args, **kwargs)
            except InfectedUpload as error:
                journal_record(
                    target=error.target,
                    actor=error.actor,
                    action=action,
                    message=f"{error.data['name']} ({error.data['signature']})",
                    data=error.data,
                )
                raise

        return wrapper

    return decorator
