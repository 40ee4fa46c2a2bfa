"""Supply-chain check run by .ci/run: known vulnerabilities in the pinned requirements.

pip-audit looks every pinned release up in PyPI's vulnerability data. A release it could not
look up is reported, not silently counted as safe: on a machine whose package mirror does not
serve PyPI's per-release data, the run says how many releases went unchecked. Set
AUDIT_STRICT=1 where PyPI is reachable to make an unchecked release fail the run too.
"""

import json
import os
import subprocess  # nosec B404
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def audit():
    command = [str(PIP_AUDIT), "--no-deps", "--disable-pip", "--format", "json"]
    command += ["--progress-spinner", "off"]
    for requirements in ("requirements.txt", "requirements-dev.txt"):
        command += ["-r", str(ROOT / requirements)]
    # A fixed command: our own pip-audit on our own requirement files.
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    try:
        return json.loads(result.stdout)["dependencies"]
    except (json.JSONDecodeError, KeyError):
        sys.exit(f"pip-audit did not answer:\n{result.stdout}\n{result.stderr}")


def main():
    dependencies = audit()
    vulnerable = [d for d in dependencies if d.get("vulns")]
    unchecked = [d for d in dependencies if "skip_reason" in d]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "none yet"
            print(
                f"VULNERABLE {dependency['name']}=={dependency['version']}: {vuln['id']} (fixed in {fixes})"
            )
    checked = len(dependencies) - len(unchecked)
    print(
        f"pip-audit: {checked} pinned releases checked, {len(vulnerable)} vulnerable, {len(unchecked)} unchecked."
    )
    if unchecked:
        reason = unchecked[0]["skip_reason"]
        print(f"WARNING: {len(unchecked)} releases could not be looked up ({reason}).")
    if vulnerable or (unchecked and os.environ.get("AUDIT_STRICT") == "1"):
        sys.exit(1)


if __name__ == "__main__":
    main()
