"""Every status changes through its entity's transition function, which calls
`core.states.StateMachine.move`: no other module assigns a status field, updates one in bulk,
or sets one with setattr. Tests and migrations may build rows in any state."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THE_ONE_PLACE = ROOT / "core" / "states.py"
STATUS_FIELDS = {"status"}
BULK_WRITES = {"update", "bulk_update", "bulk_update_with_history"}


def project_modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0].startswith(".") or parts[0] in {"var", "test-artifacts", "staticfiles"}:
            continue
        if "tests" in parts or "migrations" in parts or path == THE_ONE_PLACE:
            continue
        yield path


def _names_status(node):
    if isinstance(node, ast.Constant) and node.value in STATUS_FIELDS:
        return True
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(_names_status(element) for element in node.elts)
    return False


def status_writes(source):
    """(line, what) of each status write in the module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for element in ast.walk(target):
                if isinstance(element, ast.Attribute) and element.attr in STATUS_FIELDS:
                    found.append((node.lineno, f".{element.attr} = …"))
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        if name == "setattr" and len(node.args) > 1 and _names_status(node.args[1]):
            found.append((node.lineno, "setattr(…, 'status', …)"))
        if name in BULK_WRITES:
            keywords = {keyword.arg for keyword in node.keywords}
            if keywords & STATUS_FIELDS or any(_names_status(arg) for arg in node.args):
                found.append((node.lineno, f".{name}(status…)"))
            if any(
                keyword.arg == "fields" and _names_status(keyword.value)
                for keyword in node.keywords
            ):
                found.append((node.lineno, f".{name}(fields=[status…])"))
    return found


def test_no_module_but_the_state_machine_writes_a_status():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in project_modules()
        for line, what in status_writes(path.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "source",
    [
        "dossier.status = 'draft'",
        "a.b.status = x",
        "x.status: str = 'draft'",
        "setattr(call, 'status', 'published')",
        "Call.objects.filter(pk=1).update(status='published')",
        "Tranche.objects.bulk_update(rows, ['status'])",
        "bulk_update_with_history(rows, Tranche, ['status'], default_user=u)",
    ],
)
def test_the_check_sees_each_way_of_writing_a_status(source):
    assert status_writes(source)


def test_the_check_leaves_reads_and_other_fields_alone():
    source = (
        "if dossier.status == 'draft':\n"
        "    document.scan_status = 'clean'\n"
        "Dossier.objects.filter(status='draft').update(updated_at=now)\n"
        "Tranche(status='planned')\n"
    )
    assert status_writes(source) == []
