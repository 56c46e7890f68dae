"""The example exchange in docs/protocol.md, replayed verbatim against a real server: a client
written from the page alone gets exactly the answers the page promises."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.support import Client

DOC = Path(__file__).parent.parent.parent / "docs" / "protocol.md"


def exchange() -> list[tuple[str, dict[str, Any]]]:
    """The → and ← JSON lines of 'A complete exchange', in order."""
    text = DOC.read_text("utf-8")
    section = text[text.index("## A complete exchange"):]
    block = section[section.index("```") + 3:]
    block = block[:block.index("```")]
    steps = []
    for line in block.splitlines():
        match = re.match(r"([→←]) (\{.*\})\s*(\(.*\))?$", line.strip())
        if match and "…" not in match.group(2):
            steps.append((match.group(1), json.loads(match.group(2))))
    return steps


async def test_documented_exchange(live_session: dict[str, Any]) -> None:
    server = live_session["server"]
    code = live_session["code"]
    mod = await Client.open(server.ws_url, code, live_session["moderator_token"])
    # The page's session: an earlier activity a1, the ideas activity a2 current, a poll a3.
    await mod.ok("activity.create", kind="ideas", title="Warm-up")
    await mod.ok("activity.create", kind="ideas", title="Was tun wir zuerst?")
    await mod.ok("activity.create", kind="poll", title="Welches Handlungsfeld zuerst?",
                 config={"options": ["Mobilität", "Energie"]})
    await mod.ok("activity.activate", activity="a2")
    joined = server.join(code)
    assert re.fullmatch(r"p\d+\.[A-Za-z0-9_-]{32}", joined["token"])
    assert joined["ws"] == f"/ws/{code}"
    phone = await Client.open(server.ws_url, code, joined["token"])
    assert phone.hello["protocol"] == "1.3" and phone.hello["role"] == "participant"
    steps = exchange()
    sent = [m for arrow, m in steps if arrow == "→"]
    promised = [m for arrow, m in steps if arrow == "←" and m["type"] in {"ack", "error"}]
    assert [m["type"] for m in sent] == ["idea.add", "vote.cast", "vote.cast"]
    answers = []
    for message in sent:
        if message["type"] == "vote.cast":
            await mod.ok("activity.activate", activity="a3")
        since = len(phone.messages)
        await phone.send_raw(json.dumps(message))
        answers.append(await phone.wait(
            lambda m, i=message["id"]: m["type"] in {"ack", "error"} and m["id"] == i,
            since=since))
    assert answers[0]["type"] == "ack"
    assert set(answers[0]["result"]) == set(promised[0]["result"])
    for got, want in zip(answers[1:], promised[-1:], strict=False):
        assert got["result"] == want["result"]
    assert answers[1] == answers[2], "the retried command gets the first answer"
    await phone.close()
    await mod.close()
