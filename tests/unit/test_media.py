"""Uploaded files made safe: a PDF rendered page by page, a photo upright, small and without
metadata, hostile files refused before they cost anything, all of it in a worker process that
a hung or crashing job cannot take down."""

from __future__ import annotations

import asyncio
import io
import pickle
import time

import pytest
from PIL import Image

from facilitator.media import MediaLimits, MediaRefused, images, pdf
from facilitator.media.worker import MediaBusy, MediaWorker
from tests import mediafiles

LIMITS = MediaLimits()


def refusal(function: object, *args: object) -> MediaRefused:
    with pytest.raises(MediaRefused) as caught:
        function(*args)  # type: ignore[operator]
    return caught.value


# -- slides -------------------------------------------------------------------------------


def test_a_30_page_deck_becomes_30_images_with_their_text() -> None:
    deck = pdf.render(mediafiles.deck(30), LIMITS)
    assert len(deck.pages) == 30
    assert deck.ext == "webp"
    for number, page in enumerate(deck.pages, 1):
        # 960 × 540 points drawn 1920 pixels wide, the beamer's width.
        assert (page.width, page.height) == (1920, 1080)
        assert page.text == f"Folie {number}\nKlimaschutz in Kommunen: Beispiel {number}"
        image = Image.open(io.BytesIO(page.image))
        assert (image.format, image.size) == ("WEBP", (1920, 1080))
        thumb = Image.open(io.BytesIO(page.thumb))
        assert thumb.size == (320, 180)
    # The bar is drawn: not a blank page.
    image = Image.open(io.BytesIO(deck.pages[0].image)).convert("RGB")
    assert image.getpixel((200, 1080 - 110)) != image.getpixel((1800, 100))


def test_a_small_page_is_drawn_to_the_beamers_width_and_a_tall_one_within_the_budget() -> None:
    small = pdf.render(mediafiles.make_pdf(["A6"], width=298, height=420), LIMITS).pages[0]
    assert small.width == 1920
    tall = pdf.render(mediafiles.make_pdf(["Poster"], width=841, height=2384),
                      LIMITS).pages[0]
    assert tall.width * tall.height <= pdf.PAGE_PIXELS
    assert 320 <= tall.width < 1920


def test_a_page_too_narrow_to_read_is_refused() -> None:
    error = refusal(pdf.render, mediafiles.make_pdf(["x"], width=20, height=14000), LIMITS)
    assert error.message == "Page {page} of the PDF is too long and narrow to show."
    assert error.params == {"page": 1}


def test_a_pages_text_is_cleaned_and_cut() -> None:
    assert pdf.clean_text("Titel  \r\n\r\n\r\n  Zeile\x00 zwei\x07\r\nDrei\tvier ") == \
        "Titel\n\nZeile zwei\nDrei vier"
    long = pdf.clean_text("Wort " * 2000)
    assert len(long) <= pdf.TEXT_LIMIT and long.endswith("Wort…")
    page = pdf.render(mediafiles.make_pdf(["Wort " * 1000]), LIMITS).pages[0]
    assert 0 < len(page.text) <= pdf.TEXT_LIMIT


@pytest.mark.parametrize(("data", "message"), [
    (mediafiles.zip_bomb(50), "This file is not a PDF. Please upload the slides as a PDF (in "
                              "PowerPoint or Impress: save or export as PDF)."),
    (mediafiles.SVG_WITH_SCRIPT, "This file is not a PDF. Please upload the slides as a PDF "
                                 "(in PowerPoint or Impress: save or export as PDF)."),
    (mediafiles.encrypted_pdf(), "The PDF is protected by a password. Please save it without "
                                 "the password and upload it again."),
    (mediafiles.broken_pdf(), "The PDF could not be read; it may be damaged. Please export it "
                              "again and upload the new file."),
    (b"%PDF-1.4\n", "The PDF could not be read; it may be damaged. Please export it again "
                    "and upload the new file."),
], ids=["zip-bomb", "svg", "encrypted", "broken", "header-only"])
def test_what_is_no_readable_pdf_is_refused(data: bytes, message: str) -> None:
    assert str(refusal(pdf.render, data, LIMITS)) == message


def test_limits_of_pages_and_bytes() -> None:
    error = refusal(pdf.render, mediafiles.deck(5), MediaLimits(pages=4))
    assert (error.message, error.params) == (
        "The PDF has {count} pages; at most {limit} can be shown.", {"count": 5, "limit": 4})
    data = mediafiles.deck(2)
    error = refusal(pdf.render, data, MediaLimits(pdf_bytes=len(data) - 1))
    assert error.message == "The file is larger than {limit} MB."


def test_a_refusal_crosses_the_process_border_whole() -> None:
    error = pickle.loads(pickle.dumps(MediaRefused("Page {page} of the PDF has no size.",
                                                   page=3)))
    assert isinstance(error, MediaRefused)
    assert (error.message, error.params, str(error)) == (
        "Page {page} of the PDF has no size.", {"page": 3}, "Page 3 of the PDF has no size.")
    busy = pickle.loads(pickle.dumps(MediaBusy("The server is busy.")))
    assert type(busy) is MediaBusy and busy.code == "busy"


# -- photos -------------------------------------------------------------------------------


def test_a_phone_photo_loses_its_location_and_every_other_metadata() -> None:
    data = mediafiles.jpeg(exif=mediafiles.gps_exif())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # it had one
    made = images.photo(data, LIMITS)
    for out in (made.image, made.thumb):
        picture = Image.open(io.BytesIO(out))
        assert picture.format == "JPEG"
        assert not picture.getexif()
        assert not {"exif", "icc_profile", "xmp", "comment", "photoshop"} & set(picture.info)
        assert b"Exif" not in out and b"PhoneMaker" not in out and b"Erika" not in out


def test_a_photo_is_turned_upright_and_downscaled() -> None:
    # Orientation 6: the camera was held upright, the pixels lie on their side.
    data = mediafiles.jpeg(4000, 3000, exif=mediafiles.gps_exif(orientation=6))
    made = images.photo(data, LIMITS)
    assert (made.width, made.height) == (1536, 2048)
    picture = Image.open(io.BytesIO(made.image))
    assert picture.size == (1536, 2048)
    # The white corner block was top left in the pixels; turned by 90° clockwise, it is top
    # right.
    assert picture.getpixel((1536 - 50, 50))[0] > 240
    assert picture.getpixel((50, 50))[0] < 120
    thumb = Image.open(io.BytesIO(made.thumb))
    assert max(thumb.size) == 400


def test_other_images_become_jpeg_and_a_small_one_keeps_its_size() -> None:
    made = images.photo(mediafiles.png(300, 200), LIMITS)
    assert (made.width, made.height) == (300, 200)
    picture = Image.open(io.BytesIO(made.image))
    assert picture.format == "JPEG" and picture.mode == "RGB"
    assert picture.getpixel((150, 100))[1] > 100  # half-transparent red on white: pink
    frames = [Image.new("P", (40, 30), colour) for colour in (1, 2, 3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    made = images.photo(out.getvalue(), LIMITS)  # the first frame only
    assert (made.width, made.height) == (40, 30)


def test_a_huge_declared_size_is_refused_before_decoding() -> None:
    data = mediafiles.huge_jpeg_header(60000, 60000)
    assert b"\xff\xc0\x00\x11\x08\xea\x60\xea\x60" in data  # SOF0: 8 bits, 60000 × 60000
    started = time.monotonic()
    error = refusal(images.photo, data, LIMITS)
    assert time.monotonic() - started < 1
    assert error.message.startswith("The image says it is larger than any photo")
    assert error.params == {"limit": 120}
    # Just over the limit (where Pillow itself would only warn) is refused the same way.
    error = refusal(images.photo, mediafiles.huge_jpeg_header(12000, 10001), LIMITS)
    assert error.message.startswith("The image says it is larger than any photo")


@pytest.mark.parametrize(("data", "start"), [
    (mediafiles.SVG_WITH_SCRIPT, "SVG drawings are not taken"),
    (b"\xef\xbb\xbf  <svg><script>alert(1)</script></svg>", "SVG drawings are not taken"),
    (mediafiles.deck(1), "This file is not a photo the server can read"),
    (b"MZ\x90\x00" + bytes(500), "This file is not a photo the server can read"),
    (mediafiles.jpeg()[:3000], "The image could not be read"),
], ids=["svg", "svg-bom", "pdf", "exe", "truncated"])
def test_what_is_no_photo_is_refused(data: bytes, start: str) -> None:
    assert str(refusal(images.photo, data, LIMITS)).startswith(start)


def test_a_photo_over_the_size_limit_is_refused() -> None:
    data = mediafiles.jpeg()
    error = refusal(images.photo, data, MediaLimits(photo_bytes=len(data) - 1))
    assert error.message == "The photo is larger than {limit} MB."


# -- the worker process -------------------------------------------------------------------


async def test_the_worker_renders_off_the_event_loop() -> None:
    worker = MediaWorker(1, timeout=30)
    try:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        await worker.run(mediafiles.sleep_for, 0.1)  # started (spawn, imports)
        ticks = 0
        deck = await worker.run(pdf.render, mediafiles.deck(3), LIMITS)
        slept = await worker.run(mediafiles.sleep_for, 1.0)
        ticker.cancel()
        assert len(deck.pages) == 3 and slept == 1.0
        assert ticks >= 50  # the loop went on while the worker worked
        with pytest.raises(MediaRefused) as caught:
            await worker.run(pdf.render, mediafiles.encrypted_pdf(), LIMITS)
        assert caught.value.message.startswith("The PDF is protected by a password.")
    finally:
        await worker.close()


async def test_a_hung_job_is_stopped_and_its_worker_replaced() -> None:
    worker = MediaWorker(1, timeout=1.5)
    try:
        started = time.monotonic()
        with pytest.raises(MediaRefused) as caught:
            await worker.run(mediafiles.sleep_for, 30)
        assert time.monotonic() - started < 10
        assert caught.value.message == ("Processing the file took longer than {seconds} "
                                        "seconds and was stopped. Please try a smaller file.")
        assert caught.value.params == {"seconds": 2}
        assert await worker.run(mediafiles.sleep_for, 0.01) == 0.01
    finally:
        await worker.close()


async def test_a_crashed_worker_is_replaced() -> None:
    worker = MediaWorker(1, timeout=30)
    try:
        with pytest.raises(MediaRefused) as caught:
            await worker.run(mediafiles.die)
        assert caught.value.message.startswith("The file could not be processed")
        assert await worker.run(mediafiles.sleep_for, 0.01) == 0.01
    finally:
        await worker.close()


async def test_a_pdf_that_inflates_past_the_memory_limit_is_refused() -> None:
    # 600 MB of content from a 600 KB file, against a worker allowed 700 MB of memory.
    worker = MediaWorker(1, timeout=60, memory_limit=700 * 1024 * 1024)
    try:
        with pytest.raises(MediaRefused) as caught:
            await worker.run(pdf.render, mediafiles.inflating_pdf(600), LIMITS)
        assert caught.value.message.startswith("The file could not be processed")
        deck = await worker.run(pdf.render, mediafiles.deck(1), LIMITS)
        assert len(deck.pages) == 1
    finally:
        await worker.close()


async def test_uploads_past_the_queue_are_refused_at_once() -> None:
    worker = MediaWorker(1, timeout=30, queue_limit=1)
    try:
        first = asyncio.create_task(worker.run(mediafiles.sleep_for, 1.0))
        await asyncio.sleep(0)
        second = asyncio.create_task(worker.run(mediafiles.sleep_for, 0.01))
        await asyncio.sleep(0)
        with pytest.raises(MediaBusy):
            await worker.run(mediafiles.sleep_for, 0.01)
        assert await first == 1.0 and await second == 0.01
    finally:
        await worker.close()
