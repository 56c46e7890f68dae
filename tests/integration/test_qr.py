"""The QR codes at their stable URLs decode, with a real decoder (zbar), to the join URL."""

from __future__ import annotations

import io
import urllib.request
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from facilitator.web import qr

try:
    from PIL import Image
    from pyzbar.pyzbar import decode
except ImportError as error:  # libzbar0 missing: .ci/run installs it
    pytest.skip(f"zbar is not available ({error}); install libzbar0", allow_module_level=True)


def _get(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers["Content-Type"], response.read()


def test_png_decodes_to_join_url(live_session: dict[str, Any]) -> None:
    server = live_session["server"]
    kind, body = _get(f"{server.url}/qr/{live_session['code']}.png")
    assert kind == "image/png"
    found = decode(Image.open(io.BytesIO(body)))
    assert [f.data.decode() for f in found] == [live_session["join_url"]]
    assert live_session["join_url"] == f"{server.url}/j/{live_session['code']}"


def test_svg_is_an_svg_of_the_same_code(live_session: dict[str, Any]) -> None:
    server = live_session["server"]
    kind, body = _get(f"{server.url}/qr/{live_session['code']}.svg")
    assert kind.startswith("image/svg+xml")
    root = ET.fromstring(body)
    assert root.tag.endswith("svg")
    assert root.find(".//{http://www.w3.org/2000/svg}path") is not None
    assert body == qr.svg(live_session["join_url"])


def test_terminal_qr_is_square_text() -> None:
    lines = qr.text("http://127.0.0.1:8000/j/ACEFHJ").splitlines()
    assert len({len(line) for line in lines}) == 1
    assert len(lines) * 2 >= len(lines[0])


def test_unknown_code_is_404(live_server: Any) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        _get(f"{live_server.url}/qr/AAAAAA.png")
    assert error.value.code == 404
    error.value.close()
