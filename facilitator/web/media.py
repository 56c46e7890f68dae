"""Uploads (a moderator's slides and photos, a phone's photo) and the stored files.

An upload goes through, in this order, so that cheap refusals come before any work:
1. the credential (moderator token in the path, or the participant's cookie) and the origin;
2. the body, counted while it streams (web/upload.py: 413 past the limit, nothing kept);
3. the command it will become, tried against the session's current state (the domain is pure,
   so trying changes nothing): a photo for a group that is not the sender's is refused here;
4. the file, converted in a worker process (facilitator/media/): never on the event loop;
5. the blobs, written (store/blobs.py);
6. the command (`slides.attach`, `photo.add`), whose event names the blobs. Refused after
   all (the session changed meanwhile), the blobs it wrote and nothing names are deleted.

Answers are JSON: `{"ok": true, ...}`, or `{"error": code, "message": ...}` with the status of
the code (web/common.py), the message in the session's (or the phone's) language.

`GET /media/{code}/{name}` serves a stored file. Its name, the SHA-256 of its content, is the
capability (docs/security.md): whoever saw a page with the photo has the name; nobody guesses
one.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from facilitator.archive.branding import LOGO_BYTES
from facilitator.domain.errors import N_, Refusal
from facilitator.domain.model import Actor, Command
from facilitator.domain.session import SESSION_RULES, STATE_MESSAGES
from facilitator.i18n import translate
from facilitator.live.runtime import Busy, SessionRuntime
from facilitator.media import MediaLimits, images, pdf
from facilitator.media.errors import MediaRefused
from facilitator.media.worker import MediaWorker
from facilitator.store.blobs import NAME, FileBlobs
from facilitator.web import guard
from facilitator.web.archive import moderator_of
from facilitator.web.common import STATUS, WebError, language, person_language
from facilitator.web.sessions import find, participant_of
from facilitator.web.upload import (
    MB,
    Upload,
    Uploads,
    discard,
    read_upload,
    release_files,
    store_files,
)

# Names that pass the domain's checks, for trying a command before the file is converted.
_TRIAL_IMAGE = "0" * 64 + ".jpg"
_TRIAL_PAGE = "0" * 64 + ".webp"
_TRIAL_PDF = "0" * 64 + ".pdf"
_TRIAL_LOGO = "0" * 64 + ".png"
MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp",
               "pdf": "application/pdf"}
MEDIA_HEADERS = {
    # The name is the content's hash: it never changes. Private: a shared cache must not
    # keep a session's files after the session is deleted.
    "Cache-Control": "private, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
    # Opened on its own (not as an <img>), a file can run nothing and load nothing.
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Referrer-Policy": "no-referrer",
}


# -- answers ----------------------------------------------------------------------------------


def _error(code: str, message: str, params: dict[str, Any] | None, lang: str,
           headers: dict[str, str] | None = None) -> JSONResponse:
    text = translate(lang, message, params)
    return JSONResponse({"error": code, "message": text}, status_code=STATUS.get(code, 400),
                        headers={"Cache-Control": "no-store", **(headers or {})})


def _json(handler: Callable[[Request, list[str]], Awaitable[dict[str, Any]]]) \
        -> Callable[[Request], Awaitable[Response]]:
    """An upload handler answering JSON, its refusals too. `lang` (a one-item list) is the
    language of its refusals, set by the handler once it knows the session."""

    async def endpoint(request: Request) -> Response:
        lang = [language(request)]
        try:
            result = await handler(request, lang)
        except WebError as error:
            await discard(request)
            return _error(error.code, error.message, error.params, error.lang or lang[0],
                          error.headers)
        except Refusal as refusal:  # MediaRefused, or the domain's on trying a command
            await discard(request)
            return _error(refusal.code, refusal.message, refusal.params, lang[0])
        return JSONResponse({"ok": True, **result}, headers={"Cache-Control": "no-store"})

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


# -- who is sending ---------------------------------------------------------------------------


def _same_site(request: Request) -> None:
    if guard.foreign_origin(request):
        raise WebError("forbidden", N_("This upload came from another website and was "
                                       "refused."))


async def _moderator(request: Request, lang: list[str]) -> tuple[SessionRuntime, Actor]:
    runtime, found = await moderator_of(request)
    lang[0] = runtime.state.language
    _same_site(request)
    return runtime, Actor("moderator", owner=found.owner)


async def _participant(request: Request, lang: list[str]) -> tuple[SessionRuntime, Actor]:
    runtime = await find(request, request.path_params["code"])
    lang[0] = person_language(request, runtime.state.language)
    _same_site(request)
    participant = await participant_of(request, runtime)
    if participant is None:
        raise WebError("forbidden", N_("Only participants of this session can send photos. "
                                       "Please join it first."))
    return runtime, Actor("participant", participant)


# -- the steps of an upload -------------------------------------------------------------------


def _open_for(runtime: SessionRuntime, command: str) -> None:
    """Refuse before the body is read when the session's state does not take the command."""
    status = runtime.state.status
    if status not in SESSION_RULES[command].states:
        raise WebError("session_state", STATE_MESSAGES[status])


def _try(runtime: SessionRuntime, command: str, actor: Actor, **args: Any) -> None:
    """Refuse now what the command will be refused for (nothing awaits in between, so the
    state does not change under it; deciding changes nothing)."""
    runtime.state.decide(Command(command, args, actor, time.time()))


async def _submit(runtime: SessionRuntime, command: str, actor: Actor,
                  **args: Any) -> dict[str, Any]:
    try:
        answer = await runtime.submit(Command(command, args, actor, time.time()))
    except Busy:
        raise WebError("busy", N_("The server is busy. Please try again.")) from None
    if answer["type"] == "error":
        # Already in the session's language: passed through translate unchanged.
        raise WebError(answer["code"], answer["message"])
    result: dict[str, Any] = answer.get("result") or {}
    return result


def _limits(request: Request) -> MediaLimits:
    settings = request.app.state.settings
    return MediaLimits(settings.max_upload_mb * MB, settings.max_slides, settings.photo_mb * MB)


# -- slides -----------------------------------------------------------------------------------


@_json
async def upload_slides(request: Request, lang: list[str]) -> dict[str, Any]:
    runtime, actor = await _moderator(request, lang)
    _open_for(runtime, "slides.attach")
    limits = _limits(request)
    upload = await read_upload(request, limits.pdf_bytes)
    activity, phase = upload.fields.get("activity"), upload.fields.get("phase")
    title = _deck_title(upload, runtime.state.language)
    trial_deck = _deck(title, _TRIAL_PDF, 1, [pdf.Page(b"", b"", 1, 1, "")],
                       [(_TRIAL_PAGE, _TRIAL_PAGE)])
    if activity:
        _try(runtime, "slides.attach", actor, activity=activity, deck=trial_deck)
    elif phase:
        _try(runtime, "activity.create", actor, kind="slides", title=title, phase=phase)
    else:
        raise WebError("invalid", N_("Choose the activity or the phase the slides are for."))
    worker: MediaWorker = request.app.state.media
    deck = await worker.run(pdf.render, upload.data, limits)
    files = [(upload.data, "pdf")]
    for page in deck.pages:
        files += [(page.image, deck.ext), (page.thumb, deck.ext)]
    names = await store_files(request, runtime.state, files)
    pages = [(names[1 + 2 * i], names[2 + 2 * i]) for i in range(len(deck.pages))]
    wire = _deck(title, names[0], len(upload.data), deck.pages, pages)
    created = None
    try:
        if not activity:
            created = await _new_activity(runtime, actor, title, str(phase))
            activity = created
        result = await _submit(runtime, "slides.attach", actor, activity=activity, deck=wire)
    except BaseException:
        await release_files(request, runtime.state, set(names), failed=True)
        if created is not None:  # the new activity was for this deck alone
            try:
                await _submit(runtime, "activity.delete", actor, activity=created)
            except WebError:
                pass
        raise
    await release_files(request, runtime.state, set(names), failed=False)
    return {"activity": activity, "pages": result.get("pages", len(deck.pages))}


def _deck_title(upload: Upload, language: str) -> str:
    name = upload.filename
    if name.lower().endswith(".pdf"):
        name = name[:-4].strip()
    return name or translate(language, N_("Slides"))


def _deck(title: str, pdf_blob: str, size: int, pages: list[pdf.Page],
          names: list[tuple[str, str]]) -> dict[str, Any]:
    return {"name": title, "pdf": {"blob": pdf_blob, "bytes": size},
            "pages": [{"image": image, "thumb": thumb, "width": page.width,
                       "height": page.height, "text": page.text}
                      for page, (image, thumb) in zip(pages, names, strict=True)]}


async def _new_activity(runtime: SessionRuntime, actor: Actor, title: str, phase: str) -> str:
    """A slides activity at the start of the phase."""
    created = await _submit(runtime, "activity.create", actor, kind="slides", title=title,
                            phase=phase)
    ident: str = created["activity"]
    first = next((a.id for a in runtime.state.activities.values()
                  if a.phase == phase and a.id != ident), None)
    if first is not None:
        await _submit(runtime, "activity.move", actor, activity=ident, phase=phase,
                      before=first)
    return ident


# -- photos -----------------------------------------------------------------------------------


async def _photo(request: Request, runtime: SessionRuntime, actor: Actor,
                 where: Callable[[Upload], dict[str, Any]]) -> dict[str, Any]:
    """Read, check, convert, store and add one photo; `where` picks the fields that say
    what it belongs to."""
    settings = request.app.state.settings
    uploads: Uploads = request.app.state.uploads
    session = runtime.state.id
    limits = _limits(request)
    _open_for(runtime, "photo.add")
    if len(runtime.state.photos) + uploads.photos.get(session, 0) >= settings.max_photos:
        raise WebError("limit_reached", N_("This session has {limit} photos already; no more "
                                           "can be added."), {"limit": settings.max_photos})
    uploads.photos[session] = uploads.photos.get(session, 0) + 1
    try:
        upload = await read_upload(request, limits.photo_bytes)
        args = {key: value for key, value in where(upload).items() if value}
        _try(runtime, "photo.add", actor, image=_TRIAL_IMAGE, thumb=_TRIAL_IMAGE, width=1,
             height=1, **args)
        worker: MediaWorker = request.app.state.media
        made = await worker.run(images.photo, upload.data, limits)
        names = await store_files(request, runtime.state,
                                  [(made.image, "jpg"), (made.thumb, "jpg")])
        try:
            result = await _submit(runtime, "photo.add", actor, image=names[0],
                                   thumb=names[1], width=made.width, height=made.height,
                                   **args)
        except BaseException:
            await release_files(request, runtime.state, set(names), failed=True)
            raise
        await release_files(request, runtime.state, set(names), failed=False)
    finally:
        uploads.photos[session] -= 1
        if not uploads.photos[session]:
            del uploads.photos[session]
    return {"photo": result.get("photo"), "image": names[0], "thumb": names[1]}


@_json
async def moderator_photo(request: Request, lang: list[str]) -> dict[str, Any]:
    runtime, actor = await _moderator(request, lang)
    return await _photo(request, runtime, actor, lambda upload: {
        "activity": upload.fields.get("activity"), "group": upload.fields.get("group"),
        "phase": upload.fields.get("phase")})


@_json
async def participant_photo(request: Request, lang: list[str]) -> dict[str, Any]:
    runtime, actor = await _participant(request, lang)
    if runtime.state.photo_policy == "off":  # known before the body: not read then
        raise WebError("forbidden", N_("Photos are switched off in this session."))
    return await _photo(request, runtime, actor, lambda upload: {
        "activity": upload.fields.get("activity")})


# -- the session's logo -------------------------------------------------------------------------


def _logo(data: bytes) -> bytes:
    """In the media worker: the upload as a clean PNG logo (archive/branding.py)."""
    from facilitator.archive.branding import logo_png

    try:
        return logo_png(data)
    except ValueError:
        raise MediaRefused(N_("The logo must be a PNG or JPEG image of at most 2 MB.")) \
            from None


@_json
async def moderator_logo(request: Request, lang: list[str]) -> dict[str, Any]:
    """The session's own logo at the top of its documentation (else the server's)."""
    runtime, actor = await _moderator(request, lang)
    _open_for(runtime, "session.logo")
    upload = await read_upload(request, LOGO_BYTES)
    _try(runtime, "session.logo", actor, logo=_TRIAL_LOGO)
    worker: MediaWorker = request.app.state.media
    made = await worker.run(_logo, upload.data)
    names = await store_files(request, runtime.state, [(made, "png")])
    try:
        await _submit(runtime, "session.logo", actor, logo=names[0])
    except BaseException:
        await release_files(request, runtime.state, set(names), failed=True)
        raise
    await release_files(request, runtime.state, set(names), failed=False)
    return {"logo": names[0]}


@_json
async def moderator_logo_remove(request: Request, lang: list[str]) -> dict[str, Any]:
    """Back to the server's logo; the file goes when nothing names it any more."""
    runtime, actor = await _moderator(request, lang)
    _open_for(runtime, "session.logo")
    await discard(request)
    await _submit(runtime, "session.logo", actor, logo=None)  # frees the file (FREES)
    return {"logo": None}


# -- serving ----------------------------------------------------------------------------------


async def serve(request: Request) -> Response:
    runtime = await find(request, request.path_params["code"])
    name = request.path_params["name"]
    blobs: FileBlobs = request.app.state.blobs
    # A wrong name is no guess at a secret worth counting (2^256 of them), and phones that
    # still show a removed photo would count against the room's shared address.
    path = await blobs.open(runtime.state.id, name) if NAME.fullmatch(name) else None
    if path is None:
        raise WebError("not_found", N_("Page not found."))
    ext = name.rsplit(".", 1)[1]
    headers = dict(MEDIA_HEADERS)
    if ext == "pdf":
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return FileResponse(path, media_type=MEDIA_TYPES[ext], headers=headers)
