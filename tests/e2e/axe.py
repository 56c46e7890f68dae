"""Accessibility checks with axe-core in the page under test.

axe-core is a test tool, not part of any page: CI installs it with
`npm install --no-save axe-core@4` (or `make test`, from package.json); AXE_CORE_JS may point to
another copy of axe.min.js. Without it the checks skip, saying so.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def axe_script() -> Path:
    path = Path(os.environ.get("AXE_CORE_JS") or DEFAULT)
    if not path.is_file():
        pytest.skip(f"axe-core not found at {path}: run `npm install --no-save axe-core@4` "
                    "in the repository, or set AXE_CORE_JS to axe.min.js")
    return path


def violations(page: Any) -> list[dict[str, Any]]:
    """Every axe violation on the page as it is now (WCAG 2.x A/AA and best practices)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_script()))
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return found


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for violation in found:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']!r}")
    return "\n".join(lines)


def assert_accessible(page: Any, what: str) -> None:
    found = violations(page)
    assert not found, f"axe found {len(found)} violation(s) on {what}:\n{describe(found)}"
