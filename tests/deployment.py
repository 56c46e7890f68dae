"""The deployment files read as data for the tests: the Dockerfile's instructions per stage,
deploy/compose.yaml, deploy/env.example."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / "env.example"


def stages() -> list[list[str]]:
    """The Dockerfile's instructions, continuation lines joined, one list per FROM."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text("utf-8"))
    found: list[list[str]] = [[]]
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("FROM "):
            found.append([])
        found[-1].append(line)
    return found[1:]


def final_stage() -> list[str]:
    """The instructions of the image that runs: the last stage."""
    return stages()[-1]


def compose() -> dict[str, Any]:
    import yaml  # PyYAML comes with the test extras (openapi-spec-validator needs it)

    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text("utf-8"))
    return loaded


def env_example() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in ENV_EXAMPLE.read_text("utf-8").splitlines()
             if line and not line.startswith("#"))
    return {name: value for name, value in pairs}
