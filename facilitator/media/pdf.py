"""A PDF deck rendered to one image per page, with each page's text.

PDFium (pypdfium2: the engine of Chromium's PDF viewer, in a wheel) does the reading. It runs
without forms and without JavaScript, so a PDF can draw but not act. Everything here is run in
the worker process (worker.py): a file built to make the renderer spin or swell costs that
process, which is stopped and replaced, never the server.
"""

from __future__ import annotations

import io
import math
import unicodedata
from dataclasses import dataclass

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]
from PIL import Image

from facilitator.domain.errors import N_
from facilitator.media.errors import MediaLimits, MediaRefused

PAGE_WIDTH = 1920  # a beamer's width: the page is never shown larger
THUMB_WIDTH = 320
TEXT_LIMIT = 4000
# Most pixels one page may take (four full-HD screens). A page shaped like a ribbon would
# reach it at a narrow width: it is drawn smaller, and refused when that is too narrow to read.
PAGE_PIXELS = 4 * 1920 * 1080
MB = 1024 * 1024


@dataclass(frozen=True)
class Page:
    image: bytes
    thumb: bytes
    width: int  # of the image, in pixels
    height: int
    text: str


@dataclass(frozen=True)
class Deck:
    pages: list[Page]
    ext: str  # of the images: "webp" (or "png" where Pillow has no WebP)


def image_format() -> str:
    return "webp" if Image.registered_extensions().get(".webp") == "WEBP" else "png"


def render(data: bytes, limits: MediaLimits) -> Deck:
    """Every page of the PDF in `data`, or MediaRefused saying why not."""
    if len(data) > limits.pdf_bytes:
        raise MediaRefused(N_("The file is larger than {limit} MB."),
                           limit=limits.pdf_bytes // MB)
    if not data.startswith(b"%PDF-"):
        raise MediaRefused(N_("This file is not a PDF. Please upload the slides as a PDF "
                              "(in PowerPoint or Impress: save or export as PDF)."))
    pdf = _open(data)
    try:
        count = len(pdf)
        if count == 0:
            raise MediaRefused(N_("The PDF has no pages."))
        if count > limits.pages:
            raise MediaRefused(N_("The PDF has {count} pages; at most {limit} can be shown."),
                               count=count, limit=limits.pages)
        ext = image_format()
        return Deck([_page(pdf, index, ext) for index in range(count)], ext)
    finally:
        pdf.close()


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        # A PDF that opens without a password (one only restricting printing or editing)
        # renders as any other; one that needs a password cannot be shown to a room.
        if getattr(error, "err_code", None) in {pdfium_c.FPDF_ERR_PASSWORD,
                                                pdfium_c.FPDF_ERR_SECURITY}:
            raise MediaRefused(N_("The PDF is protected by a password. Please save it "
                                  "without the password and upload it again.")) from None
        raise MediaRefused(N_("The PDF could not be read; it may be damaged. Please export "
                              "it again and upload the new file.")) from None


def _page(pdf: pdfium.PdfDocument, index: int, ext: str) -> Page:
    number = index + 1
    try:
        page = pdf[index]
    except pdfium.PdfiumError:
        raise MediaRefused(N_("Page {page} of the PDF could not be read; it may be "
                              "damaged."), page=number) from None
    try:
        width, height = page.get_size()
        if not (math.isfinite(width) and math.isfinite(height)) or width < 1 or height < 1:
            raise MediaRefused(N_("Page {page} of the PDF has no size."), page=number)
        scale = PAGE_WIDTH / width
        # The renderer rounds each side up to whole pixels.
        while math.ceil(width * scale) * math.ceil(height * scale) > PAGE_PIXELS:
            scale = min(scale * 0.999, math.sqrt(PAGE_PIXELS / (width * height)))
        if width * scale < THUMB_WIDTH:
            raise MediaRefused(N_("Page {page} of the PDF is too long and narrow to show."),
                               page=number)
        bitmap = page.render(scale=scale, may_draw_forms=False)
        try:
            picture = bitmap.to_pil().convert("RGB")
        finally:
            bitmap.close()
        textpage = page.get_textpage()
        try:
            text = clean_text(textpage.get_text_range())
        finally:
            textpage.close()
    except pdfium.PdfiumError:
        raise MediaRefused(N_("Page {page} of the PDF could not be read; it may be "
                              "damaged."), page=number) from None
    finally:
        page.close()
    thumb = picture.copy()
    thumb.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 8), Image.Resampling.LANCZOS)
    return Page(_encode(picture, ext, 82), _encode(thumb, ext, 70), picture.width,
                picture.height, text)


def _encode(picture: Image.Image, ext: str, quality: int) -> bytes:
    out = io.BytesIO()
    if ext == "webp":
        # method 2: a third of the time of the default (4) for 5 % more bytes.
        picture.save(out, "WEBP", quality=quality, method=2)
    else:
        picture.save(out, "PNG", optimize=False)
    return out.getvalue()


def clean_text(raw: str) -> str:
    """A page's text as a screen reader should get it: lines without trailing space, no
    control characters (PDFium ends lines with \\r\\n and may return odd ones), no runs of
    empty lines, at most TEXT_LIMIT characters."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char == "\n" or char == "\t":
            kept.append(" " if char == "\t" else char)
        elif category in {"Cc", "Cs", "Co", "Cn"} or char in "\ufeff\ufffe\uffff":
            continue
        else:
            kept.append(char)
    lines = [" ".join(line.split()) for line in "".join(kept).split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    joined = unicodedata.normalize("NFC", "\n".join(out).strip())
    if len(joined) <= TEXT_LIMIT:
        return joined
    cut = joined[:TEXT_LIMIT - 1]
    return cut[:cut.rfind(" ")] + "…" if " " in cut[-200:] else cut + "…"
