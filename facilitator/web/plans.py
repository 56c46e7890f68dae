"""The session's plan from the moderator console: download it as plan.toml, or save it as a
template on this server (docs/plans.md, "Saving a session as a plan").

Both need the moderator's link (its token is in the path, as on the console page itself);
anyone else gets the same 404 as for a session that does not exist. The plan is the session's
as it is now (domain/plan_export.py): phases, activities and groups, without responses.
"""

from __future__ import annotations

import asyncio
from typing import Annotated
from urllib.parse import quote

from msgspec import Meta, Struct
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from facilitator import library
from facilitator.domain.errors import N_, Refusal
from facilitator.domain.plan import PlanError, dump_plan, load_plan
from facilitator.domain.plan_export import plan_of
from facilitator.i18n import translate
from facilitator.live.registry import slugify
from facilitator.live.runtime import SessionRuntime
from facilitator.web import guard
from facilitator.web.archive import moderated
from facilitator.web.body import read_form_as
from facilitator.web.common import STATUS, WebError, language
from facilitator.web.routedoc import FIND, FORM_BODY, MODERATOR_TOKEN, PAGE_FORM, Answer, Body, Doc

TOML = "application/toml; charset=utf-8"


class TemplateForm(Struct):
    """The console's "save as template" form."""

    name: Annotated[str, Meta(description="The template's name; its slug (a-z, 0-9 and "
                                          "hyphens, at most 64 characters) names the file, "
                                          "and the same slug again replaces it.")] = ""


def plan_text(runtime: SessionRuntime, lang: str) -> str:
    """The session's plan as TOML, checked to load: a session the plan format cannot
    describe is refused with the reason, never written as a file that fails later."""
    text = dump_plan(plan_of(runtime.state))
    try:
        load_plan(text, "plan.toml")
    except PlanError as error:
        raise WebError("invalid", N_("This session cannot be saved as a plan: {reason}"),
                       {"reason": error.describe(lambda m: translate(lang, m))}) from None
    return text


async def download(request: Request) -> Response:
    """The session's plan as a file: plan.toml that `facilitator new` and the organiser
    console's upload read back."""
    runtime = await moderated(request)
    text = plan_text(runtime, language(request))
    name = f"{slugify(runtime.state.title)}.toml"
    return Response(text.encode("utf-8"), media_type=TOML, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer"})


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


async def save_template(request: Request) -> Response:
    """The session's plan saved as a template of this server's library."""
    runtime = await moderated(request)
    lang = language(request)
    try:
        if guard.foreign_origin(request):
            raise WebError("forbidden", N_("This form was sent from another website. Please "
                                           "open the console again."))
        form = await read_form_as(request, TemplateForm)
        text = plan_text(runtime, lang)
        data_dir = request.app.state.settings.data_dir
        try:
            saved = await asyncio.to_thread(library.save_template, data_dir, form.name, text)
        except PlanError as error:  # cannot happen: plan_text loaded it
            raise WebError("invalid", N_("This session cannot be saved as a plan: {reason}"),
                           {"reason": error.describe(lambda m: translate(lang, m))}) from None
        except Refusal as refusal:
            raise WebError.from_refusal(refusal) from None
    except WebError as error:
        if not _wants_json(request):
            raise
        message = translate(lang, error.message, error.params)
        return JSONResponse({"error": error.code, "message": message},
                            status_code=STATUS.get(error.code, 400), headers=error.headers)
    if _wants_json(request):
        return JSONResponse({"ok": True, "template": saved.slug, "title": saved.title})
    back = request.url_for("moderator", code=runtime.code, token=request.path_params["token"])
    return RedirectResponse(f"{back}?saved={quote(saved.slug)}#h-plan", status_code=303)


# -- What the routes above do, for the OpenAPI document (web/openapi.py) -----------------------

DOCS = [
    Doc("moderator_plan", "Download the session's plan",
        "The session's plan as it is now, as a plan file (docs/plans.md): title, language, "
        "place, moderators, groups, the phases in their order with their activities as "
        "drafts (settings that have their default value left out), without any responses; "
        "hidden activities and the decks of slides activities are left out. `facilitator "
        "new` and the organiser console's upload make the same session of it again. A "
        "session the plan format cannot describe is refused (400) with the reason.",
        "Plans",
        answers=(Answer(200, "The plan file, named after a slug of the session's title.",
                        media="application/toml",
                        headers=("Content-Disposition-plan", "Cache-Control-no-store",
                                 "Referrer-Policy")),),
        refusals=(*FIND, ("invalid", "This session cannot be saved as a plan: …")),
        params={"token": MODERATOR_TOKEN}),
    Doc("moderator_template", "Save the session's plan as a template",
        "Saves the session's plan (as `GET …/plan.toml` gives it) as a template of this "
        "server's plan library (`<data dir>/templates/<slug>.toml`, docs/plans.md), which "
        "the organiser console offers for new sessions; a template of the same slug is "
        "replaced. The form has one field, `name`. With `Accept: application/json` the "
        "answer is JSON (also for refusals: `{\"error\": code, \"message\": …}`), else a "
        "redirect back to the console. A POST whose Origin (or Referer) names another host "
        "is refused (403).", "Plans", "POST",
        answers=(Answer(303, "Saved: back to the moderator console "
                             "(`/moderate/<CODE>/<token>?saved=<slug>#h-plan`).",
                        headers=("Location",)),
                 Answer(200, "Saved (with `Accept: application/json`): `{\"ok\": true, "
                             "\"template\": slug, \"title\": the plan's title}`.",
                        media="application/json")),
        refusals=(*FIND,
                  ("forbidden", "This form was sent from another website. Please open the "
                                "console again."),
                  ("invalid", "A template needs a name with at least one letter or digit."),
                  ("limit_reached", "This server holds 200 templates already; the organiser "
                                    "can remove some."), *FORM_BODY),
        params={"token": MODERATOR_TOKEN},
        body=Body(TemplateForm, PAGE_FORM, {"name": "Simulationslabor Klimaschutz"})),
]
