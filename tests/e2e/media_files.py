"""Files the slides and photo tests upload, made in the test: a PDF deck whose pages carry a
big page number and real text (a hand-written PDF with a text stream per page, so the server
has text to extract), and a JPEG photo carrying GPS EXIF data."""

from __future__ import annotations

import io
from typing import Any

GPS_IFD = 0x8825


def deck_pdf(pages: int, title: str = "Klimaschutz in Kommunen") -> bytes:
    """A 16:9 PDF of `pages` pages; page k shows "k" large and the text
    "Folie k: <title>" and "Beispiel aus Kommune k" (Helvetica, one of the PDF base fonts)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below, once the pages are known
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for k in range(1, pages + 1):
        text = (f"BT /F1 36 Tf 60 470 Td (Folie {k}: {title}) Tj ET\n"
                f"BT /F1 28 Tf 60 420 Td (Beispiel aus Kommune {k}) Tj ET\n"
                f"BT /F1 260 Tf 330 100 Td ({k}) Tj ET\n").encode("cp1252")
        content = add(b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 960 540] "
                        b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                        % (tree, font, content)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                         + b"] /Count %d >>" % len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, catalog, xref))
    return out.getvalue()


def gps_photo(color: tuple[int, int, int] = (40, 120, 200), size: tuple[int, int] = (1600, 1200),
              label: str = "") -> bytes:
    """A JPEG of a "pinboard" with GPS EXIF data (Berlin) and a camera make."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    for i in range(6):
        draw.rectangle((80 + i * 240, 200, 280 + i * 240, 420), fill=(250, 230, 120))
    if label:
        draw.text((80, 80), label, fill=(255, 255, 255))
    exif = Image.Exif()
    exif[0x010F] = "Testkamera"  # Make
    exif[GPS_IFD] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


def exif_of(data: bytes) -> dict[int, Any]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        found: dict[int, Any] = dict(exif)
        gps = exif.get_ifd(GPS_IFD)
        if gps:
            found[GPS_IFD] = dict(gps)
        return found


def post_file(server: Any, path: str, fields: dict[str, str], name: str, content_type: str,
              data: bytes, cookie: str | None = None) -> tuple[int, Any]:
    """A multipart upload (field `file` and the given fields) to the test server: the status
    and the JSON answer."""
    import json
    import urllib.error
    import urllib.request
    import uuid

    boundary = uuid.uuid4().hex
    body = b""
    for key, value in fields.items():
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                 f"{value}\r\n").encode()
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"'
             f"\r\nContent-Type: {content_type}\r\n\r\n").encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}",
               "Accept": "application/json"}
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(server.url + path, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"null")
