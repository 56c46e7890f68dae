"""The container image, the compose file and the proxy's template (issue 14): what they must
keep, each checked where a slip would cost most, at a workshop or in a leaked repository."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from fnmatch import fnmatch

import pytest

from facilitator.config import OPTIONS
from tests.deployment import (
    COMPOSE,
    DEPLOY,
    DOCKERFILE,
    ROOT,
    compose,
    env_example,
    final_stage,
    stages,
)
from tests.proxy import TEMPLATE, placeholders

KNOWN = {option.env for option in OPTIONS}
# Settings of the PostgreSQL store and the Redis fan-out, built beside this for issue 14;
# once config.py has them, this set can go.
PENDING: set[str] = set()  # settings compose names before config.py has them
APPS = ("app1", "app2")


def instruction(name: str) -> list[str]:
    return [line[len(name) + 1:] for line in final_stage() if line.startswith(name + " ")]


# -- Dockerfile -----------------------------------------------------------------------------


def test_the_image_runs_as_a_user_without_privileges() -> None:
    users = instruction("USER")
    assert users and users[-1].split(":")[0] not in {"root", "0"}


def test_the_runtime_has_no_compilers_and_builds_on_slim_python() -> None:
    assert len(stages()) == 2
    assert "ARG PYTHON_IMAGE=python:3.11-slim-bookworm" in DOCKERFILE.read_text("utf-8")
    runs = " ".join(instruction("RUN"))
    assert not re.search(r"apt-get|apk |gcc|build-essential|pip ", runs), runs
    assert any(line.startswith("COPY --from=build /opt/facilitator") for line in final_stage())


def test_the_image_serves_on_all_interfaces_with_its_data_in_a_volume() -> None:
    assert json.loads(instruction("CMD")[-1]) == ["facilitator", "serve", "--host", "0.0.0.0"]
    assert instruction("EXPOSE") == ["8000"]
    assert instruction("VOLUME") == ["/data"]
    assert instruction("STOPSIGNAL") == ["SIGTERM"]
    env = " ".join(instruction("ENV"))
    assert "FACILITATOR_DATA_DIR=/data" in env
    assert set(re.findall(r"FACILITATOR_[A-Z_]+", env)) <= KNOWN
    health = instruction("HEALTHCHECK")
    assert len(health) == 1 and "/healthz" in health[0]


def test_the_build_context_holds_what_the_wheel_is_made_of() -> None:
    """.dockerignore lets in only what it names; the wheel's force-included files must be
    among it, or a ready plan goes missing from the image."""
    allowed = [line[1:].rstrip("/") for line in
               (ROOT / ".dockerignore").read_text("utf-8").splitlines() if line.startswith("!")]
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    included = re.findall(r'^"([^"]+)" = "facilitator/', pyproject, re.M)
    copied = [line.split()[1] for line in stages()[0] if line.startswith("COPY ")]
    for path in [*included, *copied]:
        assert any(fnmatch(path, pattern) or path.startswith(pattern + "/")
                   or fnmatch(pattern, path + "/*") for pattern in allowed), path


# -- compose.yaml ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, object]]:
    pytest.importorskip("yaml")
    found: dict[str, dict[str, object]] = compose()["services"]
    return found


def test_compose_has_the_processes_their_stores_and_the_proxy(services: dict) -> None:
    assert set(services) == {*APPS, "postgres", "redis", "nginx"}
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"]
    assert any(volume.endswith(":/var/lib/postgresql/data")
               for volume in services["postgres"]["volumes"])
    for app in APPS:
        env = services[app]["environment"]
        assert env["FACILITATOR_DATABASE_URL"].startswith("postgresql://")
        # with the password Redis requires (docs/scaling.md: Redis speaks for the processes)
        assert env["FACILITATOR_REDIS_URL"].startswith("redis://:${REDIS_PASSWORD")
        assert "@redis:6379/" in env["FACILITATOR_REDIS_URL"]
        assert "--requirepass" in services["redis"]["command"]
        assert env["FACILITATOR_PUBLIC_URL"].startswith("https://")
        assert env["FACILITATOR_PROXY_HEADERS"] == "1"
        assert set(name for name in env if name.startswith("FACILITATOR_")) <= KNOWN | PENDING
        assert "ports" not in services[app]  # only nginx reaches them (FORWARDED_ALLOW_IPS)
        assert "healthcheck" not in services[app]  # the image's HEALTHCHECK
        assert "data:/data" in services[app]["volumes"]  # one for all: blobs, documentation


def test_nginx_renders_the_template_for_every_process(services: dict) -> None:
    nginx = services["nginx"]
    env = nginx["environment"]
    assert "./nginx/facilitator.conf.template:/etc/nginx/templates/default.conf.template:ro" \
        in nginx["volumes"]
    assert any(volume.startswith("./certs:") for volume in nginx["volumes"])
    assert "443:443" in nginx["ports"]
    needed = placeholders(TEMPLATE.read_text("utf-8"))
    assert needed <= set(env)
    assert all(name.startswith(env["NGINX_ENVSUBST_FILTER"]) for name in needed)
    upstreams = re.findall(r"server ([\w.]+):(\d+)( max_fails=0)?;", env["PROXY_UPSTREAMS"])
    # max_fails=0: a restarted process takes phones again at once (docs/deployment.md)
    assert upstreams == [(app, "8000", " max_fails=0") for app in APPS]
    for path in (env["PROXY_CERT"], env["PROXY_CERT_KEY"]):
        assert path.startswith("/etc/nginx/certs/")


def test_no_secret_is_committed() -> None:
    """Passwords, secrets and keys come from deploy/.env, which git ignores; the example has
    the names only."""
    text = COMPOSE.read_text("utf-8")
    for name, value in re.findall(r"^\s*([A-Z_]*(?:PASSWORD|SECRET|KEY))\s*:\s*(.+)$", text,
                                  re.M):
        if not value.startswith("/"):  # a path names a file kept elsewhere, not a secret
            assert re.fullmatch(rf'"?\$\{{{name}:\?[^}}]+\}}"?', value), (name, value)
    assert not re.search(r"://[^:/\s]+:(?!\$\{)[^@\s]+@", text)  # a password in a URL
    required = set(re.findall(r"\$\{([A-Z_]+):\?", text))
    example = env_example()
    assert required <= set(example)
    assert all(not value for name, value in example.items()
               if re.search("PASSWORD|SECRET|KEY", name))
    assert "/deploy/.env" in (ROOT / ".gitignore").read_text("utf-8").splitlines()
    assert (DEPLOY / "certs" / ".gitignore").read_text("utf-8").splitlines()[-2:] == \
        ["*", "!.gitignore"]
    if shutil.which("git") and (ROOT / ".git").exists():
        tracked = subprocess.run(["git", "ls-files", "deploy"], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout.split()
        assert not [path for path in tracked if re.search(r"\.(pem|key|crt)$|/\.env$", path)]


# -- the proxy's template and the docs --------------------------------------------------------


def test_the_proxy_takes_the_largest_upload() -> None:
    text = TEMPLATE.read_text("utf-8")
    limit = int(re.search(r"client_max_body_size (\d+)m;", text).group(1))  # type: ignore[union-attr]
    defaults = {option.name: option.default for option in OPTIONS}
    assert defaults["max_upload_mb"] < limit <= defaults["max_upload_mb"] + 10
    assert defaults["photo_mb"] < limit


def test_the_docs_point_at_the_files_instead_of_copying_them() -> None:
    """The proxy's configuration lives in deploy/ and is tested there; the docs name the files
    and every placeholder, and hold no nginx configuration that could drift from them."""
    docs = (ROOT / "docs" / "deployment.md").read_text("utf-8")
    for path in ("Dockerfile", "deploy/compose.yaml", "deploy/env.example",
                 "deploy/nginx/facilitator.conf.template", "deploy/nginx/nginx.conf"):
        assert f"`{path}`" in docs, path
    for name in placeholders(TEMPLATE.read_text("utf-8")):
        assert f"`{name}`" in docs, name
    assert "```nginx" not in docs
