"""New sessions from plans on the organiser console (docs/moderator-guide.md): a ready plan, a
template, an uploaded plan file, or a copy of an earlier session's plan. The console's page,
its login and its form for an empty session are in web/pages.py.

An uploaded plan is read whole but bounded: the body past UPLOAD_LIMIT is refused with 413
before it is parsed, and then Starlette's multipart parser reads it from memory, one file.
"""

from __future__ import annotations

import logging
import unicodedata

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import Message

from facilitator import library
from facilitator.domain.codes import normalise_code
from facilitator.domain.errors import N_, Invalid, NotFound, Refusal
from facilitator.domain.plan import Plan, PlanError, dump_plan, load_plan
from facilitator.domain.plan_model import PLAN_LIMIT
from facilitator.i18n import translate
from facilitator.live.plans import PlanRefused, create_from_plan
from facilitator.live.runtime import SessionRuntime
from facilitator.web import pages
from facilitator.web.body import read_body, read_form_as
from facilitator.web.common import STATUS, WebError, language
from facilitator.web.routedoc import BODY, FORM_BODY, PAGE_FORM, Answer, Body, Doc
from facilitator.web.schemas import PlanForm, UploadForm
from facilitator.web.sessions import links

log = logging.getLogger(__name__)

# The plan file and the multipart framing around it (boundaries, headers, the file's name).
UPLOAD_LIMIT = PLAN_LIMIT + 16 * 1024
FILE_FIELD = "plan"
NAME_LIMIT = 100  # characters of the uploaded file's name we keep, for error messages


async def plan_of_form(request: Request, form: PlanForm) -> Plan:
    """The plan a console button names; a Refusal (NotFound, Invalid) when there is none."""
    if form.source == "ready":
        return library.ready_plan(form.name).plan
    if form.source == "template":
        return library.load_template(request.app.state.settings.data_dir, form.name).plan
    if form.source == "session":
        code = normalise_code(form.name)
        runtime = await request.app.state.registry.get(code) if code else None
        if runtime is None:
            raise NotFound(N_("There is no session with this code."))
        # Imported here: the plan export belongs to the plan editor (domain/plan_export.py).
        from facilitator.domain.plan_export import plan_of

        # Through the file form and back, as a download and an upload would go: the copy is
        # the session the plan file makes, and a session the format cannot describe is
        # refused with the reason instead of becoming half a session.
        return load_plan(dump_plan(plan_of(runtime.state)), f"{runtime.code}.toml")
    raise Invalid(N_("Choose a plan for the new session."))


def _file_name(name: str | None) -> str:
    """The uploaded file's own name, as errors name it: no folders, no control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return clean[:NAME_LIMIT] or "plan.toml"


async def uploaded_plan(request: Request) -> Plan:
    """The plan of the upload form's file. WebError when the form cannot be read or holds no
    file, PlanError (with line and field) when the file is not a plan."""
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media != "multipart/form-data":
        raise WebError("invalid", N_("The form could not be read."))
    body = await read_body(request, UPLOAD_LIMIT)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(max_files=1, max_fields=5,
                                                         max_part_size=UPLOAD_LIMIT)
    except HTTPException:  # Starlette's word for a multipart body it cannot parse
        raise WebError("invalid", N_("The form could not be read.")) from None
    try:
        upload = form.get(FILE_FIELD)
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise WebError("invalid", N_("Choose a plan file to upload."))
        data = await upload.read(UPLOAD_LIMIT + 1)
        name = _file_name(upload.filename)
    finally:
        await form.close()
    if not data:
        raise WebError("invalid", N_("The file {name} is empty."), {"name": name})
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise WebError("invalid", N_("The file {name} is not a plan: a plan file is text "
                                     "(TOML, UTF-8)."), {"name": name}) from None
    return load_plan(text, name)


async def create(request: Request, plan: Plan) -> SessionRuntime:
    """A new session from the plan, with an id of its own (as a session from the form
    gets), so the same plan can start any number of sessions. WebError when the server
    refuses a command of the plan: load_plan and the server disagree, which is a bug."""
    try:
        return await create_from_plan(request.app.state.registry, plan)
    except PlanRefused as error:
        log.error("a plan from the console was refused: %s", error)
        raise WebError("invalid", N_("The server could not make a session of this plan: "
                                     "{reason}"), {"reason": str(error)}) from None


# -- Handlers ---------------------------------------------------------------------------------


async def _to_new_session(request: Request, runtime: SessionRuntime) -> Response:
    found = links(request.app.state.settings.base_url, request.app.state.secret, runtime)
    return RedirectResponse(found.moderator_url, status_code=303)


async def from_plan(request: Request) -> Response:
    """A new session from a ready plan, a template or an earlier session's plan."""
    if not pages.console_post(request):
        return RedirectResponse(request.url_for("console"), status_code=303)
    form = await read_form_as(request, PlanForm)
    try:
        plan = await plan_of_form(request, form)
        runtime = await create(request, plan)
    except PlanError as error:
        lang = language(request)
        return await pages.console(request, error.describe(lambda text: translate(lang, text)),
                                   400)
    except Refusal as refusal:
        message = translate(language(request), refusal.message, refusal.params)
        return await pages.console(request, message, STATUS.get(refusal.code, 400))
    except WebError as error:
        message = translate(language(request), error.message, error.params)
        return await pages.console(request, message, error.status)
    return await _to_new_session(request, runtime)


async def delete_template(request: Request) -> Response:
    """The organiser removes a template from the library; back to the console's list."""
    if not pages.console_post(request):
        return RedirectResponse(request.url_for("console"), status_code=303)
    form = await read_form_as(request, PlanForm)
    try:
        library.delete_template(request.app.state.settings.data_dir, form.name)
    except Refusal as refusal:
        message = translate(language(request), refusal.message, refusal.params)
        return await pages.console(request, message, STATUS.get(refusal.code, 400))
    return RedirectResponse(str(request.url_for("console")) + "#h-templates", status_code=303)


async def upload(request: Request) -> Response:
    """A new session from an uploaded plan file; a file that is not a plan is answered with
    the console, naming the line and the field as the command line does."""
    if not pages.console_post(request):
        return RedirectResponse(request.url_for("console"), status_code=303)
    lang = language(request)
    try:
        plan = await uploaded_plan(request)
        runtime = await create(request, plan)
    except PlanError as error:
        message = error.describe(lambda text: translate(lang, text))
        return await pages.console(request, status=400, upload_error=message)
    except Refusal as refusal:
        message = translate(lang, refusal.message, refusal.params)
        return await pages.console(request, status=STATUS.get(refusal.code, 400),
                                   upload_error=message)
    except WebError as error:
        response = await pages.console(
            request, status=error.status,
            upload_error=translate(lang, error.message, error.params))
        response.headers.update(error.headers)
        return response
    return await _to_new_session(request, runtime)


# -- What they do, for the OpenAPI document (web/openapi.py) ------------------------------------

DOCS = [
    Doc("console_from_plan", "Create a session from a plan of the library",
        "The organiser console's buttons: a new session in draft from a ready plan, a "
        "template saved on this server, or a copy of an earlier session's plan (its phases, "
        "activities and groups, without responses; hidden activities and slide decks are "
        "left out). The session gets an id of its own, so one plan can start many sessions. "
        "A POST whose Origin (or Referer) names another host is refused (403). An unknown "
        "name is answered with the console again, saying so.", "Pages", "POST",
        answers=(Answer(303, "Created: to the new session's moderator console (an absolute "
                             "URL); without the organiser cookie, to `/console`.",
                        headers=("Location",)),),
        refusals=(("forbidden", "This form was sent from another website. Please open the "
                                "console again."),
                  ("not_found", "There is no ready plan “nachhaltig”."),
                  ("not_found", "There is no template “nachhaltig”."),
                  ("not_found", "There is no session with this code."),
                  ("invalid", "Choose a plan for the new session."), *FORM_BODY),
        security=("organiserCookie",),
        body=Body(PlanForm, PAGE_FORM, {"source": "ready",
                                        "name": "simulationslabor-klimaschutz"})),
    Doc("console_delete_template", "Delete a template",
        "The organiser console's delete button of a template (field `name`, the template's "
        "name as `facilitator plans` lists it): the file goes from `<data_dir>/templates/`; "
        "sessions made from it keep their plan. A POST whose Origin (or Referer) names "
        "another host is refused (403).", "Pages", "POST",
        answers=(Answer(303, "Deleted: to `/console#h-templates`; without the organiser "
                             "cookie, to `/console`.", headers=("Location",)),),
        refusals=(("forbidden", "This form was sent from another website. Please open the "
                                "console again."),
                  ("not_found", "There is no template “nachhaltig”."), *FORM_BODY),
        security=("organiserCookie",),
        body=Body(PlanForm, PAGE_FORM, {"name": "quartiersrunde-nord"})),
    Doc("console_upload", "Create a session from an uploaded plan file",
        "The organiser console's upload form (`multipart/form-data`, one file in the field "
        "`plan`). A body past 272 KiB is refused (413) before it is read on; a file that is "
        "not a plan is answered with the console again, naming the file, the line and the "
        "field as `facilitator new` does (400). A POST whose Origin (or Referer) names "
        "another host is refused (403).", "Pages", "POST",
        answers=(Answer(303, "Created: to the new session's moderator console (an absolute "
                             "URL); without the organiser cookie, to `/console`.",
                        headers=("Location",)),),
        refusals=(("forbidden", "This form was sent from another website. Please open the "
                                "console again."),
                  ("invalid", "plan.toml, line 10, phases[1].activities[1].options: A poll "
                              "needs between 2 and 20 options."),
                  ("invalid", "Choose a plan file to upload."),
                  ("invalid", "The form could not be read."), *BODY),
        security=("organiserCookie",),
        body=Body(UploadForm, "multipart/form-data")),
]
