"""Documentation is part of the feature: every wire message and every setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from facilitator.config import OPTIONS
from facilitator.live import messages

# Every message type, both directions, as live/messages.py defines them.
WIRE_TYPES = [messages.tag(cls) for cls in (*messages.SERVER, *messages.CLIENT)]

DOCS = Path(__file__).parent.parent.parent / "docs"


def _mentioned(path: Path) -> set[str]:
    return set(re.findall(r"`([^`\s]+)`", path.read_text("utf-8")))


@pytest.mark.parametrize("name", [*WIRE_TYPES, *messages.EVENT_TYPES, *messages.ERROR_CODES])
def test_every_wire_message_is_in_protocol_md(name: str) -> None:
    assert name in _mentioned(DOCS / "protocol.md"), f"{name} is missing from docs/protocol.md"


def test_every_documented_command_exists() -> None:
    text = (DOCS / "protocol.md").read_text("utf-8")
    section = text[text.index("## Commands"):text.index("## Views")]
    first_cells = re.findall(r"^\| (`[^|]+)\|", section, re.M)
    documented = {name for cell in first_cells for name in re.findall(r"`([a-z]+\.[a-z]+)`", cell)}
    assert documented == {messages.tag(cls) for cls in messages.COMMANDS}


@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: o.name)
def test_every_setting_is_in_deployment_md(option: object) -> None:
    text = (DOCS / "deployment.md").read_text("utf-8")
    assert option.env in text and option.flag in text  # type: ignore[attr-defined]
