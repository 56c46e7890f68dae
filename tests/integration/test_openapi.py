"""The HTTP API is documented as precisely as the WebSocket: the OpenAPI document made from the
route table is valid OpenAPI 3.1, names every route, serves as generated, its examples fit its
schemas, and what a real server answers fits them too. The request bodies are read with the
same definitions, and a body of the wrong types is refused in the domain's words, as before."""

from __future__ import annotations

import re
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from babel.messages.pofile import read_po
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

from facilitator.app import routes
from facilitator.web import openapi
from facilitator.web.common import STATUS
from facilitator.web.schemas import ErrorCode
from tests.conftest import LiveServer
from tests.support import moderate

DOCUMENT = openapi.document(routes())
POT = Path(__file__).resolve().parents[2] / "facilitator" / "locale" / "messages.pot"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def undocumented(table: Sequence[BaseRoute], document: dict[str, Any]) -> list[str]:
    """The routes of the table (as "METHOD path") that the document does not describe."""
    paths = document["paths"]
    missing = []
    for route in table:
        if isinstance(route, Route):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                if method.lower() not in paths.get(route.path, {}):
                    missing.append(f"{method} {route.path}")
        elif isinstance(route, Mount):  # described generically, as any GET below it
            if "get" not in paths.get(f"{route.path}/{{path}}", {}):
                missing.append(f"GET {route.path}/…")
        elif isinstance(route, WebSocketRoute):  # described in docs/protocol.md
            if route.path not in document["info"]["description"]:
                missing.append(f"WebSocket {route.path}")
        else:
            missing.append(f"{type(route).__name__} {route}")
    return missing


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, operation) for path, item in document["paths"].items()
            for method, operation in item.items() if method in METHODS]


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator of a schema of the document, its $refs resolved against the document."""
    return Draft202012Validator({**schema, "components": DOCUMENT["components"]})


def check(method: str, path: str, answer: httpx.Response) -> None:
    """The answer's status is documented for this operation, with the headers it has and
    its media type, and its JSON body fits the schema."""
    responses = DOCUMENT["paths"][path][method]["responses"]
    assert str(answer.status_code) in responses, (method, path, answer.status_code, answer.text)
    documented = responses[str(answer.status_code)]
    for header in documented.get("headers", {}):
        assert header in answer.headers, (method, path, answer.status_code, header)
    content = documented.get("content", {})
    if not answer.content:
        assert not content, (method, path, answer.status_code)
        return
    media = answer.headers["content-type"].partition(";")[0]
    assert media in content, (method, path, answer.status_code, media)
    if media == "application/json":
        validator(content[media]["schema"]).validate(answer.json())


# -- The document ---------------------------------------------------------------------------


def test_the_document_is_valid_openapi_3_1() -> None:
    OpenAPIV31SpecValidator(DOCUMENT).validate()


def test_every_route_is_in_the_document() -> None:
    assert undocumented(routes(), DOCUMENT) == []
    description = DOCUMENT["info"]["description"]
    assert "/ws/{code}" in description and "docs/protocol.md" in description


def test_a_route_without_its_doc_is_missed() -> None:
    """What the test above guards against: a route added without a Doc is left out of the
    document (not guessed at), and undocumented() names it."""
    docs = [doc for doc in openapi.all_docs()
            if (doc.route, doc.method) != ("join", "POST")]
    assert undocumented(routes(), openapi.document(routes(), docs)) == ["POST /j/{code}"]
    table = [*routes(), Route("/api/new", openapi.openapi_json, name="new")]
    assert undocumented(table, openapi.document(table)) == ["GET /api/new"]


def test_every_doc_describes_a_route_of_the_table() -> None:
    table = {(str(route.name), method) for route in routes() if isinstance(route, Route)
             for method in (route.methods or set())}
    table |= {(str(route.name), "GET") for route in routes() if isinstance(route, Mount)}
    docs = [(doc.route, doc.method) for doc in openapi.all_docs()]
    assert len(docs) == len(set(docs))
    assert set(docs) <= table


def test_path_parameters_are_those_of_the_route() -> None:
    for path, method, operation in operations(DOCUMENT):
        named = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert named == set(re.findall(r"{(\w+)}", path)), (method, path)


def test_the_api_and_the_downloads_are_described_in_full() -> None:
    paths = DOCUMENT["paths"]
    create = paths["/api/sessions"]["post"]
    assert create["security"] == [{"organiserKey": []}]
    assert create["requestBody"]["content"]["application/json"]["schema"] == \
        {"$ref": "#/components/schemas/CreateSession"}
    assert set(create["responses"]) == {"201", "400", "401", "408", "413", "429"}
    join = paths["/api/sessions/{code}/join"]["post"]
    assert set(join["responses"]) == {"201", "400", "404", "408", "409", "413", "429", "503"}
    assert "Set-Cookie" in join["responses"]["201"]["headers"]
    assert "Retry-After" in join["responses"]["429"]["headers"]
    assert join["requestBody"]["required"] is False  # an empty body joins anonymously
    schemes = DOCUMENT["components"]["securitySchemes"]
    assert schemes["organiserKey"] == {**schemes["organiserKey"], "type": "http",
                                       "scheme": "bearer"}
    assert schemes["participantCookie"]["in"] == "cookie"
    zipped = paths["/moderate/{code}/{token}/archive.zip"]["get"]["responses"]["200"]
    assert "application/zip" in zipped["content"]
    assert {"Content-Disposition", "Referrer-Policy"} <= set(zipped["headers"])
    for path, _, operation in operations(DOCUMENT):
        for status, response in operation["responses"].items():
            if path.startswith("/api/") and int(status) >= 400:
                assert response["content"]["application/json"]["schema"] == \
                    {"$ref": "#/components/schemas/ErrorBody"}, (path, status)


def test_error_codes_are_those_with_a_status() -> None:
    assert set(typing.get_args(ErrorCode)) == set(STATUS)


def test_every_example_fits_its_schema() -> None:
    seen = 0
    for _, _, operation in operations(DOCUMENT):
        contents = [operation.get("requestBody", {}).get("content", {})]
        contents += [response.get("content", {}) for response in operation["responses"].values()]
        for content in contents:
            for media in content.values():
                examples = [example["value"] for example in media.get("examples", {}).values()]
                if "example" in media:
                    examples.append(media["example"])
                for example in examples:
                    validator(media["schema"]).validate(example)
                    seen += 1
    assert seen >= 30
    # The $refs are followed: a wrong answer does not fit.
    joined = DOCUMENT["paths"]["/api/sessions/{code}/join"]["post"]["responses"]["201"]
    assert not validator(joined["content"]["application/json"]["schema"]).is_valid(
        {"participant": "p7", "token": "p7.short", "code": "K7MXR4", "ws": "/ws/K7MXR4"})


def test_refusal_examples_are_the_servers_own_sentences() -> None:
    """Each example message is one of the server's messages (with its placeholders
    filled), so the documentation cannot make up wording the server never sends."""
    with POT.open("rb") as file:
        catalog = read_po(file)
    patterns = [re.compile("".join(".+" if part.startswith("{") else re.escape(part)
                                   for part in re.split(r"(\{\w+\})", str(message.id))))
                for message in catalog if message.id]
    for doc in openapi.all_docs():
        for code, message in doc.refusals:
            assert any(p.fullmatch(message) for p in patterns), (doc.route, code, message)


def test_http_md_names_every_route_and_error_code() -> None:
    """docs/http.md, the prose for programmers, keeps up with the table: each route as
    `METHOD /path` with <CODE>-style placeholders, and each error code."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "http.md").read_text("utf-8")
    for path, method, _ in operations(DOCUMENT):
        written = re.sub(r"{(\w+)}", lambda m: f"<{m[1].upper()}>", path)
        assert f"{method.upper()} {written}" in text, f"{method.upper()} {written}"
    for code in typing.get_args(ErrorCode):
        assert f"`{code}`" in text, code


# -- Against a real server ------------------------------------------------------------------


def test_the_served_document_is_the_generated_one(live_server: LiveServer) -> None:
    answer = httpx.get(f"{live_server.url}/api/openapi.json", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == DOCUMENT
    assert httpx.get(f"{live_server.url}/api/openapi.json", timeout=10).content == answer.content


def test_real_answers_fit_the_documented_schemas(live_server: LiveServer) -> None:
    key = {"Authorization": f"Bearer {live_server.organiser_key}"}
    create = DOCUMENT["paths"]["/api/sessions"]["post"]
    example = create["requestBody"]["content"]["application/json"]["example"]
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        created = http.post("/api/sessions", json={**example, "names": True}, headers=key)
        assert created.status_code == 201
        check("post", "/api/sessions", created)
        session = created.json()
        code = session["code"]
        join = f"/api/sessions/{code}/join"
        check("post", join.replace(code, "{code}"), draft := http.post(join, json={}))
        assert draft.json()["error"]["code"] == "session_not_open"
        moderate(live_server, session, [{"type": "session.open"}])
        body = DOCUMENT["paths"]["/api/sessions/{code}/join"]["post"]["requestBody"]
        joined = http.post(join, json=body["content"]["application/json"]["example"])
        assert joined.status_code == 201
        check("post", "/api/sessions/{code}/join", joined)
        assert joined.json()["code"] == code and joined.json()["ws"] == f"/ws/{code}"
        cookie = joined.headers["set-cookie"]
        assert cookie.startswith(f"fp_{code}={joined.json()['token']};")
        for part in ("HttpOnly", "Max-Age=172800", "Path=/", "SameSite=lax"):
            assert part in cookie
        assert http.post(join, content=b"").status_code == 201  # no body: anonymous

        refused = [
            ("post", "/api/sessions", http.post("/api/sessions", json={"title": "x"})),
            ("post", "/api/sessions", http.post("/api/sessions", json={"title": 5},
                                                headers=key)),
            ("post", "/api/sessions", http.post("/api/sessions", content=b"[1]", headers=key)),
            ("post", "/api/sessions/{code}/join", http.post(join, json={"age": 3})),
            ("post", "/api/sessions/{code}/join", http.post(join, json={"where": "moon"})),
            ("post", "/api/sessions/{code}/join", http.post(join, content=b"x" * 20_000)),
            ("post", "/api/sessions/{code}/join",
             http.post("/api/sessions/ZZZZZZ/join", json={})),
        ]
        for method, path, answer in refused:
            assert answer.status_code >= 400
            check(method, path, answer)
        check("get", "/healthz", http.get("/healthz"))
        again = http.get(f"/j/{code}")  # this client holds the cookie of its last join
        assert again.status_code == 303 and again.headers["location"].endswith(f"/s/{code}")
        check("get", "/j/{code}", again)
    with httpx.Client(base_url=live_server.url, timeout=10) as browser:
        for path in (f"/qr/{code}.svg", f"/qr/{code}.png", f"/j/{code}", "/", "/console"):
            answer = browser.get(path)
            assert answer.status_code == 200, path
            check("get", path.replace(code, "{code}"), answer)


def test_every_refusal_a_guesser_gets_is_documented(live_server: LiveServer) -> None:
    """Failed guesses from one address: 404s, then 429 with Retry-After, as documented."""
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        answers = [http.post("/api/sessions/ZZZZZZ/join", json={}) for _ in range(31)]
    assert {a.status_code for a in answers} == {404, 429}
    for answer in answers:
        check("post", "/api/sessions/{code}/join", answer)
    assert int(answers[-1].headers["retry-after"]) >= 1


# -- The bodies are read with the definitions, refused in the domain's words ----------------


@pytest.mark.parametrize(("body", "status", "code", "message"), [
    ({"title": 5}, 400, "invalid", "The field title must be a text."),
    ({}, 400, "invalid", "The field title must be a text."),
    ({"title": "A", "language": None}, 201, None, None),  # null: the server's default
    ({"title": "A", "names": "yes"}, 400, "invalid", "The field names must be true or false."),
    ({"title": "A", "moderators": ["Kim", 5]}, 400, "invalid",
     "The field moderators must be a text."),
    ({"title": "A", "moderators": "Kim"}, 400, "invalid", "Name at most 10 moderators."),
    ({"title": "A", "zeta": 1, "alpha": 2}, 400, "bad_message", "Unknown field: alpha."),
    ({"title": 5, "language": "fr"}, 400, "invalid", "The language must be one of: de, en."),
    # Over the documented maxLength only with the blanks the domain trims: accepted.
    ({"title": f" {'x' * 200} "}, 201, None, None),
    # Outside the documented types, but what the domain has always let through.
    ({"title": "A", "moderators": False}, 201, None, None),
])
def test_create_refuses_in_the_domains_words(live_server: LiveServer, body: dict[str, Any],
                                             status: int, code: str | None,
                                             message: str | None) -> None:
    answer = httpx.post(f"{live_server.url}/api/sessions", json=body, timeout=10,
                        headers={"Authorization": f"Bearer {live_server.organiser_key}",
                                 "Accept-Language": "en"})
    assert answer.status_code == status, answer.text
    if code is not None:
        assert answer.json() == {"error": {"code": code, "message": message}}


@pytest.mark.parametrize(("names", "body", "status", "message"), [
    (True, {"name": 5}, 400, "The field name must be a text."),
    (True, {"name": "n" * 41}, 400, "The field name is longer than 40 characters."),
    (False, {"name": 5}, 201, None),  # a session without names ignores the name
    (True, {"where": 5}, 400, "Say room or online."),
    (True, {"where": ""}, 201, None),
    (True, {"name": "A", "b": 1, "a": 2}, 400, "Unknown field: a."),
])
def test_join_refuses_in_the_domains_words(live_server: LiveServer, names: bool,
                                           body: dict[str, Any], status: int,
                                           message: str | None) -> None:
    session = live_server.create_session(language="en", names=names)
    moderate(live_server, session, [{"type": "session.open"}])
    answer = httpx.post(f"{live_server.url}/api/sessions/{session['code']}/join", json=body,
                        timeout=10, headers={"Accept-Language": "en"})
    assert answer.status_code == status, answer.text
    if message is not None:
        assert answer.json()["error"]["message"] == message


def test_the_moderators_routes_answer_as_documented(live_server: LiveServer) -> None:
    session = live_server.create_session()
    code, token = session["code"], session["moderator_token"]
    with httpx.Client(base_url=live_server.url, timeout=10) as http:
        for path, template in [
                (f"/moderate/{code}/{token}", "/moderate/{code}/{token}"),
                (f"/present/{code}/{session['presenter_token']}", "/present/{code}/{token}"),
                (f"/moderate/{code}/{token}/archive.zip",
                 "/moderate/{code}/{token}/archive.zip"),
                (f"/moderate/{code}/wrong/archive.zip", "/moderate/{code}/{token}/archive.zip"),
                (f"/s/{code}", "/s/{code}"), ("/join?code=ZZZZZZ", "/join"),
                (f"/join?code={code.lower()}", "/join"), ("/static/nothing.js", "/static/{path}")]:
            check("get", template, http.get(path))
        check("post", "/moderate/{code}/{token}/archive",
              http.post(f"/moderate/{code}/{token}/archive"))
        check("post", "/console/login", http.post("/console/login", data={"key": "wrong"}))
        check("post", "/console/login", http.post("/console/login",
                                                  data={"key": live_server.organiser_key}))
        check("post", "/console/sessions", http.post("/console/sessions", data={"title": ""}))
        check("post", "/console/sessions", http.post("/console/sessions", data={"title": "B"}))


def test_the_asyncapi_document_is_served(live_server: LiveServer) -> None:
    from facilitator.live import schema

    answer = httpx.get(f"{live_server.url}/api/asyncapi.json", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == schema.asyncapi()
    assert answer.json()["asyncapi"] == "3.0.0"


def test_the_operations_routes_answer_as_documented(tmp_path: Path) -> None:
    """/readyz and /metrics (issue 14): each status they answer is in the document, with its
    headers and media type."""
    server = LiveServer(tmp_path / "data", metrics=True, metrics_token="t").start()
    try:
        with httpx.Client(base_url=server.url, timeout=10) as http:
            check("get", "/readyz", http.get("/readyz"))
            check("get", "/metrics", http.get("/metrics"))  # 401 without the token
            check("get", "/metrics", http.get("/metrics", headers={"Authorization": "Bearer t"}))
            server.server.config.app.state.draining = True  # type: ignore[union-attr]
            check("get", "/readyz", http.get("/readyz"))
    finally:
        server.stop()
    off = LiveServer(tmp_path / "off").start()
    try:
        check("get", "/metrics", httpx.get(f"{off.url}/metrics", timeout=10))
    finally:
        off.stop()
