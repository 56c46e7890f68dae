"""What the upload routes of web/media.py answer, for the OpenAPI document (web/openapi.py):
their answers' shapes, their refusals, and which routes answer refusals as flat JSON."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

from facilitator.web.routedoc import FIND, MODERATOR_TOKEN, Answer, Doc
from facilitator.web.schemas import ErrorCode

Blob = Annotated[str, Meta(pattern="^[0-9a-f]{64}\\.(png|jpg|webp|pdf)$",
                           description="A stored file's name, for `GET /media/<CODE>/<NAME>`.")]


class SlidesUploaded(Struct, kw_only=True):
    """The deck is attached (event `slides.attached`)."""

    ok: Literal[True] = True
    activity: Annotated[str, Meta(description="The slides activity (a new one when the "
                                              "upload named a phase).")]
    pages: Annotated[int, Meta(ge=1, description="Pages of the deck.")]


class LogoSet(Struct, kw_only=True):
    """The session's logo is set or removed (event `session.logo_set`)."""

    ok: Literal[True] = True
    logo: Annotated[Blob | None, Meta(description="The logo's file (a PNG), or null: the "
                                                  "server's logo again.")]


class PhotoUploaded(Struct, kw_only=True):
    """The photo is added (event `photo.added`)."""

    ok: Literal[True] = True
    photo: Annotated[str, Meta(description="The photo's id.")]
    image: Blob
    thumb: Blob


class UploadError(Struct):
    """Every refusal of an upload: flat, for the page's script to show `message`."""

    error: Annotated[ErrorCode, Meta(description="Stable, for programs; the HTTP status "
                                                 "follows from it (docs/http.md).")]
    message: Annotated[str, Meta(description="For people: one sentence in the session's "
                                             "language (the phone's, for a participant).")]


# Routes whose refusals are UploadError JSON (the others' are pages).
JSON_ERRORS = frozenset({"moderator_slides", "moderator_photos", "participant_photos",
                         "moderator_logo", "moderator_logo_remove"})

PHOTO_EXAMPLE = {"ok": True, "photo": "f3", "image": "9f2c" + "0" * 60 + ".jpg",
                 "thumb": "41ab" + "0" * 60 + ".jpg"}
UPLOAD_REFUSALS = (
    ("invalid", "Send the file as a form upload (multipart/form-data)."),
    ("invalid", "The upload could not be read. Please choose the file again."),
    ("too_large", "The file is larger than 50 MB."),
    ("timeout", "The request took too long to arrive. Please try again."),
    ("forbidden", "This upload came from another website and was refused."),
    ("busy", "The server is processing many files right now. Please try again in a minute."),
)

DOCS = [
    Doc("moderator_slides", "Upload slides (a PDF)",
        "A multipart/form-data body with the field `file` (the PDF) and either `activity` "
        "(the id of a slides activity: its deck is replaced) or `phase` (a phase id: a new "
        "slides activity, titled by the file's name, is made at the start of that phase). "
        "The server renders every page (at most `max_slides` pages, `max_upload_mb` MB) to "
        "an image at most 1920 pixels wide with a 320-pixel thumbnail, keeps each page's "
        "text, stores them and the PDF as blobs, and submits `slides.attach` (an event "
        "`slides.attached` on the WebSocket). A password-protected, broken or hostile PDF is "
        "refused and nothing is stored.", "Files", "POST",
        answers=(Answer(200, "Attached.", SlidesUploaded,
                        example={"ok": True, "activity": "a4", "pages": 30}),),
        refusals=(*FIND, *UPLOAD_REFUSALS,
                  ("invalid", "This file is not a PDF. Please upload the slides as a PDF (in "
                              "PowerPoint or Impress: save or export as PDF)."),
                  ("invalid", "The PDF is protected by a password. Please save it without "
                              "the password and upload it again."),
                  ("invalid", "The PDF has 240 pages; at most 200 can be shown."),
                  ("invalid", "Slides can only be added to a slides activity."),
                  ("not_found", "This phase does not exist.")),
        params={"token": MODERATOR_TOKEN}),
    Doc("moderator_logo", "Upload the session's logo",
        "A multipart/form-data body with the field `file`: a PNG or JPEG of at most 2 MB. "
        "It is checked, scaled down to at most 600×200 pixels and re-encoded as a PNG without "
        "metadata, stored, and set by `session.logo` (an event `session.logo_set`, to the "
        "moderators). The documentation of this session shows it at the top, instead of the "
        "server's setting `logo`; allowed also after the session closed (its documentation "
        "is written again).", "Files", "POST",
        answers=(Answer(200, "Set.", LogoSet,
                        example={"ok": True, "logo": "5be1" + "0" * 60 + ".png"}),),
        refusals=(*FIND, *UPLOAD_REFUSALS,
                  ("invalid", "The logo must be a PNG or JPEG image of at most 2 MB.")),
        params={"token": MODERATOR_TOKEN}),
    Doc("moderator_logo_remove", "Remove the session's logo",
        "No body needed. The session's documentation shows the server's logo (if any) "
        "again; the file is deleted when nothing names it any more.", "Files", "POST",
        answers=(Answer(200, "Removed.", LogoSet, example={"ok": True, "logo": None}),),
        refusals=(*FIND, ("forbidden", "This upload came from another website and was "
                                       "refused.")),
        params={"token": MODERATOR_TOKEN}),
    Doc("moderator_photos", "Upload a photo (moderator)",
        "A multipart/form-data body with the field `file` (a JPEG, PNG, WebP or GIF) and "
        "either `phase` (a phase id) or `activity` (and, for a per-group activity, `group`). "
        "The photo is turned upright, downscaled to 2048 pixels (thumbnail 400), re-encoded "
        "as JPEG without any metadata (no EXIF: no location), stored, and added by "
        "`photo.add` (an event `photo.added`).", "Files", "POST",
        answers=(Answer(200, "Added.", PhotoUploaded, example=PHOTO_EXAMPLE),),
        refusals=(*FIND, *UPLOAD_REFUSALS,
                  ("invalid", "This file is not a photo the server can read. Please send a "
                              "JPEG, PNG, WebP or GIF."),
                  ("invalid", "SVG drawings are not taken (they can hold scripts). Please "
                              "send a photo: JPEG, PNG, WebP or GIF."),
                  ("limit_reached", "This session has 200 photos already; no more can be "
                                    "added.")),
        params={"token": MODERATOR_TOKEN}),
    Doc("participant_photos", "Send a photo from a phone",
        "As the moderator's photo upload, with the participant's cookie, for the small "
        "group's work: the field `activity` names a per-group activity (active or locked) "
        "of the sender's group; the session's `photos` setting says who may (members, only "
        "spokespersons, or nobody).", "Files", "POST",
        answers=(Answer(200, "Added.", PhotoUploaded, example=PHOTO_EXAMPLE),),
        refusals=(*FIND, *UPLOAD_REFUSALS,
                  ("forbidden", "Only participants of this session can send photos. Please "
                                "join it first."),
                  ("forbidden", "Only your group's spokesperson can add photos.")),
        security=("participantCookie",)),
    Doc("media", "A stored file of a session",
        "A slide image, thumbnail, photo or PDF by its name (`<sha256>.<png|jpg|webp|pdf>`, "
        "as the events name it). The name is the capability: it is only known from the "
        "session's events. Cached for a year (`immutable`: a name never changes its "
        "content), with `Content-Security-Policy: sandbox; default-src 'none'`; a PDF comes "
        "as an attachment. Deleted with the session.", "Files",
        params={"name": "The blob's name: 64 hexadecimal digits, a dot, png, jpg, webp or "
                        "pdf."},
        answers=(Answer(200, "The file.", media="*/*"),),
        refusals=(*FIND, ("not_found", "Page not found."))),
]
