"""The dependency direction of DESIGN.md: base (tamky_poverty) ← households ← support ← targets
(the plan's quotas count support actions) ← reports ← campaigns (the reviews draw their documents
with the reports' renderers) ← dashboard, citydata. An import never points
up — not even inside a function, where it would only hide a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LAYERS = {
    "tamky_poverty": 0,
    "jobs": 0.5,  # background jobs and "Tài liệu của tôi": above the base, below every feature app
    "households": 1,
    "support": 2,
    "targets": 3,
    "reports": 4,
    "campaigns": 5,
    "dashboard": 6,
    "citydata": 6,
}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module.split(".")[0]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]


def _violations(app: str) -> list[str]:
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, top in _imports(path):
            if top in LAYERS and top != app and LAYERS[top] >= LAYERS[app]:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {top}")
    return found


@pytest.mark.parametrize("app", list(LAYERS))
def test_imports_point_down(app):
    assert _violations(app) == []


def test_the_rule_catches_an_upward_import(tmp_path, monkeypatch):
    """The check itself can fail: a base module importing a feature app is reported."""
    base = tmp_path / "tamky_poverty"
    base.mkdir()
    (base / "bad.py").write_text("def f():\n    from households.models import Household\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert _violations("tamky_poverty") == ["tamky_poverty/bad.py:2 imports households"]
