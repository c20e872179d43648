"""One JSON error shape for every error: ``{"status": 422, "error": "...", "errors": [...]}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from integrationsgraph.graph.core.errors import (
    Forbidden,
    IntegrationsgraphError,
    InvalidQuery,
    NotFound,
    ParseError,
    ValidationFailed,
    WriteBusy,
)
from integrationsgraph.graph.store.embedded import StoreLocked
from integrationsgraph.graph.store.remote import RemoteStoreError, RemoteTimeout


def error_body(status: int, error: str, errors: list[Any] | None = None) -> dict[str, Any]:
    return {"status": status, "error": error, "errors": errors or []}


def error_response(
    status: int, error: str, errors: list[Any] | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(status, error, errors), status_code=status, headers=headers)


STATUS = {
    NotFound: 404,
    InvalidQuery: 400,
    Forbidden: 403,
    ParseError: 400,
    ValidationFailed: 422,
    StoreLocked: 503,
    WriteBusy: 503,  # other processes kept committing first or held the write lease; try again
    RemoteTimeout: 504,  # the SPARQL server (INTEGRATIONSGRAPH_STORE_URL) did not answer in time
    RemoteStoreError: 502,  # … is unreachable or answered with an error
}


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into the one error shape."""

    @app.exception_handler(ValidationFailed)
    async def _validation_failed(_request: Request, exc: ValidationFailed) -> JSONResponse:
        return error_response(422, str(exc), [r for r in exc.report.to_dict()["results"]])

    @app.exception_handler(IntegrationsgraphError)
    async def _ours(_request: Request, exc: IntegrationsgraphError) -> JSONResponse:
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 500)
        return error_response(status, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", [])), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()
        ]
        return error_response(422, "Ungültige Anfrage", errors)
