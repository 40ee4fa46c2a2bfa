"""core holds only what the apps share: it imports none of them (DESIGN.md), or the data
that flows one way would flow back. Its own tests may use the apps' factories."""

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[1]
APPS = {"accounts", "applications", "evaluation", "contracts", "audit", "bench"}


def _core_modules():
    tests = CORE / "tests"
    return sorted(path for path in CORE.rglob("*.py") if tests not in path.parents)


def _imported_apps(path):
    """(line, module) of each import of an app, wherever it stands (inside a function too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in APPS:
                yield node.lineno, name


def test_the_layout_test_sees_imports_at_every_level(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        "import accounts.models as people\n"
        "from core import journal\n"
        "def later():\n"
        "    from contracts.models import Contract\n"
    )

    assert list(_imported_apps(module)) == [(1, "accounts.models"), (4, "contracts.models")]


@pytest.mark.parametrize("path", _core_modules(), ids=lambda path: str(path.relative_to(CORE)))
def test_core_imports_no_app(path):
    assert list(_imported_apps(path)) == []
