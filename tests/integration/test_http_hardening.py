"""The HTTP side against abuse, each against a real uvicorn: guesses of secrets and joins are
rate-limited per address, the join form refuses other sites, cookies are Secure over HTTPS,
errors keep the security headers, bad bodies change nothing, slow clients are cut off, the
server refuses past its connection limit, /healthz tells a broken disk, and a data directory
that cannot be written stops the start with one sentence."""

from __future__ import annotations

import asyncio
import select
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.routing import Route

from facilitator import app as app_module
from facilitator import cli
from facilitator.app import concurrency_limit, files_needed
from facilitator.web import protocols
from tests.conftest import LiveServer
from tests.support import Client, moderate

ROOT = Path(__file__).resolve().parents[2]
EVIL = "http://evil.example"


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """serve(**settings) -> a started LiveServer with these settings."""
    servers: list[LiveServer] = []

    def start(**options: Any) -> LiveServer:
        server = LiveServer(tmp_path / f"data{len(servers)}", **options)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


def opened(server: LiveServer, language: str = "de", names: bool = False) -> dict[str, Any]:
    session = server.create_session(language=language, names=names)
    moderate(server, session, [{"type": "session.open"}])
    return session


def http(server: LiveServer, address: str | None = None) -> httpx.Client:
    """A client; with an address, as a phone behind a proxy that says it is that address."""
    headers = {"X-Forwarded-For": address} if address else {}
    return httpx.Client(base_url=server.url, headers=headers, follow_redirects=False,
                        timeout=10)


def participants(server: LiveServer, session: dict[str, Any]) -> int:
    """How many participants the session has, from the moderator's hello."""

    async def count() -> int:
        mod = await Client.open(server.ws_url, session["code"], session["moderator_token"])
        await mod.close()
        return int(mod.hello["session"]["participants"]["count"])

    return asyncio.run(count())


# -- 1. Failed guesses of codes, link tokens and the organiser key, per address ------------


def test_unknown_codes_are_throttled_per_address_on_every_route(serve: Any) -> None:
    server = serve(guesses_per_minute=5, proxy_headers=True)
    session = opened(server)
    code = session["code"]
    with http(server, "203.0.113.7") as guesser, http(server, "203.0.113.8") as other:
        wrong = ["/join?code=AAAAAA", "/j/AAAAAA", "/s/AAAAAA", "/qr/AAAAAA.svg",
                 "/j/not-a-code"]
        assert [guesser.get(path).status_code for path in wrong] == [404] * 5
        # Now even the right code is refused, before it is looked at.
        refused = guesser.get(f"/j/{code}")
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "Zu viele Fehlversuche" in refused.text
        assert refused.headers["Content-Security-Policy"]
        api = guesser.post(f"/api/sessions/{code}/join", json={},
                           headers={"Accept-Language": "en"})
        assert api.status_code == 429 and "Retry-After" in api.headers
        assert api.json()["error"]["code"] == "rate_limited"
        assert api.json()["error"]["message"].startswith("Too many wrong attempts")
        assert guesser.get("/join", params={"code": code}).status_code == 429
        assert guesser.get(f"/qr/{code}.png").status_code == 429
        # Another address is not affected, and right codes never count.
        for _ in range(10):
            assert other.get(f"/j/{code}").status_code == 200
        assert other.post(f"/api/sessions/{code}/join", json={}).status_code == 201


def test_wrong_link_tokens_are_throttled(serve: Any) -> None:
    server = serve(guesses_per_minute=4, proxy_headers=True)
    session = opened(server)
    code = session["code"]
    with http(server, "203.0.113.9") as guesser:
        for path in [f"/present/{code}/wrong", f"/moderate/{code}/wrong",
                     f"/moderate/{code}/wrong/archive.zip", f"/moderate/{code}/%C3%A4"]:
            assert guesser.get(path).status_code == 404
        right = session["moderator_url"].removeprefix(server.url)
        refused = guesser.get(right)
        assert refused.status_code == 429 and "Retry-After" in refused.headers
        assert guesser.post(f"{right}/archive").status_code == 429
    with http(server, "203.0.113.10") as other:
        assert other.get(right).status_code == 200
        assert other.post(f"/moderate/{code}/wrong/archive").status_code == 404


def test_wrong_organiser_keys_are_throttled(serve: Any) -> None:
    server = serve(guesses_per_minute=3, proxy_headers=True)
    key = server.organiser_key
    with http(server, "203.0.113.11") as guesser:
        assert guesser.post("/console/login", data={"key": "nope"}).status_code == 401
        assert guesser.post("/console/login", data={"key": "ä"}).status_code == 401
        assert guesser.post("/api/sessions", json={"title": "x"},
                            headers={"Authorization": "Bearer nope"}).status_code == 401
        right = guesser.post("/console/login", data={"key": key})
        assert right.status_code == 429 and "auth" not in str(right.cookies)
        api = guesser.post("/api/sessions", json={"title": "x"},
                           headers={"Authorization": f"Bearer {key}"})
        assert api.status_code == 429 and api.json()["error"]["code"] == "rate_limited"
    with http(server, "203.0.113.12") as other:
        assert other.post("/console/login", data={"key": key}).status_code == 303
        assert other.post("/api/sessions", json={"title": "x"},
                          headers={"Authorization": f"Bearer {key}"}).status_code == 201


# -- 2. Joins per address and per session ------------------------------------------------


def test_joins_are_limited_per_address_and_per_session(serve: Any) -> None:
    server = serve(joins_per_address=3, joins_per_minute=5, proxy_headers=True)
    session = opened(server, language="en")
    code = session["code"]
    german = {"Accept-Language": "de"}  # the message is in the session's language anyway
    with http(server, "198.51.100.1") as room, http(server, "198.51.100.2") as home:
        for _ in range(3):
            assert room.post(f"/api/sessions/{code}/join", json={}).status_code == 201
        refused = room.post(f"/api/sessions/{code}/join", json={}, headers=german)
        assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.json()["error"] == {
            "code": "rate_limited",
            "message": "Too many people from your network are joining this workshop right "
                       "now. Please try again in a minute."}
        room.cookies.clear()  # a browser that has not joined yet
        form = room.post(f"/j/{code}", data={"where": "room"}, headers=german)
        assert form.status_code == 429 and "Retry-After" in form.headers
        assert "from your network" in form.text and "set-cookie" not in form.headers
        for _ in range(2):
            assert home.post(f"/api/sessions/{code}/join", json={}).status_code == 201
        full = home.post(f"/api/sessions/{code}/join", json={})
        assert full.status_code == 429
        assert full.json()["error"]["message"].startswith("Too many people are joining")
    assert participants(server, session) == 5


def test_the_moderator_lifting_the_rate_lets_joins_in_again(serve: Any) -> None:
    server = serve(joins_per_address=2)
    session = opened(server)
    code = session["code"]
    for _ in range(2):
        server.join(code)
    assert server.request("POST", f"/api/sessions/{code}/join", {})[0] == 429

    async def watch_and_lift() -> dict[str, Any]:
        mod = await Client.open(server.ws_url, code, session["moderator_token"])
        assert server.request("POST", f"/api/sessions/{code}/join", {})[0] == 429
        notice = await mod.wait(lambda m: m["type"] == "notice")
        await mod.ok("session.limits", limits={"joins_per_address": 600})
        await mod.close()
        return notice

    notice = asyncio.run(watch_and_lift())
    assert notice["refused"]["rate"] >= 1, "the moderator is told of refused joins"
    time.sleep(0.2)  # at 600 a minute, a token comes back every 0.1 s
    assert server.request("POST", f"/api/sessions/{code}/join", {})[0] == 201


# -- 3. The join form against other sites, and against replacing an identity --------------


@pytest.mark.parametrize("headers", [{"Origin": EVIL}, {"Referer": f"{EVIL}/page"},
                                     {"Origin": "null"}, {"Origin": EVIL, "Referer": "x"}])
def test_join_form_from_another_site_is_refused(live_server: LiveServer,
                                                headers: dict[str, str]) -> None:
    session = opened(live_server)
    with http(live_server) as browser:
        answer = browser.post(f"/j/{session['code']}", data={"where": "room"}, headers=headers)
    assert answer.status_code == 403 and "set-cookie" not in answer.headers
    assert "anderen Website" in answer.text
    assert participants(live_server, session) == 0


@pytest.mark.parametrize("headers", [{}, {"Origin": "{url}"},
                                     {"Referer": "{url}/j/CODE"}])
def test_join_form_from_our_page_or_no_browser_joins(live_server: LiveServer,
                                                     headers: dict[str, str]) -> None:
    session = opened(live_server)
    headers = {k: v.format(url=live_server.url) for k, v in headers.items()}
    with http(live_server) as browser:
        answer = browser.post(f"/j/{session['code']}", data={"where": "room"}, headers=headers)
    assert answer.status_code == 303 and answer.headers["location"].endswith(
        f"/s/{session['code']}")
    assert participants(live_server, session) == 1


def test_join_form_keeps_the_identity_a_browser_already_has(live_server: LiveServer) -> None:
    session = opened(live_server)
    code = session["code"]
    with http(live_server) as browser:
        first = browser.post(f"/j/{code}", data={"where": "room"},
                             headers={"Origin": live_server.url})
        assert first.status_code == 303
        cookie = browser.cookies[f"fp_{code}"]
        again = browser.post(f"/j/{code}", data={"where": "online"},
                             headers={"Origin": live_server.url})
        assert again.status_code == 303 and again.headers["location"].endswith(f"/s/{code}")
        assert "set-cookie" not in again.headers
        assert browser.cookies[f"fp_{code}"] == cookie
    assert participants(live_server, session) == 1


# -- 4. Cookies ------------------------------------------------------------------------------


def _cookie(response: httpx.Response, name: str) -> str:
    [line] = [v for k, v in response.headers.multi_items()
              if k == "set-cookie" and v.startswith(name + "=")]
    return line.lower()


def test_cookies_over_plain_http(live_server: LiveServer) -> None:
    session = opened(live_server)
    code = session["code"]
    with http(live_server) as browser:
        api = _cookie(browser.post(f"/api/sessions/{code}/join", json={}), f"fp_{code}")
    with http(live_server) as browser:
        form = _cookie(browser.post(f"/j/{code}", data={}), f"fp_{code}")
        organiser = _cookie(browser.post("/console/login",
                                         data={"key": live_server.organiser_key}),
                            "facilitator_organiser")
    for line in (api, form):
        assert "httponly" in line and "samesite=lax" in line and "max-age=172800" in line
        assert "secure" not in line
    assert "httponly" in organiser and "samesite=strict" in organiser
    assert "secure" not in organiser


def test_cookies_are_secure_behind_a_tls_proxy(serve: Any) -> None:
    server = serve(proxy_headers=True)
    session = opened(server)
    code = session["code"]
    tls = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.3"}
    with http(server) as browser:
        api = _cookie(browser.post(f"/api/sessions/{code}/join", json={}, headers=tls),
                      f"fp_{code}")
        form = _cookie(browser.post(f"/j/{code}", data={}, headers=tls), f"fp_{code}")
        organiser = _cookie(browser.post("/console/login", data={"key": server.organiser_key},
                                         headers=tls), "facilitator_organiser")
    for line in (api, form, organiser):
        assert "; secure" in line and "httponly" in line
    assert "max-age=172800" in api and "max-age=172800" in form


def test_cookies_are_secure_with_an_https_public_url(serve: Any) -> None:
    server = serve(public_url="https://workshop.example.org")
    session = opened(server)
    with http(server) as browser:
        line = _cookie(browser.post(f"/api/sessions/{session['code']}/join", json={}),
                       f"fp_{session['code']}")
    assert "; secure" in line


# -- 5. Error pages and bad bodies ---------------------------------------------------------


def test_a_crash_is_a_500_with_the_security_headers(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    async def boom(request: Request) -> None:
        raise RuntimeError("a bug in a handler")

    routes = app_module.routes
    monkeypatch.setattr(app_module, "routes", lambda site: [Route("/boom", boom), *routes(site)])
    server = LiveServer(tmp_path / "data").start()
    try:
        with http(server) as browser:
            answer = browser.get("/boom")
    finally:
        server.stop()
    assert answer.status_code == 500
    assert "default-src 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "a bug" not in answer.text


@pytest.mark.parametrize(("body", "status", "code"), [
    ("[" * 10_000, 400, "bad_json"),  # deeper than the parser's recursion limit
    ('{"a":' * 3_000, 400, "bad_json"),
    ("[" * 100_000, 413, "too_large"),  # refused by size before it is parsed
    ('{"name": NaN}', 400, "bad_json"),
    ('{"name": -Infinity}', 400, "bad_json"),
    ('{"name": [1e999]}', 400, "bad_json"),
    ('{"name": "\\ud800"}', 400, "invalid"),
    ('{"name": "ok", "\\udfff": 1}', 400, "invalid"),
    ('{"name": ["\\ud83d"]}', 400, "invalid"),
])
def test_bad_json_is_refused_at_the_edge(live_server: LiveServer, body: str, status: int,
                                         code: str) -> None:
    session = opened(live_server, names=True)
    key = {"Authorization": f"Bearer {live_server.organiser_key}",
           "Content-Type": "application/json"}
    with http(live_server) as client:
        joined = client.post(f"/api/sessions/{session['code']}/join", content=body,
                             headers={"Content-Type": "application/json"})
        created = client.post("/api/sessions", content=body, headers=key)
    for answer in (joined, created):
        assert answer.status_code == status, answer.text
        assert answer.json()["error"]["code"] == code
        assert answer.headers["Content-Security-Policy"]
    assert participants(live_server, session) == 0


def test_a_surrogate_pair_is_text_and_welcome(live_server: LiveServer) -> None:
    session = opened(live_server, names=True)
    status, answer = live_server.request("POST", f"/api/sessions/{session['code']}/join",
                                         {"name": "Ada \U0001F600"})
    assert status == 201, answer


@pytest.mark.parametrize("body", [
    "name=a%00b", "name=a%1Bb", "name=a%0Ab", "where=room%0D", "name=%ED%A0%80",
    "name=%FF", "na%00me=x",
])
def test_form_fields_with_control_characters_or_no_utf8_are_refused(
        live_server: LiveServer, body: str) -> None:
    session = opened(live_server, names=True)
    with http(live_server) as browser:
        answer = browser.post(f"/j/{session['code']}", content=body,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert answer.status_code == 400 and "set-cookie" not in answer.headers
        assert "Zeichen, die nicht erlaubt sind" in answer.text
        login = browser.post("/console/login", content=body.replace("name", "key"),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert login.status_code == 400
    assert participants(live_server, session) == 0


def test_a_clean_form_still_joins_with_a_name(live_server: LiveServer) -> None:
    session = opened(live_server, names=True)
    with http(live_server) as browser:
        answer = browser.post(f"/j/{session['code']}", data={"name": "Zoë Ünal", "where": ""})
    assert answer.status_code == 303


# -- 6. Slow clients: header and body timeouts, and the connection limit -------------------


def _raw(server: LiveServer) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    return sock


def _response(sock: socket.socket) -> bytes:
    """One whole response (with a Content-Length) from a kept-alive connection."""
    sock.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")))
    while len(body) < length:
        body += sock.recv(4096)
    return data


def _closed_after(sock: socket.socket, limit: float) -> tuple[float, bytes]:
    """Seconds until the server closes the connection, and what it sent before."""
    began = time.monotonic()
    received = b""
    sock.settimeout(limit)
    while True:
        try:
            chunk = sock.recv(4096)
        except TimeoutError:
            pytest.fail(f"the connection was still open after {limit} s")
        except ConnectionResetError:
            break
        if not chunk:
            break
        received += chunk
    return time.monotonic() - began, received


@pytest.fixture(params=["h11", "httptools"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each of uvicorn's HTTP parsers in turn; httptools only when it is installed (the
    server then picks it, as uvicorn's "auto" would)."""
    if request.param == "httptools":
        pytest.importorskip("httptools")
    else:
        monkeypatch.setattr(protocols, "_httptools_class", lambda: None)
    return str(request.param)


def test_half_sent_headers_are_cut_off(serve: Any, parser: str) -> None:
    server = serve(header_timeout=1)
    assert parser.lower() in server.server.config.http_protocol_class.__name__.lower()
    with _raw(server) as silent, _raw(server) as partial, _raw(server) as dripping:
        began = time.monotonic()
        partial.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        dripping.sendall(b"GET / HTTP/1.1\r\n")
        # A byte every 0.25 s, for up to 4 s, does not extend the deadline.
        while time.monotonic() - began < 4 and not select.select([dripping], [], [], 0.25)[0]:
            dripping.sendall(b"X")
        assert time.monotonic() - began < 3, "header_timeout (1 s) + 2 s"
        waited, sent = _closed_after(dripping, 1)
        assert sent.startswith(b"HTTP/1.1 408")
        waited, sent = _closed_after(partial, 3)
        assert sent.startswith(b"HTTP/1.1 408")
        waited, sent = _closed_after(silent, 3)
        assert sent == b"", "a connection that sent nothing is just closed"
    # A normal request still works, and so does a connection that comes back for more
    # within the deadline; after its response it has to send the next headers in time.
    with _raw(server) as sock:
        for _ in range(2):
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.settimeout(5)
            assert _response(sock).startswith(b"HTTP/1.1 200")
            time.sleep(0.5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        waited, sent = _closed_after(sock, 3)
        assert sent.startswith(b"HTTP/1.1 408") and waited < 1.5


def test_huge_headers_are_refused(serve: Any, parser: str) -> None:
    server = serve(header_timeout=5)
    with _raw(server) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        try:
            for n in range(100):  # 100 headers of 1 KiB, as they come over a slow line
                sock.sendall(b"X-Pad-%d: %s\r\n" % (n, b"a" * 1024))
                time.sleep(0.005)
        except OSError:
            pass  # closed early: as it should
        waited, sent = _closed_after(sock, 3)
    assert sent.startswith(b"HTTP/1.1 400"), sent[:40]


async def test_an_open_websocket_outlives_the_header_timeout(serve: Any, parser: str) -> None:
    server = await asyncio.to_thread(serve, header_timeout=0.5)
    session = await asyncio.to_thread(server.create_session)
    mod = await Client.open(server.ws_url, session["code"], session["moderator_token"])
    await asyncio.sleep(1.5)
    await mod.ok("session.open")
    await mod.close()


def test_a_slow_body_gets_408(serve: Any) -> None:
    server = serve(body_timeout=1)
    session = opened(server)
    with _raw(server) as sock:
        sock.sendall(f"POST /api/sessions/{session['code']}/join HTTP/1.1\r\nHost: x\r\n"
                     "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"na"
                     .encode())
        waited, sent = _closed_after(sock, 4)
    assert sent.startswith(b"HTTP/1.1 408") and b'"code":"timeout"' in sent
    assert 0.9 < waited < 3
    assert participants(server, session) == 0


def test_past_the_connection_limit_requests_get_503(serve: Any) -> None:
    server = serve(max_connections=1, header_timeout=60)
    limit = concurrency_limit(server.settings)
    assert server.server.config.limit_concurrency == limit
    assert files_needed(server.settings) > limit
    held: list[socket.socket] = []
    try:
        held += [_raw(server) for _ in range(limit)]
        deadline = time.monotonic() + 5
        while len(server.server.server_state.connections) < limit:
            assert time.monotonic() < deadline, "the server did not accept them all"
            time.sleep(0.05)
        with http(server) as client:
            refused = client.get("/healthz")
        assert refused.status_code == 503 and refused.text == "Service Unavailable"
    finally:
        for sock in held:
            sock.close()
    deadline = time.monotonic() + 5
    while server.request("GET", "/healthz")[0] != 200:
        assert time.monotonic() < deadline
        time.sleep(0.05)


# -- 7. /healthz ---------------------------------------------------------------------------


def test_healthz_tells_whether_the_store_takes_writes(live_server: LiveServer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert live_server.request("GET", "/healthz") == (200, {"ok": True})
    store = live_server.server.config.app.state.store

    async def broken() -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(store, "check_writable", broken)
    assert live_server.request("GET", "/healthz") == (
        503, {"ok": False, "error": "No space left on device"})


def test_healthz_fails_when_the_disk_is_short(live_server: LiveServer,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    free = shutil.disk_usage(live_server.settings.data_dir).free // 2**20
    store = live_server.server.config.app.state.store
    monkeypatch.setattr(store, "min_free_disk", free + 1024)
    status, answer = live_server.request("GET", "/healthz")
    assert status == 503 and answer["ok"] is False and "MB" in answer["error"]


# -- 8. A data directory that cannot be written, a full disk, the open-files limit ---------


def test_data_dir_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli.data_dir_problem(tmp_path / "new" / "data", 64) is None
    assert list((tmp_path / "new" / "data").iterdir()) == [], "the probe is gone"
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    problem = cli.data_dir_problem(blocker / "data", 64)
    assert problem is not None and str(blocker / "data") in problem
    Usage = type(shutil.disk_usage(tmp_path))
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10**10, 10**10, 10 * 2**20))
    problem = cli.data_dir_problem(tmp_path, 64)
    assert problem == (f"facilitator: only 10 MB are free in the data directory {tmp_path}, "
                       "and at least 64 MB are needed (--min-free-disk)")
    assert cli.data_dir_problem(tmp_path, 10) is None


def test_serve_stops_with_one_sentence_on_a_full_disk(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    Usage = type(shutil.disk_usage(tmp_path))
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10**10, 10**10, 2**20))

    def never(*args: Any) -> None:
        raise AssertionError("the server was started")

    monkeypatch.setattr("uvicorn.Server.run", never)
    assert cli.main(["serve", "--data-dir", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(tmp_path / "data") in err and "1 MB" in err
    assert not (tmp_path / "data" / "organiser-key").exists()


def test_serve_stops_with_one_sentence_on_a_read_only_data_dir(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    # Root writes through file modes, so make the directory a read-only bind mount, in a
    # mount namespace of its own that ends with the command.
    mount = (f"mount --bind {data} {data} && mount -o remount,bind,ro {data}")
    probe = subprocess.run(["unshare", "--mount", "sh", "-c", f"{mount} && ! touch {data}/x"],
                           capture_output=True, timeout=30) if shutil.which("unshare") else None
    if probe is None or probe.returncode != 0:
        pytest.skip("needs unshare and mount (root, or CAP_SYS_ADMIN) for a read-only mount")
    command = (f"{mount} && exec {sys.executable} -m facilitator serve --data-dir {data} "
               "--port 0")
    done = subprocess.run(["unshare", "--mount", "sh", "-c", command], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 2, done
    assert done.stderr == (f"facilitator: cannot write to the data directory {data}: "
                           "Read-only file system\n")
    assert done.stdout == ""


def test_serve_raises_the_open_files_limit_and_warns_below_need(tmp_path: Path) -> None:
    script = ("import resource, sys\n"
              "from facilitator import cli\n"
              "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
              "resource.setrlimit(resource.RLIMIT_NOFILE, (min(256, hard), hard))\n"
              "print(cli.raise_open_files(100), hard)\n"
              "resource.setrlimit(resource.RLIMIT_NOFILE, (200, 200))\n"
              "print(cli.raise_open_files(1000))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=30, cwd=ROOT, check=True)
    raised, hard, capped = done.stdout.split()
    assert raised == hard and capped == "200"
    # And serve says so, then runs (here: stops at once, the port is taken).
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    start = ("import resource, sys\n"
             "resource.setrlimit(resource.RLIMIT_NOFILE, (512, 512))\n"
             "from facilitator.cli import main\n"
             f"sys.exit(main(['serve', '--data-dir', {str(tmp_path)!r}, '--port', '{port}', "
             "'--max-connections', '1000']))\n")
    try:
        done = subprocess.run([sys.executable, "-c", start], capture_output=True, text=True,
                              timeout=60, cwd=ROOT)
    finally:
        taken.close()
    assert ("facilitator: warning: the open-files limit is 512, but --max-connections 1000 "
            "needs about 1320") in done.stderr
