"""Reading a file upload: bounded in size while it streams, then parsed.

The body is counted as it arrives and refused with 413 the moment it passes the limit, so a
200 MB body costs the server at most the limit's worth of reading and nothing is kept. Only a
body that arrived whole and within the limit is parsed (Starlette's multipart parser). It waits
in a temporary file that holds a megabyte in memory and the rest on disk, which is deleted as
soon as the request is done.

The blobs an upload writes are held (`Uploads`) until the command that names them is decided:
a refused upload deletes what it wrote, unless an event or another upload needs the same file.

Time: an upload over a room's Wi-Fi may take minutes, so the body_timeout setting bounds the
silence between two pieces of the body, and UPLOAD_SECONDS the whole.

A browser sends the whole body before it reads an answer, and a server that answers and closes
while the body still arrives makes the browser see a broken connection instead of the answer.
So past the limit the rest is read and thrown away (up to DRAIN_BYTES more, for DRAIN_SECONDS at
most) before the 413 goes out: a file somewhat too large gets its clear message; only a far
larger one may be cut off.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import unicodedata
from collections.abc import AsyncGenerator
from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect, Request

from facilitator.domain.errors import N_
from facilitator.domain.media import blobs_of
from facilitator.domain.session import SessionState
from facilitator.store.blobs import FileBlobs, blob_name
from facilitator.web.common import WebError

MB = 1024 * 1024
# The multipart framing and the few text fields around the file.
SLACK = 64 * 1024
SPOOL_MEMORY = MB
READ_SIZE = 256 * 1024
FIELDS = 8
FIELD_SIZE = 1024
UPLOAD_SECONDS = 900.0
DRAIN_BYTES = 256 * MB
DRAIN_SECONDS = 30.0


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str  # as the browser named it, cleaned; "" when it gave none
    fields: dict[str, str]


def too_large(limit: int) -> WebError:
    return WebError("too_large", N_("The file is larger than {limit} MB."),
                    {"limit": limit // MB}, headers={"Connection": "close"})


def _cannot_read() -> WebError:
    return WebError("invalid", N_("The upload could not be read. Please choose the file "
                                  "again."))


async def read_upload(request: Request, limit: int) -> Upload:
    """The one file (field `file`) and the text fields of a multipart/form-data body whose
    file has at most `limit` bytes."""
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media != "multipart/form-data":
        raise WebError("invalid", N_("Send the file as a form upload (multipart/form-data)."))
    request.state.upload_read = True
    cap = limit + SLACK
    declared = request.headers.get("content-length", "")
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY) as spool:
        # A declared length past the cap: nothing of the body is kept.
        keep = 0 if declared.isdigit() and int(declared) > cap else cap
        size = await _receive(request, spool, keep)
        if size > keep:
            raise too_large(limit)
        spool.seek(0)
        parser = MultiPartParser(request.headers, _chunks(spool, size), max_files=1,
                                 max_fields=FIELDS, max_part_size=FIELD_SIZE)
        try:
            form = await parser.parse()
        except MultiPartException:
            raise _cannot_read() from None
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise WebError("invalid", N_("Choose a file to upload."))
        data = await file.read()
        fields = {name: value for name, value in form.multi_items()
                  if isinstance(value, str)}
        filename = file.filename or ""
    finally:
        await form.close()
    if len(data) > limit:
        raise too_large(limit)
    if not data:
        raise WebError("invalid", N_("The file is empty."))
    for name, value in fields.items():
        if not _clean(name) or not _clean(value):
            raise WebError("invalid", N_("The form contains characters that are not "
                                         "allowed."))
    return Upload(data, clean_filename(filename), fields)


async def _receive(request: Request, spool: tempfile.SpooledTemporaryFile[bytes],
                   keep: int) -> int:
    """The body's size; its first `keep` bytes written to `spool`. A larger body is read on
    and thrown away (see above): its size is then more than `keep`."""
    size = 0
    draining = False
    try:
        async with asyncio.timeout(UPLOAD_SECONDS) as whole, \
                contextlib.aclosing(request.stream()) as stream:
            while True:
                async with asyncio.timeout(request.app.state.settings.body_timeout):
                    chunk = await anext(stream, None)
                if chunk is None:
                    return size
                size += len(chunk)
                if size > keep:
                    if not draining:  # from now on: DRAIN_SECONDS at most
                        draining = True
                        whole.reschedule(asyncio.get_running_loop().time() + DRAIN_SECONDS)
                    if size > keep + DRAIN_BYTES:
                        return size
                elif size <= SPOOL_MEMORY:
                    spool.write(chunk)
                else:  # on disk now: a write may wait for it
                    await asyncio.to_thread(spool.write, chunk)
    except TimeoutError:
        if size > keep:  # too large anyway; the answer says so
            return size
        raise WebError("timeout", N_("The request took too long to arrive. Please try "
                                     "again."), headers={"Connection": "close"}) from None
    except ClientDisconnect:  # nobody is left to answer
        if size > keep:
            return size
        raise _cannot_read() from None


async def discard(request: Request) -> None:
    """Read and throw away the body of a request refused before its upload was read (a wrong
    token, a full session), so that the browser gets the answer (see above)."""
    if getattr(request.state, "upload_read", False):
        return
    request.state.upload_read = True
    drained = 0
    with contextlib.suppress(TimeoutError, ClientDisconnect, RuntimeError):
        async with asyncio.timeout(DRAIN_SECONDS), \
                contextlib.aclosing(request.stream()) as stream:
            async for chunk in stream:
                drained += len(chunk)
                if drained > DRAIN_BYTES:
                    return


async def _chunks(spool: tempfile.SpooledTemporaryFile[bytes],
                  size: int) -> AsyncGenerator[bytes, None]:
    while True:
        if size > SPOOL_MEMORY:
            block = await asyncio.to_thread(spool.read, READ_SIZE)
        else:
            block = spool.read(READ_SIZE)
        if not block:
            return
        yield block


def _clean(text: str) -> bool:
    return not any(unicodedata.category(char) in {"Cc", "Cs"} for char in text)


def clean_filename(raw: str, limit: int = 200) -> str:
    """A file's name to show: no folders (some browsers send the whole path), no control
    characters, at most `limit` characters."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name
                   if unicodedata.category(char) not in {"Cc", "Cs", "Cf"})
    name = " ".join(unicodedata.normalize("NFC", name).split())
    return name[:limit].strip()


# -- the blobs an upload writes -------------------------------------------------------------


class Uploads:
    """Blobs that uploads under way have written and not yet named in an event, per session:
    a refused upload deletes only blobs that neither an event nor another upload needs."""

    def __init__(self) -> None:
        self.held: dict[tuple[str, str], int] = {}
        self.photos: dict[str, int] = {}  # photo uploads under way, per session

    def hold(self, session: str, names: set[str]) -> None:
        for name in names:
            self.held[session, name] = self.held.get((session, name), 0) + 1

    def names(self, session: str) -> set[str]:
        """The blobs of a session that uploads under way hold."""
        return {name for (held, name) in self.held if held == session}

    def release(self, session: str, names: set[str]) -> set[str]:
        """Let go of the names; those no other upload holds."""
        free = set()
        for name in names:
            count = self.held.pop((session, name), 1) - 1
            if count > 0:
                self.held[session, name] = count
            else:
                free.add(name)
        return free


async def store_files(request: Request, state: SessionState,
                 files: list[tuple[bytes, str]]) -> list[str]:
    """Put the files; their names, held for this upload until release."""
    blobs: FileBlobs = request.app.state.blobs
    uploads: Uploads = request.app.state.uploads
    session = state.id
    names = [blob_name(data, ext) for data, ext in files]
    uploads.hold(session, set(names))
    try:
        for data, ext in files:
            await blobs.put(session, data, ext)
    except BaseException:
        await release_files(request, state, set(names), failed=True)
        raise
    return names


async def release_files(request: Request, state: SessionState, names: set[str], *,
                        failed: bool) -> None:
    """The upload is done with its blobs. When it failed, delete those that no event of
    the session names and no other upload holds."""
    uploads: Uploads = request.app.state.uploads
    free = uploads.release(state.id, names)
    if not failed:
        return
    blobs: FileBlobs = request.app.state.blobs
    for name in free - blobs_of(state):
        await blobs.delete(state.id, name)
