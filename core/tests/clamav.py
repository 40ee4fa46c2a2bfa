"""A real clamd for the tests, started once per session in a temporary folder.

freshclam cannot download the official signatures here (no internet, and CI should not
depend on it), and clamd refuses to start without any. Two one-line databases of our own do:
- eicar.hdb, the MD5 of the 68-byte EICAR test file: the file on its own is detected;
- eicar.ndb, a body signature of the same bytes at any offset: the EICAR string inside a
  real PDF, which passes the portal's type checks, is detected too (the MD5 cannot match a
  file that holds other bytes besides).
"""

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from core.antivirus import ping

CLAMD = Path("/usr/sbin/clamd")
# The standard antivirus test string: harmless, and detected by every antivirus.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
START_TIMEOUT = 60

CONFIG = """\
DatabaseDirectory {folder}/db
LocalSocket {folder}/clamd.sock
PidFile {folder}/clamd.pid
TemporaryDirectory {folder}
LogFile {folder}/clamd.log
Foreground yes
StreamMaxLength 100M
MaxThreads 2
SelfCheck 3600
"""


def _write_config(folder):
    (folder / "db").mkdir()
    (folder / "db" / "eicar.hdb").write_text(
        "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n"
    )
    (folder / "db" / "eicar.ndb").write_text(f"Eicar-Test-Signature-Body:0:*:{EICAR.hex()}\n")
    config = folder / "clamd.conf"
    config.write_text(CONFIG.format(folder=folder))
    return config


def _wait_for(process, socket_path, log):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"clamd stopped at start-up:\n{log.read_text()}")
        if socket_path.exists() and ping(path=str(socket_path), timeout=2):
            return
        time.sleep(0.2)
    process.kill()
    pytest.fail(f"clamd did not answer PING within {START_TIMEOUT} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory):
    """The path of a running clamd's socket; the test is skipped when clamd is not installed."""
    if not CLAMD.exists():
        pytest.skip("ClamAV is not installed: apt-get install clamav-daemon (see .ci/run)")
    # A short path: a UNIX socket's path may not exceed 107 bytes.
    folder = Path(tmp_path_factory.mktemp("clamd"))
    config = _write_config(folder)
    log = folder / "clamd.out"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(CLAMD), "-c", str(config)], stdout=output, stderr=subprocess.STDOUT
        )
    try:
        _wait_for(process, folder / "clamd.sock", log)
        yield str(folder / "clamd.sock")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
