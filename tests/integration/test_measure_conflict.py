"""Two phones of a group edit the same field of their measure sheet at once: one wins, the
other is told and shown the current value; nothing is lost silently."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.support import Client


async def test_same_field_at_once(live_session: dict[str, Any]) -> None:
    server, code = live_session["server"], live_session["code"]
    mod = await Client.open(server.ws_url, code, live_session["moderator_token"])
    group = (await mod.ok("group.create", name="Energieversorgung"))["result"]["group"]
    phones = [await Client.open(server.ws_url, code, server.join(code)["token"])
              for _ in range(2)]
    for phone in phones:
        await mod.ok("group.assign", participant=phone.hello["you"]["participant"],
                     group=group)
        await phone.wait(lambda m: m["type"] == "hello" and m["you"]["group"] == group)
    sheet = (await mod.ok("activity.create", kind="measure", title="Umsetzungsfahrplan",
                          per_group=True))["result"]["activity"]
    await mod.ok("activity.activate", activity=sheet)

    texts = ["Wärmenetz für die Altstadt", "Nahwärme im Neubaugebiet Süd"]
    for n, (phone, text) in enumerate(zip(phones, texts, strict=True)):
        await phone.send_raw(json.dumps({"type": "sheet.edit", "id": f"edit-{n}",
                                         "activity": sheet, "field": "title", "value": text,
                                         "version": 0}))
    answers = [await phone.wait(lambda m, n=n: m.get("id") == f"edit-{n}")
               for n, phone in enumerate(phones)]
    winners = [a for a in answers if a["type"] == "ack"]
    losers = [a for a in answers if a["type"] == "error"]
    assert len(winners) == 1 and len(losers) == 1
    assert winners[0]["result"] == {"version": 1}
    lost = losers[0]
    assert lost["code"] == "conflict"
    won_text = texts[answers.index(winners[0])]
    current = lost["details"]["current"]
    assert current["value"] == won_text and current["version"] == 1
    assert lost["message"] == "Jemand anderes hat dieses Feld inzwischen geändert."
    # The loser takes the current version and applies its own text on top: both are kept in
    # the log, the sheet ends with the deliberate second edit.
    loser = phones[answers.index(lost)]
    retry = await loser.ok("sheet.edit", activity=sheet, field="title",
                           value=texts[answers.index(lost)], version=current["version"])
    assert retry["result"] == {"version": 2}
    edited = await mod.wait(lambda m: m.get("event") == "sheet.edited"
                            and m["data"]["version"] == 2)
    assert edited["data"]["group"] == group
    await asyncio.sleep(0.05)
    for phone in phones:  # both phones saw both edits, in order
        versions = [m["data"]["version"] for m in phone.events("sheet.edited")]
        assert versions == [1, 2]
    for client in (mod, *phones):
        await client.close()
