"""HTTP details shared by ``/sparql`` and ``/store``: body limits, media types, UTF-8, parameters, the token."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import HTTPException, Request

from integrationsgraph.api.deps import AppContext, token_matches

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


def authorised(request: Request, ctx: AppContext) -> bool:
    """Whether the request carries the configured write token."""
    given = request.headers.get("authorization", "")
    return given.lower().startswith("bearer ") and token_matches(ctx.settings, given[7:].strip())


def require_token(request: Request, ctx: AppContext) -> None:
    """403 when no token is configured (writes are off), 401 when it is missing or wrong."""
    if ctx.settings.write_token is None:
        raise ProtocolError(403, "Schreiben ist abgeschaltet: auf dem Server ist kein Schreib-Token eingerichtet.")
    if not authorised(request, ctx):
        raise ProtocolError(
            401, "Schreiben braucht das Schreib-Token: Authorization: Bearer <Token>.", {"WWW-Authenticate": "Bearer"}
        )
