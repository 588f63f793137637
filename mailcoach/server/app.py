"""The ASGI app: the page, its assets and the ``/v1`` JSON API.

Requests are read here with a size limit, handed to the public API in one worker
thread (the pipeline is loaded once and used by one request at a time; the event
loop stays free for reading and writing), and answered with the CLI's renderers.
Every error is JSON, ``{"error": "<one line>"}``, with the CLI's message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import re
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

import anyio
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mailcoach import (
    FactsError,
    InputError,
    LetterError,
    MailcoachError,
    Settings,
    Unreadable,
    __version__,
    check,
)

T = TypeVar("T")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: A token shorter than this is refused: it would be guessed.
MIN_TOKEN_LENGTH = 16
#: Largest facts body for ``/v1/letter``.
LETTER_MAX_BYTES = 1024 * 1024
#: Largest upload for ``/v1/review`` (an mbox or one message).
REVIEW_MAX_BYTES = 64 * 1024 * 1024
#: Host names a loopback-only server answers to (a guard against DNS rebinding).
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
#: Files of the page, served from the package.
STATIC = {
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "icon.svg": "image/svg+xml",
}
JSON_TYPE = "application/json"
_STYLE_RE = re.compile(r"<style>(.*?)</style>", re.S)
_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")


def is_loopback(host: str) -> bool:
    """Tell whether ``host`` (a name or an address) only reaches this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def refuse_reason(host: str, token: str | None) -> str | None:
    """Return why the server must not start with this host and token, or None."""
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        return f"the access token must be at least {MIN_TOKEN_LENGTH} characters long."
    if not is_loopback(host) and not token:
        return (
            f"--host {host} makes the server reachable from other machines; "
            "give an access token with --token (or MAILCOACH_TOKEN) too."
        )
    return None


@dataclass(frozen=True)
class ServeOptions:
    """How the server runs: where it listens and who may use the API."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str | None = None
    settings: Settings = field(default_factory=Settings)


class ApiError(Exception):
    """An answer other than 200, with the one-line message the CLI would print."""

    def __init__(self, status: int, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra or {}


def status_of(exc: MailcoachError) -> int:
    """Return the HTTP status for a library error: the request's fault or the server's."""
    if isinstance(exc, InputError | FactsError | LetterError):
        return 400
    return 500  # a broken lexicon, template, config or model install


def json_response(data: Any, status: int = 200) -> Response:
    """Return ``data`` as key-sorted JSON, as the CLI prints it."""
    body = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return Response(body, status_code=status, media_type=JSON_TYPE)


def error_response(status: int, message: str, extra: dict[str, Any] | None = None) -> Response:
    """Return ``{"error": message}`` (plus ``extra``) with ``status``."""
    return json_response({"error": message, **(extra or {})}, status)


def warm_up(settings: Settings) -> None:
    """Load the pipeline, the rules and the rewrite templates once, before serving.

    Raises:
        MailcoachError: if the model, a lexicon or a template is broken.
    """
    from mailcoach import rewrite
    from mailcoach.nlp.pipeline import build_matchers

    rewrite(check("You never pay on time. I am sick of this.", settings=settings),
            settings=settings)  # fmt: skip
    build_matchers(settings)  # then each request is checked in a memory zone


def _report_style_hashes() -> list[str]:
    """Return CSP hashes of the review report's inline stylesheet.

    The review tab shows ``review --format html`` in a sandboxed frame that inherits
    the page's policy; allowing exactly this stylesheet keeps ``style-src`` strict.
    """
    from mailcoach.render.batch import ReviewSummary
    from mailcoach.render.html import render_html

    page = render_html(ReviewSummary())
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        for css in _STYLE_RE.findall(page)
    ]


def content_security_policy(style_hashes: list[str]) -> str:
    """Return the page's policy: its own files only, no inline script, no network."""
    styles = " ".join(["'self'", *style_hashes])
    return (
        "default-src 'self'; script-src 'self'; "
        f"style-src {styles}; img-src 'self' data:; connect-src 'self'; "
        "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


class Guard:
    """Pure ASGI middleware: host check, access token, security headers."""

    def __init__(self, app: ASGIApp, *, options: ServeOptions, csp: str) -> None:
        self.app = app
        self.token = options.token
        self.loopback = is_loopback(options.host)
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"cross-origin-resource-policy", b"same-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        problem = self._refuse(scope["path"], headers)
        if problem is not None:
            status, message = problem
            await error_response(status, message)(scope, receive, self._wrap(send, scope))
            return
        await self.app(scope, receive, self._wrap(send, scope))

    def _refuse(self, path: str, headers: dict[str, str]) -> tuple[int, str] | None:
        if self.loopback:
            host = headers.get("host", "")
            name = host.rsplit(":", 1)[0] if not host.startswith("[") else host[1:].split("]")[0]
            if name not in LOOPBACK_NAMES:
                return 421, f"this server answers only on this machine, not as {host!r}."
        if self.token and path.startswith("/v1/"):
            given = headers.get("authorization", "")
            scheme, _, value = given.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                value.strip().encode(), self.token.encode()
            ):
                return (
                    401,
                    "this server needs its access token: send 'Authorization: Bearer <token>'.",
                )
        return None

    def _wrap(self, send: Send, scope: Scope) -> Send:
        api = scope["path"].startswith("/v1/")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + self.headers
                if api:
                    message["headers"].append((b"cache-control", b"no-store"))
                work = scope.get("state", {}).get("work_ms")
                if work is not None:
                    message["headers"].append((b"server-timing", f"work;dur={work:.1f}".encode()))
            await send(message)

        return wrapped


async def read_body(request: Request, limit: int) -> bytes:
    """Return the request body, refusing (413) one over ``limit`` bytes."""
    declared = request.headers.get("content-length")
    too_large = ApiError(
        413, f"the request is over the {_size(limit)} limit for {request.url.path}."
    )
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _size(count: int) -> str:
    mib = count / (1024 * 1024)
    return f"{mib:g} MiB" if mib >= 1 else f"{count // 1024} KiB"


def _is_json(request: Request) -> bool:
    return request.headers.get("content-type", "").split(";")[0].strip().lower() == JSON_TYPE


def _json_object(body: bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"the request body is not valid JSON ({exc}).") from None
    if not isinstance(data, dict):
        raise ApiError(400, f"the request body must be a JSON object with {what}.")
    return data


def draft_source(request: Request, body: bytes) -> str | bytes:
    """Return the draft a request carries: JSON ``{"text": ...}`` or a raw message.

    Text in JSON is a plain draft; a raw body (``text/plain``, ``message/rfc822``,
    anything but JSON) is read as ``mailcoach check -`` reads standard input.
    """
    if not _is_json(request):
        return body
    data = _json_object(body, 'a "text" field')
    text = data.get("text")
    if not isinstance(text, str) or set(data) - {"text"}:
        raise ApiError(400, 'the JSON body must be {"text": "<the draft>"} and nothing else.')
    return text


def _static(name: str) -> bytes:
    return (resources.files("mailcoach.server") / "static" / name).read_bytes()


def _relabel(text: str, folder: str) -> str:
    return text.replace(folder + "/", "")


#: ``--role`` and ``--type`` as query parameters of /v1/check and /v1/rewrite.
ROLE_QUERY = Query(
    None,
    max_length=40,
    description="Who writes to whom, SENDER or SENDER:READER (e.g. landlord:tenant); "
    "without it the role is guessed from the draft, as `--role` does on the command line.",
)
TYPE_QUERY = Query(
    None,
    alias="type",
    max_length=20,
    description="The dispute type (payment, delivery, service, billing, contract, other); "
    "without it the type is guessed, as `--type` does.",
)


def case_settings(settings: Settings, role: str | None, dispute_type: str | None) -> Settings:
    """Return ``settings`` with the role and dispute type a request set.

    Raises:
        ApiError: 422 with the same one-line reason as the command line's.
    """
    from mailcoach.settings import case_problem

    problem = case_problem(role, dispute_type)
    if problem is not None:
        raise ApiError(422, f"{problem[0]}: {problem[1]}.")
    return settings.with_overrides(role=role or None, dispute_type=dispute_type or None)


def create_app(options: ServeOptions | None = None) -> ASGIApp:
    """Return the ASGI app: the page at ``/``, the API under ``/v1``.

    The pipeline is loaded when the app starts (its lifespan), not per request.
    """
    opts = options or ServeOptions()
    settings = opts.settings
    page = _static("index.html")
    assets = {name: _static(name) for name in STATIC}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.limiter = anyio.CapacityLimiter(1)
        await anyio.to_thread.run_sync(warm_up, settings, limiter=app.state.limiter)
        yield

    app = FastAPI(
        title="mailcoach",
        version=__version__,
        summary="Check a dispute email before you send it: the local JSON API.",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: not here
        redoc_url=None,
        lifespan=lifespan,
    )

    async def run(request: Request, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn`` in the one worker thread; library errors become API errors."""

        def timed() -> T:
            started = time.perf_counter()
            try:
                return fn(*args)
            finally:  # reported as Server-Timing: the work, apart from HTTP and waiting
                request.state.work_ms = (time.perf_counter() - started) * 1000

        try:
            return await anyio.to_thread.run_sync(timed, limiter=request.app.state.limiter)
        except MailcoachError as exc:
            raise ApiError(status_of(exc), str(exc)) from None

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return error_response(exc.status, exc.message, exc.extra)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        message = {404: f"no such page: {request.url.path}."}.get(exc.status_code, exc.detail)
        return error_response(exc.status_code, str(message))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "request"
        return error_response(400, f"{where}: {first.get('msg', 'invalid value')}.")

    # ----------------------------------------------------------------- the page

    @app.get("/", include_in_schema=False)
    async def index() -> Response:
        return Response(page, media_type="text/html; charset=utf-8")

    @app.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        if name not in assets:
            raise ApiError(404, f"no such file: /static/{name}.")
        return Response(assets[name], media_type=STATIC[name])

    # ----------------------------------------------------------------- the API

    draft_body = {
        "content": {
            JSON_TYPE: {
                "schema": {
                    "type": "object",
                    "required": ["text"],
                    "properties": {"text": {"type": "string", "description": "A plain draft."}},
                    "additionalProperties": False,
                }
            },
            "text/plain": {"schema": {"type": "string"}},
            "message/rfc822": {"schema": {"type": "string", "format": "binary"}},
        },
        "required": True,
    }

    @app.get("/v1/health", summary="Say the server is up, and its version.")
    async def health() -> Response:
        return json_response({"status": "ok", "version": __version__})

    @app.post(
        "/v1/check",
        summary="Check one draft: the schema-1 report of `mailcoach check --format json`.",
        openapi_extra={"requestBody": draft_body},
    )
    async def check_route(
        request: Request,
        role: str | None = ROLE_QUERY,
        dispute_type: str | None = TYPE_QUERY,
    ) -> Response:
        from mailcoach.render.json_format import report_to_dict

        source = draft_source(request, await read_body(request, settings.max_bytes))
        case = case_settings(settings, role, dispute_type)

        def work() -> dict[str, Any]:
            return report_to_dict(check(source, settings=case))

        return json_response(await run(request, work))

    @app.post(
        "/v1/rewrite",
        summary="Rewrite one draft calmly: `mailcoach rewrite --format json`.",
        openapi_extra={"requestBody": draft_body},
    )
    async def rewrite_route(
        request: Request,
        benchmark: Literal["positive", "punitive", "none"] | None = Query(
            None, description="The benchmark clause to add. Without it a clause goes in only where "
            "the draft shows a broken promise or a repeat problem (positive by default)."
        ),
        invoices: int | None = Query(
            None, ge=1, le=52, description="How many invoices the benchmark counts."
        ),
        terms: str | None = Query(None, max_length=80, description='e.g. "30-day".'),
        period: str | None = Query(None, max_length=80, description='e.g. "weekly".'),
        role: str | None = ROLE_QUERY,
        dispute_type: str | None = TYPE_QUERY,
    ) -> Response:
        from mailcoach import BenchmarkParams, rewrite
        from mailcoach.render.json_format import rewrite_to_dict

        source = draft_source(request, await read_body(request, settings.max_bytes))
        params = BenchmarkParams.chosen(settings, benchmark, invoices, terms, period)

        case = case_settings(settings, role, dispute_type)

        def work() -> dict[str, Any]:
            report = check(source, settings=case)
            return rewrite_to_dict(rewrite(report, settings=case, benchmark=params))

        return json_response(await run(request, work))

    @app.get("/v1/letters", summary="List the kinds of letter (`mailcoach letter --list`).")
    async def letter_kinds() -> Response:
        from mailcoach.letters import describe_kinds

        return json_response({"kinds": [{"kind": k, "about": a} for k, a in describe_kinds()]})

    @app.post(
        "/v1/letter",
        summary="Write a letter from a case's facts; it is checked before it is returned.",
        openapi_extra={
            "requestBody": {
                "content": {
                    JSON_TYPE: {"schema": {"type": "object", "description": "Case facts."}},
                    "text/plain": {
                        "schema": {"type": "string"},
                        "description": "A facts file (toml, yaml or json; say which "
                        "with facts_format).",
                    },
                },
                "required": True,
            }
        },
    )
    async def letter_route(
        request: Request,
        kind: str = Query(..., description="One of GET /v1/letters."),
        format: Literal["json", "text", "eml", "ics"] = Query(
            "json", description="json: the letter, its .eml and .ics and its check; or one file."
        ),
        facts_format: Literal["json", "toml", "yaml"] | None = Query(
            None, description="The format of a raw facts file (a JSON body needs none)."
        ),
    ) -> Response:
        from mailcoach.letters import KINDS

        if kind not in KINDS:
            raise ApiError(
                400, f"{kind!r} is not a kind of letter; choose one of: {', '.join(KINDS)}."
            )
        body = await read_body(request, LETTER_MAX_BYTES)
        if facts_format is None and not _is_json(request):
            raise ApiError(
                415, "send the facts as application/json, or say facts_format=toml|yaml|json."
            )

        def work() -> Response:
            return _letter(kind, body, facts_format, format, settings)

        return await run(request, work)

    @app.post(
        "/v1/review",
        summary="Review an uploaded mbox or message, as `mailcoach review` does.",
        openapi_extra={
            "requestBody": {
                "content": {
                    "application/mbox": {"schema": {"type": "string", "format": "binary"}},
                    "message/rfc822": {"schema": {"type": "string", "format": "binary"}},
                },
                "required": True,
            }
        },
    )
    async def review_route(
        request: Request,
        name: str = Query(
            "upload.mbox", max_length=200, description="The file's name, used in the report."
        ),
        format: Literal["json", "jsonl", "html"] = Query(
            "json",
            description="json: every report; jsonl: review --format jsonl; html: the report.",
        ),
    ) -> Response:
        body = await read_body(request, REVIEW_MAX_BYTES)
        if not body.strip():
            raise ApiError(400, "the upload is empty; send an mbox file or an .eml message.")
        label = _NAME_RE.sub("-", Path(name).name).strip(".-") or "upload.mbox"

        def work() -> Response:
            return _review(body, label, format, settings)

        return await run(request, work)

    csp = content_security_policy(_report_style_hashes())
    return Guard(app, options=opts, csp=csp)


def _letter(
    kind: str, body: bytes, facts_format: str | None, fmt: str, settings: Settings
) -> Response:
    """Compose a letter from a request's facts; the format picks the answer."""
    from mailcoach import CaseFacts, SelfCheckFailed, compose_letter, read_facts
    from mailcoach.letters import weigh_cost
    from mailcoach.render.json_format import report_to_dict

    if facts_format is None:
        facts: CaseFacts | dict[str, Any] = _json_object(body, "the case's facts")
    else:
        with tempfile.TemporaryDirectory(prefix="mailcoach-facts-") as folder:
            path = Path(folder) / f"facts.{facts_format}"
            path.write_bytes(body)
            try:
                facts = read_facts(path)
            except FactsError as exc:
                raise ApiError(400, _relabel(str(exc), folder)) from None
    documents = facts.documents if isinstance(facts, CaseFacts) else facts.get("documents")
    if isinstance(documents, list) and any(
        getattr(d, "file", None) or (isinstance(d, dict) and d.get("file")) for d in documents
    ):
        raise ApiError(
            400, "documents with a 'file' are not attached over the API; list their titles only."
        )
    try:
        letter = compose_letter(kind, facts, settings=settings, where="the facts")
    except SelfCheckFailed as exc:
        raise ApiError(422, str(exc), {"report": report_to_dict(exc.report)}) from None
    if fmt == "text":
        text = f"Subject: {letter.subject}\n\n{letter.text}"
        return Response(text, media_type="text/plain; charset=utf-8")
    if fmt == "eml":
        return Response(letter.as_email(), media_type="message/rfc822")
    if fmt == "ics":
        return Response(letter.as_ics(), media_type="text/calendar; charset=utf-8")
    notes = list(letter.notes)
    try:
        eml: str | None = letter.as_email().decode("utf-8")
    except FactsError as exc:
        eml = None
        notes.append(str(exc))
    weighing = weigh_cost(letter.facts)
    return json_response(
        {
            "schema_version": 1,
            "kind": letter.kind,
            "subject": letter.subject,
            "to": letter.to,
            "text": letter.text,
            "follow_ups": [
                {"date": f.date.isoformat(), "what": f.what, "owner": f.owner, "source": f.source}
                for f in letter.follow_ups
            ],
            "notes": notes,
            "cost": weighing.text if weighing else None,
            "eml": eml,
            "ics": letter.as_ics().decode("utf-8") if letter.follow_ups else None,
            "report": report_to_dict(letter.report),
        }
    )


def _review(body: bytes, label: str, fmt: str, settings: Settings) -> Response:
    """Review one uploaded file (an mbox or one message) the way ``mailcoach review`` does."""
    from mailcoach import Draft, check_many, iter_messages
    from mailcoach.render.batch import ReviewSummary
    from mailcoach.render.html import render_html
    from mailcoach.render.json_format import render_jsonl, report_to_dict

    with tempfile.TemporaryDirectory(prefix="mailcoach-review-") as folder:
        path = Path(folder) / label
        path.write_bytes(body)

        def relabelled() -> Any:
            for item in iter_messages([path], max_bytes=settings.max_bytes):
                if isinstance(item, Draft):
                    yield replace(item, source=_relabel(item.source, folder))
                else:
                    yield Unreadable(_relabel(item.source, folder), _relabel(item.error, folder))

        reports = list(check_many(relabelled(), settings=settings, jobs=1))
    summary = ReviewSummary().extend(reports)
    counts = {
        "X-Mailcoach-Messages": str(summary.messages),
        "X-Mailcoach-Flagged": str(summary.flagged),
        "X-Mailcoach-Unreadable": str(summary.unreadable),
    }
    if fmt == "jsonl":
        lines = "".join(render_jsonl(r) + "\n" for r in reports)
        return Response(lines, media_type="application/x-ndjson; charset=utf-8", headers=counts)
    if fmt == "html":
        html = render_html(summary)
        return Response(html, media_type="text/html; charset=utf-8", headers=counts)
    response = json_response(
        {
            "schema_version": 1,
            "messages": summary.messages,
            "flagged": summary.flagged,
            "unreadable": summary.unreadable,
            "reports": [report_to_dict(r) for r in reports],
        }
    )
    response.headers.update(counts)
    return response
