"""Command ids belong to the credential that sent them: the owner's console and a
co-moderator's console using the same id each get their own command carried out and their
own answer (protocol 1.1; in 1.0 the second was answered with the first one's ack and
silently dropped)."""

from __future__ import annotations

from tests.conftest import LiveServer
from tests.support import Client


async def test_two_consoles_never_swallow_each_others_commands(
        live_server: LiveServer) -> None:
    session = live_server.create_session("Zwei Konsolen")
    co_token = session["comoderator_url"].rsplit("/", 1)[1]
    owner = await Client.open(live_server.ws_url, session["code"], session["moderator_token"])
    co = await Client.open(live_server.ws_url, session["code"], co_token)
    first = await owner.command("phase.create", ident="same-id", title="Ankommen")
    second = await co.command("phase.create", ident="same-id", title="Ideen sammeln")
    assert first["type"] == second["type"] == "ack"
    assert first["seq"] != second["seq"]
    # Each console's resend gets its own first answer and changes nothing.
    assert await owner.command("phase.create", ident="same-id", title="x") == first
    assert await co.command("phase.create", ident="same-id", title="x") == second
    fresh = await Client.open(live_server.ws_url, session["code"], session["moderator_token"])
    titles = [phase["title"] for phase in fresh.hello["session"]["phases"]]
    assert titles == ["Ankommen", "Ideen sammeln"]
    for client in (owner, co, fresh):
        await client.close()
