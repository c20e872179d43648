"""The browser's second wall: a strict Content-Security-Policy on every response, and our own scripts.

Pages show data that anyone with a write token (or an import) put there; the templates escape it and
:func:`graph.core.links.safe_href` keeps ``javascript:`` and the like out of links. Should something slip through,
the policy stops it from running: scripts only from this origin (no inline script, no ``onclick=…``, no
``eval``), no plugins, no ``<base>`` from elsewhere, no framing by other sites, forms only to us.
``X-Content-Type-Options: nosniff`` belongs to it: without it a browser would run a SPARQL result or a dump
whose text an attacker chose as a script "from this origin".

The pages' scripts live in ``api/static/js/`` and are served at ``/static/js/{name}``. The API docs (``/docs``,
``/redoc``, :mod:`api.routes.api_docs`) are the one exception: FastAPI's page functions write an inline start
script, and ReDoc runs its search in a worker made from a blob; their policy allows exactly that inline script
(by its SHA-256) and blob workers. Swagger UI and ReDoc themselves are vendored and come from this origin too.

``install(app)`` adds both: ``security.install(app)`` in :func:`api.main.create_app`.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from integrationsgraph.api.errors import error_response
from integrationsgraph.api.routes import api_docs
from integrationsgraph.graph.core.config import PAGE_SCRIPTS

STATIC_JS = PAGE_SCRIPTS
SCRIPTS = {p.name for p in STATIC_JS.glob("*.js")}

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # the templates' <style> blocks and vis-network's element styles
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
"""The policy of every page (and every other response: a browser applies it only where it renders)."""

DOCS_SOURCES = {"worker-src": "blob:"}
"""What the documentation pages need besides :data:`POLICY` and their inline script: ReDoc's search worker."""

_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.S | re.I)


def docs_policy(body: bytes) -> str:
    """The policy for a docs page: :data:`POLICY` plus :data:`DOCS_SOURCES` and the page's own inline scripts,
    each by its hash (so nothing else inline runs). No other host: Swagger UI and ReDoc are served from here."""
    extra = dict(DOCS_SOURCES)
    hashes = [
        f"'sha256-{base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()}'"
        for m in _INLINE_SCRIPT.finditer(body)
    ]
    if hashes:
        extra["script-src"] = " ".join(hashes)
    parts = []
    for directive in POLICY.split("; "):
        name = directive.split(" ", 1)[0]
        parts.append(f"{directive} {extra.pop(name)}" if name in extra else directive)
    parts += [f"{name} 'self' {sources}" for name, sources in extra.items()]
    return "; ".join(parts)


class ContentSecurityPolicy:
    """ASGI middleware: ``Content-Security-Policy`` and ``X-Content-Type-Options: nosniff`` on every response.

    Streams pass through untouched; only the small docs pages (``docs_paths``) are held back to hash their
    inline script.
    """

    def __init__(self, app: ASGIApp, docs_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] in self.docs_paths:
            await self._docs(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", POLICY)
                headers.setdefault("X-Content-Type-Options", "nosniff")
            await send(message)

        await self.app(scope, receive, send_with_policy)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def collect(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                assert start is not None
                body = b"".join(chunks)
                headers = MutableHeaders(scope=start)
                headers.setdefault("Content-Security-Policy", docs_policy(body))
                headers.setdefault("X-Content-Type-Options", "nosniff")
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, collect)


router = APIRouter()


@router.get("/static/js/{name}", include_in_schema=False)
async def script(name: str) -> Response:
    """One of our pages' scripts (``api/static/js``)."""
    if name not in SCRIPTS:
        return error_response(404, f"Kein Skript {name}.")
    return FileResponse(STATIC_JS / name, media_type="text/javascript", headers={"Cache-Control": "max-age=300"})


def install(app: FastAPI) -> None:
    """Serve the pages' scripts and put the policy on every response of ``app`` (the docs pages' own on
    :data:`api.routes.api_docs.PAGES`)."""
    app.include_router(router)
    app.add_middleware(ContentSecurityPolicy, docs_paths=api_docs.PAGES)
