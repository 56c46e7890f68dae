"""The documentation from the console: "write now", the zip download, the organiser's list."""

from __future__ import annotations

import io
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import httpx

from facilitator.archive import zip_archive
from facilitator.live.archiving import REPORT
from tests.conftest import LiveServer
from tests.support import moderate


def folder_of(server: LiveServer, session: dict[str, Any]) -> Path:
    return server.settings.sessions_dir / session["id"]


def wait_for(path: Path, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not path.is_file():
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.05)


def test_the_zip_downloads_with_the_moderator_link_only(live_server: LiveServer) -> None:
    session = live_server.create_session(title="Zukunft der Innenstadt")
    moderate(live_server, session, [{"type": "session.open"}, {"type": "session.start"},
                                    {"type": "session.close"}])
    wait_for(folder_of(live_server, session) / REPORT)  # written by itself on close
    base = f"{live_server.url}/moderate/{session['code']}"
    with httpx.Client(follow_redirects=False, timeout=10) as http:
        answer = http.get(f"{base}/{session['moderator_token']}/archive.zip")
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/zip"
        assert answer.headers["content-disposition"] == \
            f'attachment; filename="{session["id"]}.zip"'
        assert answer.headers["referrer-policy"] == "no-referrer"
        names = zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
        inside = f"{session['id']}/"  # unpacks into a folder named like the session
        assert {inside + name for name in ("README.md", "report.html", "results.json")} \
            <= set(names)
        assert all(name.startswith(inside) for name in names)
        assert answer.content == zip_archive(folder_of(live_server, session))

        for token in ("wrong", session["presenter_token"], session["moderator_token"][:-1]):
            assert http.get(f"{base}/{token}/archive.zip").status_code == 404
            assert http.post(f"{base}/{token}/archive").status_code == 404
        assert http.get(f"{live_server.url}/moderate/ZZZZZZ/"
                        f"{session['moderator_token']}/archive.zip").status_code == 404


def test_write_now_writes_and_returns_to_the_console(live_server: LiveServer) -> None:
    session = live_server.create_session()
    folder = folder_of(live_server, session)
    moderator_url = session["moderator_url"]
    with httpx.Client(follow_redirects=False, timeout=10) as http:
        page = http.get(moderator_url).text
        assert 'id="h-archive"' in page and "Noch nicht geschrieben." in page
        assert not folder.exists(), "a draft has no documentation until asked for"
        answer = http.post(f"{moderator_url}/archive")
        assert answer.status_code == 303
        assert answer.headers["location"] == f"{moderator_url}#h-archive"
        assert (folder / REPORT).is_file()
        page = http.get(moderator_url).text
        assert "Zuletzt geschrieben:" in page
        # The console page's own form and link lead to these two addresses.
        assert f'action="{moderator_url}/archive"' in page
        assert f'href="{moderator_url}/archive.zip"' in page


def test_a_download_before_any_write_writes_first(live_server: LiveServer) -> None:
    session = live_server.create_session()
    with urllib.request.urlopen(f"{session['moderator_url']}/archive.zip", timeout=10) as got:
        assert zipfile.ZipFile(io.BytesIO(got.read())).namelist()
    assert (folder_of(live_server, session) / REPORT).is_file()


def test_the_organiser_console_links_the_zips_of_archived_sessions(
        live_server: LiveServer) -> None:
    archived = live_server.create_session(title="Abgeschlossen")
    running = live_server.create_session(title="Läuft noch")
    moderate(live_server, archived, [{"type": "session.open"}, {"type": "session.start"},
                                     {"type": "session.close"}])
    wait_for(folder_of(live_server, archived) / REPORT)
    with httpx.Client(base_url=live_server.url, follow_redirects=True, timeout=10) as http:
        assert "archive.zip" not in http.get("/console").text  # not signed in: no list
        http.post("/console/login", data={"key": live_server.organiser_key})
        page = http.get("/console").text
    assert f'href="{archived["moderator_url"]}/archive.zip"' in page
    assert f'{running["moderator_url"]}/archive.zip' not in page
    assert page.count("Dokumentation (ZIP)") == 1
