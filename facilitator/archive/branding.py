"""Who hands the documentation over: the organisation's name and logo at the top of the report:
the server's settings `organisation` and `logo`, unless a session has its own (the plan's or the
console's `organisation`; a logo the moderator uploaded, `session.logo`).

A logo is checked and drawn anew (Pillow: PNG or JPEG only, at most LOGO_BYTES, re-encoded as a
PNG of at most LOGO_BOX pixels without metadata), so that a wrong or hostile file is refused
(the server's when it starts, a session's when it is uploaded), and report.html carries a
small, inert picture.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

LOGO_BYTES = 2 * 1024 * 1024
LOGO_BOX = (600, 200)
LOGO_PIXELS = 40_000_000  # the declared size of a logo worth decoding
LOGO = "logo.png"  # its name in the archive folder


@dataclass(frozen=True)
class Branding:
    organisation: str = ""
    logo: bytes | None = None  # a PNG made by load_logo


def load_logo(path: Path) -> bytes:
    """The logo as a clean PNG; ValueError with a sentence for the person who set it."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValueError(f"the logo {path} cannot be read: {error.strerror}") from None
    return logo_png(data, str(path))


def logo_png(data: bytes, path: str = "") -> bytes:
    """Image bytes as a clean PNG logo (run in the media worker for an upload); ValueError
    with a sentence naming `path` for a file that is no such image."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > LOGO_BYTES:
        raise ValueError(f"the logo {path} is larger than {LOGO_BYTES // 1024 // 1024} MB")
    try:
        with Image.open(io.BytesIO(data), formats=("PNG", "JPEG")) as image:
            if image.width * image.height > LOGO_PIXELS:
                raise ValueError(f"the logo {path} is {image.width}×{image.height} pixels: "
                                 "too large for a logo")
            image.load()
            picture = image.convert("RGBA")
    except Image.DecompressionBombError:
        raise ValueError(f"the logo {path} declares a size too large for a logo") from None
    except (UnidentifiedImageError, OSError):
        raise ValueError(f"the logo {path} is not a PNG or JPEG image") from None
    picture.thumbnail(LOGO_BOX)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def branding(organisation: str, logo: str) -> Branding:
    """The settings as a Branding (the logo loaded and checked)."""
    return Branding(organisation.strip(), load_logo(Path(logo)) if logo else None)
