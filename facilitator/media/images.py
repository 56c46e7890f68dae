"""A photo from a phone made fit to show: turned upright, downscaled, re-encoded as JPEG, and
stripped of everything but its pixels (a phone's photo carries where it was taken, the
device and often the owner's name in its EXIF data).

Runs in the worker process (worker.py). An image's header says how large it is before a
single pixel is decoded; one that declares more pixels than a photo has is refused then, so a
small file that would unpack into gigabytes never does.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from facilitator.domain.errors import N_
from facilitator.media.errors import MediaLimits, MediaRefused

MAX_SIDE = 2048
THUMB_SIDE = 400
# Pixels an image may declare: a 108-megapixel phone camera's 12000 × 9000 fits, a crafted
# header of 60000 × 60000 does not.
MAX_PIXELS = 120_000_000
# What phones and cameras send (an iPhone's HEIC arrives as JPEG from the browser; a
# camera's multi-picture JPEG opens as JPEG). Pillow is told to try these decoders only: no
# exotic format's parser ever sees an upload.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MB = 1024 * 1024

Image.MAX_IMAGE_PIXELS = MAX_PIXELS
Image.init()  # registers WebP, which `formats=` does not load by itself


@dataclass(frozen=True)
class Photo:
    image: bytes  # JPEG
    thumb: bytes  # JPEG
    width: int
    height: int


def looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head


def photo(data: bytes, limits: MediaLimits) -> Photo:
    """The photo in `data` as a clean JPEG and its thumbnail, or MediaRefused."""
    if len(data) > limits.photo_bytes:
        raise MediaRefused(N_("The photo is larger than {limit} MB."),
                           limit=limits.photo_bytes // MB)
    if looks_like_svg(data):
        raise MediaRefused(N_("SVG drawings are not taken (they can hold scripts). Please "
                              "send a photo: JPEG, PNG, WebP or GIF."))
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; here it refuses.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            source = Image.open(io.BytesIO(data), formats=FORMATS)
        except UnidentifiedImageError:
            raise MediaRefused(N_("This file is not a photo the server can read. Please "
                                  "send a JPEG, PNG, WebP or GIF.")) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise _damaged() from None
        with source:
            width, height = source.size
            if width < 1 or height < 1 or width * height > MAX_PIXELS:
                raise _too_many_pixels()
            try:
                # A JPEG decodes at a fraction of its size when that still fills MAX_SIDE:
                # less memory and time for a large photo. Only the first frame of an
                # animation or a multi-picture file is read.
                source.draft("RGB", (MAX_SIDE, MAX_SIDE))
                upright = ImageOps.exif_transpose(source)
                picture = _rgb(upright)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise _too_many_pixels() from None
            except (OSError, SyntaxError, ValueError, EOFError, MemoryError):
                raise _damaged() from None
    picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: no EXIF, ICC profile, XMP or comment can come along.
    clean = Image.frombytes("RGB", picture.size, picture.tobytes())
    thumb = clean.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return Photo(_jpeg(clean, 85), _jpeg(thumb, 75), clean.width, clean.height)


def _rgb(picture: Image.Image) -> Image.Image:
    """RGB pixels; transparent parts (a PNG, a GIF) on white, as on paper."""
    if picture.mode in {"RGBA", "LA", "PA"} or (picture.mode == "P"
                                                 and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    if picture.mode in {"I;16", "I;16B", "I;16L", "I"}:
        # 16-bit greyscale: scale to 8 bits (convert("RGB") would clip it to white).
        return picture.point(lambda value: value / 256).convert("RGB")
    return picture.convert("RGB")


def _jpeg(picture: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _too_many_pixels() -> MediaRefused:
    return MediaRefused(N_("The image says it is larger than any photo ({limit} megapixels "
                           "at most); it was not opened."), limit=MAX_PIXELS // 1_000_000)


def _damaged() -> MediaRefused:
    return MediaRefused(N_("The image could not be read; it may be damaged."))
