"""HTTP details shared by ``/sparql`` and ``/store``: body limits, media types, UTF-8, parameters (the token
check is :func:`integrationsgraph.api.deps.check_request`) — and a ``/sparql`` request read once into a
:class:`ProtocolRequest`, which :mod:`integrationsgraph.api.routes.sparql` then acts on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs

from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from integrationsgraph.api.deps import check_request
from integrationsgraph.graph.core.config import Settings

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-Integrationsgraph-Truncated, X-Integrationsgraph-Limit, "
    "X-Integrationsgraph-Rows",
}
"""For reads only: no CORS headers on writes, and ``Authorization`` is not an allowed cross-origin header."""
FORM = "application/x-www-form-urlencoded"


class ProtocolError(HTTPException):
    """A request the protocol refuses; the app's handler turns it into the one JSON error shape."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code=status, detail=message, headers=headers)


def media_type(request: Request) -> tuple[str | None, str | None]:
    """The media type (lower case) and charset of the request body."""
    header = request.headers.get("content-type", "").strip()
    if not header:
        return None, None
    parts = [p.strip() for p in header.split(";")]
    charsets = [p.split("=", 1)[1].strip('" ').lower() for p in parts[1:] if p.lower().startswith("charset=")]
    return parts[0].lower(), charsets[0] if charsets else None


async def read_body(request: Request, limit: int, hint: str = "") -> bytes:
    """The request body, refused with 413 beyond ``limit`` bytes (checked before and while reading)."""
    message = f"Die Anfrage ist größer als {limit:,} Bytes.".replace(",", ".") + (f" {hint}" if hint else "")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, message)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ProtocolError(413, message)
    return bytes(body)


def utf8(data: bytes, charset: str | None) -> str:
    """The body as text; only UTF-8 is accepted (SPARQL 1.1 Protocol)."""
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(400, f"Zeichensatz {charset} wird nicht unterstützt: bitte UTF-8 senden.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"Die Anfrage ist kein gültiges UTF-8 (Byte {exc.start}).") from exc


def params(raw: str) -> dict[str, list[str]]:
    """URL-encoded parameters, every value kept (they may repeat)."""
    try:
        return parse_qs(raw, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, "Die Parameter sind kein gültiges UTF-8.") from exc


def one(values: dict[str, list[str]], name: str) -> str | None:
    """The single value of ``name``; 400 when it is given twice."""
    found = values.get(name, [])
    if len(found) > 1:
        raise ProtocolError(400, f"Der Parameter {name} darf nur einmal vorkommen (SPARQL 1.1 Protocol).")
    return found[0] if found else None


QUERY_LIMIT_HINT = (
    "Grenze für SPARQL-Texte: INTEGRATIONSGRAPH_QUERY_MAX_BYTES; größere Datenmengen bitte über /store (Graph Store "
    "Protocol) senden."
)
SMALL_BODY = 64 * 1024
"""Bodies up to this size are decoded on the event loop (a thread costs more than that)."""
KINDS = f"{FORM}, application/sparql-query oder application/sparql-update"


@dataclass(frozen=True)
class ProtocolRequest:
    """One ``/sparql`` request as the SPARQL 1.1 Protocol reads it: a query, an update, or neither (then the
    endpoint describes itself), with its text and every parameter (``default-graph-uri``, ``using-graph-uri``,
    ``format`` …), the URL's and the form's together."""

    operation: Literal["query", "update", "describe"]
    text: str
    values: dict[str, list[str]]


def read_get(request: Request) -> ProtocolRequest:
    """A GET: ``query=`` or nothing (updates only by POST)."""
    values = params(request.url.query)
    if "update" in values:
        raise ProtocolError(400, "Änderungen (update=) gehen nur per POST, nicht per GET.")
    query = one(values, "query")
    return ProtocolRequest("query", query, values) if query is not None else ProtocolRequest("describe", "", values)


async def read_post(request: Request, settings: Settings) -> ProtocolRequest:
    """A POST: a form with ``query=`` or ``update=``, or the text itself as ``application/sparql-query`` or
    ``…-update``. An update's token is checked before a byte of the body is read; the body is bounded, and
    decoded off the event loop when it is large (``parse_qs`` takes seconds for megabytes)."""
    url_values = params(request.url.query)
    kind, charset = media_type(request)
    if kind is None:
        raise ProtocolError(400, f"Content-Type fehlt: {KINDS} angeben.")
    if kind not in (FORM, "application/sparql-query", "application/sparql-update"):
        raise ProtocolError(415, f"Content-Type {kind} passt nicht: {KINDS}.")
    if kind == "application/sparql-update":
        check_request(request)
    raw = await read_body(request, min(settings.max_body_bytes, settings.query_max_bytes), hint=QUERY_LIMIT_HINT)
    large = len(raw) > SMALL_BODY
    body = await run_in_threadpool(utf8, raw, charset) if large else utf8(raw, charset)
    if kind == "application/sparql-query":
        return ProtocolRequest("query", body, url_values)
    if kind == "application/sparql-update":
        return ProtocolRequest("update", body, url_values)
    values = {**url_values}
    for key, vals in (await run_in_threadpool(params, body) if large else params(body)).items():
        values[key] = [*values.get(key, []), *vals]
    query, update = one(values, "query"), one(values, "update")
    if query is not None and update is not None:
        raise ProtocolError(400, "query und update zugleich: bitte nur eines senden.")
    if query is not None:
        return ProtocolRequest("query", query, values)
    if update is not None:
        return ProtocolRequest("update", update, values)
    raise ProtocolError(400, "Das Formular braucht ein Feld query= oder update=.")
