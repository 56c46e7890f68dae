"""QR codes of the join URL as SVG (for pages and the beamer), PNG (for slides and print) and
text (for the terminal). qrcode computes the matrix; the PNG is written here with zlib,
which saves a dependency on Pillow for one black-and-white image."""

from __future__ import annotations

import struct
import zlib

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _code(data: str) -> qrcode.QRCode:  # type: ignore[type-arg]
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


def svg(data: str) -> bytes:
    image = _code(data).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="utf-8")  # type: ignore[no-any-return]


def png(data: str, scale: int = 10) -> bytes:
    matrix = _code(data).get_matrix()  # includes the quiet zone (border)
    size = len(matrix) * scale
    rows = bytearray()
    for row in matrix:
        line = bytearray([0])  # filter type: none
        for dark in row:
            line.extend((0 if dark else 255,) * scale)
        rows.extend(bytes(line) * scale)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


# Black on bright white, set on every line: the code reads the same on a light and on a dark
# terminal (a scanner needs dark modules on a light ground, whatever the theme).
DARK_ON_LIGHT = "\x1b[30;107m"
RESET = "\x1b[0m"


def text(data: str, *, colour: bool = True) -> str:
    """Two matrix rows per terminal line with half blocks, so the code stays square.

    colour: black modules on a white ground in ANSI colours, right on any terminal. Without
    colours (NO_COLOR, or not a terminal), light modules are drawn and dark ones left blank,
    which is right on a dark terminal only."""
    matrix = _code(data).get_matrix()
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    # (top dark, bottom dark) -> the character; with colours the foreground is the dark.
    glyphs = ({(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
              if colour else
              {(False, False): "█", (False, True): "▀", (True, False): "▄", (True, True): " "})
    lines = []
    for top, bottom in zip(matrix[::2], matrix[1::2], strict=True):
        line = "".join(glyphs[(t, b)] for t, b in zip(top, bottom, strict=True))
        lines.append(f"{DARK_ON_LIGHT}{line}{RESET}" if colour else line)
    return "\n".join(lines)
