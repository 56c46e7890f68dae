"""What a phone downloads: versioned static URLs cached for a year, gzip for scripts, styles and
pages, a 304 for what it has, and the page's modules preloaded."""

from __future__ import annotations

import gzip
import re
from typing import Any

import httpx

from tests.conftest import LiveServer
from tests.support import moderate

GZIP = {"Accept-Encoding": "gzip"}


def _participant_page(server: LiveServer, browser: httpx.Client) -> tuple[dict[str, Any], str]:
    session = server.create_session()
    moderate(server, session, [{"type": "session.open"}, {"type": "session.start"}])
    assert browser.post(f"/j/{session['code']}", data={}).status_code == 303
    page = browser.get(f"/s/{session['code']}", headers=GZIP)
    assert page.status_code == 200
    return session, page.text


def test_the_participant_page_links_versioned_files_kept_for_a_year(
        live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as browser:
        _, html = _participant_page(live_server, browser)
        linked = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
        preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)"', html)
        assert len(preloaded) >= 5
        assert all(re.fullmatch(r"/static/v/[0-9a-f]{12}/.+", url) for url in linked)
        assert not any("/console/" in url or "/beamer/" in url for url in linked)
        for url in linked:
            answer = browser.get(url, headers=GZIP)
            assert answer.status_code == 200, url
            assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert answer.headers["content-encoding"] == "gzip", url
            assert "content-security-policy" not in answer.headers
            assert answer.headers["x-content-type-options"] == "nosniff"
            again = browser.get(url, headers={**GZIP, "If-None-Match": answer.headers["etag"]})
            assert again.status_code == 304
        # The scripts arrive without their comment lines; the source stays unversioned.
        script = next(url for url in linked if url.endswith("/js/dom.js"))
        with browser.stream("GET", script, headers=GZIP) as answer:
            sent = gzip.decompress(b"".join(answer.iter_raw())).decode()
        source = browser.get("/static/js/dom.js", headers={"Accept-Encoding": "identity"})
        assert source.headers["cache-control"] == "no-cache"
        assert "\n// " in source.text and "\n// " not in sent
        assert len(sent) < len(source.text)


def test_pages_come_compressed_and_an_old_version_is_not_cached(
        live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as browser:
        session, _ = _participant_page(live_server, browser)
        with browser.stream("GET", f"/s/{session['code']}", headers=GZIP) as page:
            assert page.headers["content-encoding"] == "gzip"
            assert page.headers["cache-control"] == "no-store"
            assert page.headers["content-security-policy"]
        old = browser.get("/static/v/000000000000/js/dom.js")
        assert old.status_code == 200
        assert old.headers["cache-control"] == "no-cache"
        assert browser.get("/static/v/000000000000/js/nothing.js").status_code == 404
