"""Helpers for the scenes of the activity kinds (the pages come from the scene_page fixture
in conftest.py): axe checks, participants who act over the wire (the other people in the
room), a phone that joins by its link, and the console."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from typing import Any

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import PHONE, axe_path
from tests.support import Client

NARROW = {**PHONE, "viewport": {"width": 320, "height": 640}}


def accessible(page: Any, what: str) -> None:
    """axe-core finds nothing on the page as it is now (skipped quietly without axe-core:
    the scene itself still runs)."""
    if axe_path():
        assert_accessible(page, what)


def join(scene_page: Callable[..., Any], server: Any, code: str, where: str | None = None,
         **options: Any) -> Any:
    """A phone that joins by its link; where: "im Raum" or "online" (the join page's choice)."""
    phone = scene_page(f"{server.url}/j/{code}", **{**PHONE, **options})
    if where:
        phone.get_by_role("radio", name=where, exact=True).check()
    phone.get_by_role("button", name="Mitmachen").click()
    phone.wait_for_url(f"**/s/{code}")
    phone.wait_for_selector("#status[data-status=connected]")
    return phone


def others(server: Any, session: dict[str, Any],
           *people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each list of commands is one more participant (joined over the API) acting over the
    wire; every command must be acknowledged. Returns the acks' results per person."""

    async def act(commands: list[dict[str, Any]]) -> list[Any]:
        joined = server.join(session["code"])
        client = await Client.open(server.ws_url, session["code"], joined["token"])
        results = []
        for command in commands:
            fields = {k: v for k, v in command.items() if k != "type"}
            results.append((await client.ok(command["type"], **fields))["result"])
        await client.close()
        return results

    async def run() -> list[Any]:
        return [await act(commands) for commands in people]

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def console(scene_page: Callable[..., Any], session: dict[str, Any], **options: Any) -> Any:
    page = scene_page(session["moderator_url"], **options)
    page.wait_for_selector("#status[data-status=connected]")
    return page


def card(console_page: Any, title: str) -> Any:
    """The console's card of one activity."""
    return console_page.locator("#activities > li", has_text=title)
