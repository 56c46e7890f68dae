"""Who hands the documentation over: the organisation's name and logo at the top of the report
(the server's settings `organisation` and `logo`), the same for every session of the server.

The logo is an image file the person running the server names; it is still checked and drawn
anew (Pillow: PNG or JPEG only, at most LOGO_BYTES, re-encoded as a PNG of at most LOGO_BOX
pixels without metadata), so that a wrong or hostile file is refused when the server starts,
and report.html carries a small, inert picture.
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
    from PIL import Image, UnidentifiedImageError

    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValueError(f"the logo {path} cannot be read: {error.strerror}") from None
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
