"""The QR codes at their stable URLs decode, with a real decoder (zbar), to the join URL."""

from __future__ import annotations

import io
import re
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
    lines = qr.text("http://127.0.0.1:8000/j/ACEFHJ", colour=False).splitlines()
    assert len({len(line) for line in lines}) == 1
    assert len(lines) * 2 >= len(lines[0])


BLACK, WHITE = 0, 255
ESCAPE = re.compile(r"\x1b\[([0-9;]*)m")


def _terminal(text: str, fg: int, bg: int, scale: int = 6) -> Image.Image:
    """The text as a terminal with this theme (default foreground and background) draws it:
    half blocks, and the colours of SGR 30 (black), 107 (bright white) and 0 (reset)."""
    rows: list[list[int]] = []
    for line in text.splitlines():
        top: list[int] = []
        bottom: list[int] = []
        colour_fg, colour_bg = fg, bg
        position = 0
        for match in [*ESCAPE.finditer(line), None]:
            end = match.start() if match else len(line)
            for char in line[position:end]:
                upper = colour_fg if char in "█▀" else colour_bg
                lower = colour_fg if char in "█▄" else colour_bg
                top.append(upper)
                bottom.append(lower)
            if match is None:
                break
            position = match.end()
            for code in (match.group(1) or "0").split(";"):
                if code == "0":
                    colour_fg, colour_bg = fg, bg
                elif code == "30":
                    colour_fg = BLACK
                elif code == "107":
                    colour_bg = WHITE
        rows += [top, bottom]
    width = max(len(r) for r in rows)
    image = Image.new("L", (width * scale, len(rows) * scale), bg)
    for y, row in enumerate(rows):
        for x, value in enumerate(row):
            image.paste(value, (x * scale, y * scale, (x + 1) * scale, (y + 1) * scale))
    # The terminal's own margin around the code, in its background.
    framed = Image.new("L", (image.width + 8 * scale, image.height + 8 * scale), bg)
    framed.paste(image, (4 * scale, 4 * scale))
    return framed


@pytest.mark.parametrize(("theme", "fg", "bg"), [("dark", WHITE, BLACK),
                                                 ("light", BLACK, WHITE)])
def test_terminal_qr_decodes_on_light_and_dark_terminals(theme: str, fg: int,
                                                         bg: int) -> None:
    url = "http://192.168.178.23:8000/j/ACEFHJ"
    found = decode(_terminal(qr.text(url, colour=True), fg, bg))
    assert [f.data.decode() for f in found] == [url], theme


def test_the_uncoloured_terminal_qr_is_for_dark_terminals_only() -> None:
    # Why colours are the default: without them a light terminal shows a negative.
    url = "http://192.168.178.23:8000/j/ACEFHJ"
    assert [f.data.decode() for f in decode(_terminal(qr.text(url, colour=False),
                                                      WHITE, BLACK))] == [url]


def test_unknown_code_is_404(live_server: Any) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        _get(f"{live_server.url}/qr/AAAAAA.png")
    assert error.value.code == 404
    error.value.close()
