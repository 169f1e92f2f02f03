"""`accounts` depends on `governance`; `governance` (and the nominations and meetings apps)
never import `accounts`: they name its URLs and settings by string only."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", ["governance", "nominations", "meetings"])
def test_it_never_imports_accounts_from_a_lower_app(package):
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / package).rglob("*.py"))
        if any(
            name == "accounts" or name.startswith("accounts.") for name in imported_modules(path)
        )
    ]
    assert offenders == []


def test_it_imports_governance_from_accounts():
    imported = set().union(*(imported_modules(p) for p in (ROOT / "accounts").rglob("*.py")))
    assert any(name.startswith("governance") for name in imported)
    assert not any(name.startswith(("nominations", "meetings")) for name in imported)
