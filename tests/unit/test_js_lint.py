"""The browser scripts pass ESLint: every imported name exists, nothing undefined is used.

The scripts are ES modules served without a build step; a name that one module stopped exporting
would otherwise fail only in a browser, on the page that needs it. ESLint comes from npm
(package.json, installed by `make test`); without it the test skips.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ESLINT = ROOT / "node_modules" / ".bin" / "eslint"
SCRIPTS = ROOT / "static" / "js"


@pytest.mark.skipif(not ESLINT.exists(), reason="npm install (package.json) puts ESLint there")
def test_scripts_pass_eslint() -> None:
    done = subprocess.run([str(ESLINT), "--max-warnings", "0", "static/js"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


IMPORT = re.compile(r'^import \{([^}]*)\} from "([^"]+)";', re.M)
EXPORT = re.compile(r"^export (?:async )?(?:const|function|let|class) ([\w$]+)", re.M)
REEXPORT = re.compile(r"^export \{([^}]*)\}", re.M)


def test_every_imported_name_is_exported() -> None:
    """ESLint does not follow imports; this does (names imported from a module it exports)."""
    missing = []
    for module in SCRIPTS.rglob("*.js"):
        for names, path in IMPORT.findall(module.read_text()):
            target = (module.parent / path).resolve()
            if not target.exists():
                missing.append(f"{module.relative_to(ROOT)}: {path} does not exist")
                continue
            text = target.read_text()
            exported = set(EXPORT.findall(text))
            for group in REEXPORT.findall(text):
                exported |= {n.strip().split(" as ")[-1] for n in group.split(",")}
            for name in names.split(","):
                name = name.strip().split(" as ")[0]
                if name and name not in exported:
                    missing.append(f"{module.relative_to(ROOT)}: {name} is not exported by {path}")
    assert not missing, "\n".join(missing)


def test_browser_tests_do_not_wait_with_wait_for_function() -> None:
    """Playwright compiles a wait_for_function predicate inside the page when it polls, and
    the pages' policy (no 'unsafe-eval') refuses that now and then: a flaky test. The browser
    tests wait with tests/e2e/conftest.py wait_until instead."""
    used = [f"{path.relative_to(ROOT)}:{n}"
            for path in (ROOT / "tests" / "e2e").rglob("*.py")
            for n, line in enumerate(path.read_text().splitlines(), 1)
            if ".wait_for_function(" in line]
    assert not used, used
