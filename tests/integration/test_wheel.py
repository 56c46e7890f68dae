"""The package as a user gets it (issue 11, done when): the wheel is built, installed into a
fresh virtual environment, and `facilitator serve` is run from it in an empty folder; the
organiser signs in over HTTP and starts a session from each of the five ready plans through
the console's form, and each session's agenda holds its plan's phases.

Offline and quick: `pip wheel --no-build-isolation` builds with the hatchling of the test
environment (pyproject's test extras) instead of fetching a build backend from an index, and
`pip --python … install --no-deps` installs the wheel into a venv made without pip. The new
venv sees the test environment's packages (starlette, uvicorn, …) through a .pth file that
names their folder: a plain path line, so the .pth files in that folder (the checkout's
editable install among them) are not run, and `import facilitator` can only find the wheel.
The test checks that it does.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import socket
import subprocess
import sys
import sysconfig
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from facilitator.domain.plan import load_plan
from tests.support import fresh_hello

ROOT = Path(__file__).resolve().parents[2]
SLUGS = ["konzeptworkshop-anlaufstelle", "leitbild-werkstatt", "simulationslabor-klimaschutz",
         "waermeplanung-auftakt", "zielbild-interkommunal"]
KEY = "wheel-test-organiser-key"


def _run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
         timeout: float = 120) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Installed:
    def __init__(self, root: Path, wheel: Path, venv: Path, env: dict[str, str]) -> None:
        self.root, self.wheel, self.venv, self.env = root, wheel, venv, env
        self.folder = root / "empty"  # where the server runs: no checkout anywhere near


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    try:
        import hatchling  # noqa: F401
    except ImportError:
        pytest.fail("hatchling is missing from the test environment: pip install -e '.[test]'")
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", dist, ROOT)
    [wheel] = dist.glob("facilitator-*.whl")
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                .strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "test-dependencies.pth").write_text("".join(f"{p}\n" for p in sorted(ours)),
                                                "utf-8")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
         "--no-index", wheel)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "FACILITATOR_", "VIRTUAL_ENV"))}
    env["NO_COLOR"] = "1"
    installed = Installed(root, wheel, venv, env)
    installed.folder.mkdir()
    return installed


def test_the_wheel_holds_the_plans_and_no_documentation(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = wheel.namelist()
    assert sorted(n for n in names if n.startswith("facilitator/sessions/")) == \
        [f"facilitator/sessions/{slug}/plan.toml" for slug in SLUGS]
    assert "facilitator/templates/moderator/console.html" in names
    assert "facilitator/static/css/site.css" in names
    assert any(n.endswith("/de/LC_MESSAGES/messages.mo") for n in names)


def test_the_installed_package_is_imported_not_the_checkout(installed: Installed) -> None:
    out = _run(installed.venv / "bin" / "python", "-c",
               "import facilitator, facilitator.library as library\n"
               "print(facilitator.__file__)\n"
               "for plan in library.ready_plans(): print(plan.path)",
               cwd=installed.folder, env=installed.env)
    first, *plans = out.splitlines()
    package = installed.venv.resolve()
    assert Path(first).resolve().is_relative_to(package), first
    assert [Path(p).resolve().parent.name for p in plans] == SLUGS
    assert all(Path(p).resolve().is_relative_to(package) for p in plans), plans


@pytest.fixture
def server(installed: Installed) -> Iterator[str]:
    port = _free_port()
    data = installed.root / "data"
    process = subprocess.Popen(
        [str(installed.venv / "bin" / "facilitator"), "serve", "--host", "127.0.0.1",
         "--port", str(port), "--data-dir", str(data),
         "--sessions-dir", str(installed.root / "documentation"),
         "--organiser-key", KEY, "--log-level", "warning"],
        cwd=installed.folder, env=installed.env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output, _ = process.communicate(timeout=5)
                pytest.fail(f"the installed server did not start:\n{output}")
            time.sleep(0.1)
        yield url
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()
    # Nothing was written into the folder it ran in.
    assert list(installed.folder.iterdir()) == []


class _Server:
    """What fresh_hello needs of a server."""

    def __init__(self, url: str) -> None:
        self.ws_url = url.replace("http://", "ws://")


def _view(url: str, location: str) -> dict[str, Any]:
    found = re.fullmatch(re.escape(url) + r"/moderate/([A-Z0-9]{6})/([\w-]{32})", location)
    assert found, location
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        hello = pool.submit(asyncio.run, fresh_hello(_Server(url), *found.groups())).result()
    return dict(hello["session"])


def test_a_session_from_each_ready_plan_through_the_console(server: str) -> None:
    with httpx.Client(base_url=server, follow_redirects=False, timeout=10) as browser:
        assert browser.post("/console/login", data={"key": KEY}).status_code == 303
        page = browser.get("/console")
        assert page.status_code == 200
        for slug in SLUGS:
            assert f'name="name" value="{slug}"' in page.text
            plan = load_plan((ROOT / "sessions" / slug / "plan.toml").read_text("utf-8"))
            answer = browser.post("/console/plans", data={"source": "ready", "name": slug})
            assert answer.status_code == 303, answer.text
            location = answer.headers["location"]
            view = _view(server, location)
            assert view["title"] == plan.title and view["status"] == "draft"
            assert [(p["title"], p["minutes"]) for p in view["phases"]] == \
                [(p.title, p.minutes) for p in plan.phases]
            assert [a["title"] for a in view["activities"]] == \
                [a.title for a in plan.activities]
            assert [g["name"] for g in view["groups"]] == list(plan.groups)
            # The moderator's page and its assets come from the wheel too.
            moderator = browser.get(location)
            assert moderator.status_code == 200 and plan.title.split(":")[0] in moderator.text
        assert browser.get("/console").text.count('name="source" value="session"') == 5
        assert browser.get("/static/css/site.css").status_code == 200
