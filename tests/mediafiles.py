"""Files for the upload tests, made here byte by byte: good PDFs and photos, and the hostile
ones (an encrypted PDF, a zip bomb named .pdf, a PDF whose page inflates to hundreds of
megabytes, an SVG with a script, a JPEG declaring 60000 × 60000 pixels)."""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from collections.abc import Sequence

from PIL import Image

MB = 1024 * 1024


def _pdf(objects: Sequence[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF of these objects (1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += (b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer_extra
            + b">>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return bytes(out)


def make_pdf(texts: Sequence[str], width: int = 960, height: int = 540,
             extra: Sequence[bytes] = (), trailer_extra: bytes = b"") -> bytes:
    """One page per text (Helvetica, lines split at \\n) and a blue bar on each page."""
    count = len(texts)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i, text in enumerate(texts):
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        shown = " ".join(f"({line}) Tj T*" for line in escaped.split("\n"))
        stream = (f"BT /F1 36 Tf 60 {height - 100} Td 44 TL {shown} ET "
                  "0.2 0.4 0.8 rg 60 40 300 30 re f").encode("latin-1")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
                       .encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    return _pdf([*objects, *extra], trailer_extra)


def deck(pages: int) -> bytes:
    return make_pdf([f"Folie {n}\nKlimaschutz in Kommunen: Beispiel {n}"
                     for n in range(1, pages + 1)])


def encrypted_pdf() -> bytes:
    """A PDF encrypted with the standard security handler and a user password (random
    /O and /U values: no password, the empty one included, opens it)."""
    texts = ["Geheim"]
    encrypt = (b"<< /Filter /Standard /V 1 /R 2 /Length 40 /O <" + os.urandom(32).hex().encode()
               + b"> /U <" + os.urandom(32).hex().encode() + b"> /P -4 >>")
    ident = b"<00112233445566778899aabbccddeeff>"
    return make_pdf(texts, extra=[encrypt],
                    trailer_extra=b"/Encrypt 6 0 R /ID [" + ident + b" " + ident + b"] ")


def broken_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R\n" + os.urandom(2000)


def inflating_pdf(megabytes: int) -> bytes:
    """A valid PDF whose one page's content stream inflates to `megabytes` MB of spaces
    (a few hundred kilobytes on the wire)."""
    packer = zlib.compressobj(9)
    block = b" " * MB
    body = b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 960 540] /Contents 4 0 R >>",
                 b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body
                 + b"\nendstream"])


def zip_bomb(megabytes: int = 200) -> bytes:
    """A zip whose one member inflates to `megabytes` MB (some 200 KB), to be named .pdf."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("folien.pdf", "w") as member:
            block = b"\0" * MB
            for _ in range(megabytes):
                member.write(block)
    return out.getvalue()


SVG_WITH_SCRIPT = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
                   b'width="100" height="100" onload="alert(1)"><script>alert(document.cookie)'
                   b'</script><rect width="100" height="100"/></svg>')


def jpeg(width: int = 1200, height: int = 900, exif: Image.Exif | None = None,
         color: str = "#3a6") -> bytes:
    picture = Image.new("RGB", (width, height), color)
    # Something that shows which way is up: a white block in the top left corner.
    picture.paste(Image.new("RGB", (width // 4, height // 4), "white"), (0, 0))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[0x013B] = "Erika Mustermann"  # Artist
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.34), 3: "E", 4: (13.0, 24.0, 56.78)}
    return exif


def huge_jpeg_header(width: int = 60000, height: int = 60000) -> bytes:
    """A small real JPEG whose frame header (SOF0) says it is width × height pixels."""
    data = bytearray(jpeg(64, 48))
    at = data.index(b"\xff\xc0")
    # marker, length (2), precision (1), height (2), width (2)
    data[at + 5:at + 7] = height.to_bytes(2, "big")
    data[at + 7:at + 9] = width.to_bytes(2, "big")
    return bytes(data)


def png(width: int = 300, height: int = 200) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (255, 0, 0, 128)).save(out, "PNG")
    return out.getvalue()


# -- jobs for the worker's tests (module-level: a worker process imports them) -------------


def sleep_for(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds


def die() -> None:
    os._exit(3)
