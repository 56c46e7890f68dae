"""A session created without a language takes the server's: a server started with
`--language en` serves English workshops unless told otherwise (API and console)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import LiveServer
from tests.support import fresh_hello


async def test_sessions_default_to_the_servers_language(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "data", language="en").start()
    try:
        key = {"Authorization": f"Bearer {server.organiser_key}"}
        status, plain = server.request("POST", "/api/sessions", {"title": "Workshop"}, key)
        assert status == 201
        status, german = server.request("POST", "/api/sessions",
                                        {"title": "Werkstatt", "language": "de"}, key)
        assert status == 201
        with httpx.Client(base_url=server.url) as browser:
            login = browser.post("/console/login", data={"key": server.organiser_key})
            assert login.status_code == 303
            made = browser.post("/console/sessions", data={"title": "From the console"})
            assert made.status_code == 303
        code = made.headers["location"].split("/moderate/")[1].split("/")[0]
        languages = {}
        for name, session in (("api", plain), ("german", german)):
            hello = await fresh_hello(server, session["code"], session["moderator_token"])
            languages[name] = hello["session"]["language"]
        assert languages == {"api": "en", "german": "de"}
        # The console's session: its join page is English whatever the browser asks for.
        page = httpx.get(f"{server.url}/j/{code}", headers={"Accept-Language": "de"})
        assert '<html lang="en"' in page.text
    finally:
        server.stop()
