"""One JSON error shape for every error: ``{"status": 422, "error": "...", "errors": [...]}``, and the one table
that turns the package's exceptions into HTTP status codes. A person's browser on a page (``Accept`` prefers
HTML, not an API path) gets the same message as a page in the site's layout with a way on (:func:`answer`).

:data:`STATUS` names every subclass of :class:`IntegrationsgraphError` itself (``tests/api/test_errors.py``
fails for a class that is missing); a class is looked up along its MRO, and anything not in the table is a
500. Routes that add headers (``/sparql``: CORS, ``Retry-After``) take the status from here too.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from integrationsgraph import __version__
from integrationsgraph.graph.core.config import TEMPLATES
from integrationsgraph.graph.core.errors import (
    Forbidden,
    IntegrationsgraphError,
    InvalidQuery,
    NotFound,
    ParseError,
    ReplaceRefused,
    ValidationFailed,
    WriteBusy,
)
from integrationsgraph.graph.datasets.versions import InvalidVersion
from integrationsgraph.graph.oparl.client import OParlError
from integrationsgraph.graph.publish.release import PublishError
from integrationsgraph.graph.resources.as_json import InvalidValue, ResourceError
from integrationsgraph.graph.resources.crud import Conflict, InvalidFilter, PreconditionFailed
from integrationsgraph.graph.shacl.validate import ShapesMissing
from integrationsgraph.graph.sheets.errors import ImportFailed
from integrationsgraph.graph.sheets.to_rdf import BuildFailed
from integrationsgraph.graph.sparql.guard import Refused, TooDeep
from integrationsgraph.graph.sparql.pool import QueryBusy, QueryTimeout, SandboxUnavailable, WorkerFailed
from integrationsgraph.graph.sparql.service import NotAcceptable, choose, parse_accept
from integrationsgraph.graph.sparql.update import UpdateTimeout
from integrationsgraph.graph.store.embedded import StoreConflict, StoreLocked
from integrationsgraph.graph.store.graph_store import GraphStoreError
from integrationsgraph.graph.store.lease import LeaseBusy
from integrationsgraph.graph.store.privacy import PersonalDataRefused
from integrationsgraph.graph.store.remote import RemoteStoreError, RemoteTimeout
from integrationsgraph.graph.write.accounts import AccountError
from integrationsgraph.graph.write.history import RevertConflict
from integrationsgraph.graph.write.rights import NobodyActs, RightsRefused

DEFAULT_STATUS = 500
"""The status of an exception that is not in :data:`STATUS` (nothing the client could change)."""

STATUS: dict[type[Exception], int] = {
    # the request names something that is not there, or asks for what is not allowed
    NotFound: 404,
    Forbidden: 403,
    Refused: 403,  # SERVICE or LOAD in a query
    RightsRefused: 403,  # the account may not write this dataset (graph.write.rights)
    NobodyActs: 403,  # a write in the server without an authenticated account: fail closed
    NotAcceptable: 406,
    # input that cannot be parsed or is refused before validation
    InvalidQuery: 400,
    TooDeep: 400,
    ParseError: 400,
    InvalidVersion: 400,
    ResourceError: 400,
    InvalidValue: 422,
    InvalidFilter: 422,
    AccountError: 422,  # a bad account name, role or dataset (user add)
    Conflict: 409,
    ReplaceRefused: 409,  # would remove more than half of a dataset: confirm=replace
    RevertConflict: 409,  # a later change touched what the undo would restore
    PreconditionFailed: 412,
    # the shapes report Violations: the report is in "errors"
    ValidationFailed: 422,
    PersonalDataRefused: 422,
    ImportFailed: 422,
    BuildFailed: 422,  # an ImportFailed that carries what the rest of the workbook says
    # busy or too slow: try again
    StoreLocked: 503,
    WriteBusy: 503,  # other processes kept committing first or held the write lease
    LeaseBusy: 503,
    QueryBusy: 503,
    QueryTimeout: 503,
    UpdateTimeout: 503,
    OParlError: 502,  # the council's OParl server answered with something that is not OParl 1.1
    # the SPARQL server (INTEGRATIONSGRAPH_STORE_URL)
    RemoteTimeout: 504,  # did not answer in time
    RemoteStoreError: 502,  # is unreachable or answered with an error
    # faults of the server, not of the request
    StoreConflict: 500,  # the write path retries it and gives up with WriteBusy; it never reaches a client
    GraphStoreError: 500,
    ShapesMissing: 500,
    PublishError: 500,
    SandboxUnavailable: 500,
    WorkerFailed: 500,
}
"""Exception class → HTTP status; every :class:`IntegrationsgraphError` of the package has its own entry."""


def status_of(exc: BaseException) -> int:
    """The HTTP status of ``exc``: its class's entry in :data:`STATUS`, else its nearest base's, else 500."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return DEFAULT_STATUS


def error_body(status: int, error: str, errors: list[Any] | None = None) -> dict[str, Any]:
    return {"status": status, "error": error, "errors": errors or []}


def error_response(
    status: int, error: str, errors: list[Any] | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(status, error, errors), status_code=status, headers=headers)


def details(exc: BaseException) -> list[Any]:
    """The ``errors`` list of an exception: a report's results, a resource's field errors, else none."""
    if isinstance(exc, ValidationFailed):
        return list(exc.report.to_dict()["results"])
    if isinstance(exc, ResourceError):
        return list(exc.errors)
    if isinstance(exc, ImportFailed):
        return [e.to_dict() for e in exc.errors]
    return []


def exception_response(
    exc: IntegrationsgraphError, *, error: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The one error shape for ``exc``, with its status from :data:`STATUS` (``error`` replaces the message)."""
    return error_response(status_of(exc), str(exc) if error is None else error, details(exc), headers)


HEADINGS = {
    400: "Die Anfrage ist fehlerhaft",
    401: "Anmeldung nötig",
    403: "Nicht erlaubt",
    404: "Nicht gefunden",
    405: "So nicht möglich",
    406: "Dieses Format gibt es hier nicht",
    409: "Das geht gerade nicht",
    412: "Inzwischen geändert",
    413: "Zu groß",
    415: "Falsches Format",
    422: "Die Angaben passen nicht",
    429: "Zu viele Versuche",
    503: "Gerade nicht verfügbar",
}
STARLETTE_DE = {
    "Not Found": "Diese Adresse gibt es nicht.",
    "Method Not Allowed": "Diese Methode ist an dieser Adresse nicht erlaubt.",
}
"""Starlette's own English messages (no route, wrong method), in German as every other error."""
API_PATHS = ("/api/", "/sparql", "/store", "/openapi.json", "/static/", "/maps/assets/", "/dumps/", "/catalog")
PAGE_OR_JSON = {"json": "application/json", "html": "text/html"}
"""What an error can be: JSON first (a tie, ``*/*``, goes to programs), a page when the client prefers HTML."""
_templates = Jinja2Templates(directory=TEMPLATES)


def wants_html(request: Request) -> bool:
    """Whether the request comes from a person's browser on a page (Accept prefers HTML, not an API path)."""
    if request.url.path.startswith(API_PATHS) or request.url.path == "/.well-known/void":
        return False
    return choose(parse_accept(request.headers.get("accept")), PAGE_OR_JSON) == "html"


def answer(request: Request, response: JSONResponse) -> Response:
    """``response`` as it is for programs; for a browser the same message as a page in the site's layout."""
    if not wants_html(request):
        return response
    body = json.loads(bytes(response.body))
    status = response.status_code
    errors = [e.get("msg") or e.get("message") or str(e) if isinstance(e, dict) else str(e) for e in body["errors"]]
    page = _templates.TemplateResponse(
        request,
        "error.html",
        {
            "status": status,
            "heading": HEADINGS.get(status, "Ein Fehler ist aufgetreten"),
            "message": body["error"],
            "errors": errors[:50],
            "version": __version__,
        },
        status_code=status,
    )
    for name, value in response.headers.items():
        if name.lower() not in ("content-type", "content-length"):
            page.headers[name] = value
    return page


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into the one error shape (a page for a browser)."""

    @app.exception_handler(IntegrationsgraphError)
    async def _ours(request: Request, exc: IntegrationsgraphError) -> Response:
        return answer(request, exception_response(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = STARLETTE_DE.get(str(exc.detail), str(exc.detail))
        return answer(request, error_response(exc.status_code, detail, headers=getattr(exc, "headers", None)))

    @app.exception_handler(RequestValidationError)
    async def _request(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": list(e.get("loc", [])), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()
        ]
        return answer(request, error_response(422, "Ungültige Anfrage", errors))
