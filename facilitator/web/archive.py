"""The documentation from the moderator's console: write it now, download it as a zip, read
the report in the browser (and print it from there).

Both need the moderator's link (its token is in the path, as on the console page itself);
anyone else gets the same 404 as for a session that does not exist.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from facilitator.domain.errors import N_
from facilitator.i18n import translate
from facilitator.live.archiving import REPORT, Archiver
from facilitator.live.runtime import SessionRuntime
from facilitator.web import auth, guard
from facilitator.web.common import WebError, render
from facilitator.web.routedoc import FIND, MODERATOR_TOKEN, Answer, Doc
from facilitator.web.sessions import find

log = logging.getLogger(__name__)


async def moderator_of(request: Request) -> tuple[SessionRuntime, auth.Credential]:
    """The session of a moderator route (`/moderate/<CODE>/<TOKEN>/…`) and the moderator's
    credential; a wrong token is answered as an unknown code, and counts as a guess."""
    runtime = await find(request, request.path_params["code"])
    found = auth.identify(request.app.state.secret, runtime.state.id,
                          request.path_params["token"])
    if found is None or found.role != "moderator":
        guard.failed(request)
        raise WebError("not_found", N_("There is no session with this code."))
    return runtime, found


async def moderated(request: Request) -> SessionRuntime:
    runtime, _ = await moderator_of(request)
    return runtime


async def write_now(request: Request) -> Response:
    runtime = await moderated(request)
    archiver: Archiver = request.app.state.archiver
    try:
        await archiver.write(runtime.state.id)
    except Exception:
        log.exception("the documentation of session %s could not be written", runtime.state.id)
        lang = runtime.state.language
        message = translate(lang, N_("The documentation could not be written. The server's "
                                     "log says why."))
        return render(request, "site/error.html", {"message": message, "status": 500},
                      lang=lang, status=500)
    back = request.url_for("moderator", code=runtime.code, token=request.path_params["token"])
    return RedirectResponse(f"{back}#h-archive", status_code=303)


async def download(request: Request) -> Response:
    runtime = await moderated(request)
    archiver: Archiver = request.app.state.archiver
    ident = runtime.state.id
    data = await archiver.zip_bytes(ident)
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{ident}.zip"',
        "Cache-Control": "no-store",
        # The token is in the URL: keep it out of other sites' Referer headers.
        "Referrer-Policy": "no-referrer"})


# The report is a page of its own with its styles inline (so that it works as a file, too);
# served by this server it may use them, and the print button's script from /static.
REPORT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                 "script-src 'self'; base-uri 'none'; form-action 'none'; "
                 "frame-ancestors 'self'")
OWN_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?')
PRINT_BAR = ('<div class="print-bar"><button type="button" id="print-report">{label}</button></div>'
             '<style>.print-bar{{margin:1rem auto;max-width:48rem;padding:0 1rem}}'
             '.print-bar button{{font:inherit;font-weight:600;padding:.5rem 1rem;'
             'min-height:2.75rem;cursor:pointer}}@media print{{.print-bar{{display:none}}}}'
             '</style><script type="module" src="{script}"></script>')


async def report(request: Request) -> Response:
    """report.html of the session, written first when it has not been yet, to read in the
    browser; a button above it prints it (or saves it as a PDF)."""
    runtime = await moderated(request)
    archiver: Archiver = request.app.state.archiver
    ident = runtime.state.id
    if not archiver.exists(ident):
        await archiver.write(ident)
    # The file is replaced, never rewritten in place (archive/files.py): whole, old or new.
    page = await asyncio.to_thread((archiver.folder(ident) / REPORT).read_text, "utf-8")
    label = translate(runtime.state.language, N_("Print / save as PDF"))
    script = request.url_for("static", version=request.app.state.static.version,
                             path="js/console/report_print.js").path
    bar = PRINT_BAR.format(label=html.escape(label), script=script)
    # The file's own policy (in a <meta>, for when it is opened as a file) allows no script;
    # this answer's header allows the button's, from this server only.
    page = OWN_POLICY.sub("", page, count=1).replace("<body>", f"<body>{bar}", 1)
    return HTMLResponse(page, headers={
        "Content-Security-Policy": REPORT_POLICY,
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer"})


def written(archiver: Archiver, session: str, timezone: str) -> str | None:
    """When the documentation was last written ("2026-11-21 14:03", local time), or None."""
    try:
        stamp = os.stat(archiver.folder(session) / REPORT).st_mtime
    except (OSError, ValueError):
        return None
    return datetime.fromtimestamp(stamp, ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


# -- What the routes above do, for the OpenAPI document (web/openapi.py) -----------------------

DOCS = [
    Doc("moderator_archive", "Write the documentation now",
        "Writes the session's documentation from its event log into the server's "
        "`<sessions dir>/<session id>/` (README.md, report.html, results.json, a CSV per "
        "activity; docs/archive.md), in any state of the session, replacing an earlier "
        "write: the console's \"write now\" button. No body; nothing is answered but where "
        "to go next.", "Documentation", "POST",
        answers=(Answer(303, "Written: back to the moderator console's documentation panel "
                             "(`/moderate/<CODE>/<token>#h-archive`).", headers=("Location",)),
                 Answer(500, "The documentation could not be written: an error page.",
                        media="text/html")),
        refusals=FIND, params={"token": MODERATOR_TOKEN}),
    Doc("moderator_archive_zip", "Download the documentation as a zip",
        "The session's documentation folder as one zip, written first when it has not "
        "been written yet (in any state of the session). Every entry is under "
        "`<session id>/`: `README.md`, `report.html`, `results.json`, `csv/NN-<slug>.csv`, "
        "and what else the folder holds (the plan file `plan.toml` of a session made from "
        "one, `report.pdf` from `facilitator archive --pdf`). Entries are sorted and dated "
        "1980-01-01, so the same folder always gives the same bytes. The files are not "
        "served one by one.", "Documentation",
        answers=(Answer(200, "The zip.", media="application/zip",
                        headers=("Content-Disposition", "Cache-Control-no-store",
                                 "Referrer-Policy")),),
        refusals=FIND, params={"token": MODERATOR_TOKEN}),
    Doc("moderator_report", "Read the report in the browser",
        "The session's `report.html` (docs/archive.md) as a page, written first when it has "
        "not been written yet (in any state of the session), with a button above it that "
        "prints it or saves it as a PDF (the browser's print dialog; the button is not "
        "printed). The console's \"open the report\" link. The report's styles are inline, so "
        "this answer has a Content-Security-Policy of its own that allows them.",
        "Documentation",
        answers=(Answer(200, "The report.", media="text/html",
                        headers=("Cache-Control-no-store", "Referrer-Policy")),),
        refusals=FIND, params={"token": MODERATOR_TOKEN}),
]
