"""The API documentation pages, offline: Swagger UI at ``/docs``, ReDoc at ``/redoc`` (and Swagger UI's OAuth2
redirect page), their scripts and styles vendored in ``graph/static/vendor/swagger-ui/`` and
``graph/static/vendor/redoc/`` (README.md beside them) and served at ``/static/vendor/swagger-ui/{name}`` and
``/static/vendor/redoc/{name}``.

FastAPI's own pages load the same libraries (swagger-ui-dist 5, redoc 2) from cdn.jsdelivr.net and ReDoc's fonts
from fonts.googleapis.com: they would not work offline and would tell those hosts who reads our docs. The app
switches them off (``docs_url=None, redoc_url=None`` in :func:`api.main.create_app`) and serves these instead,
built by FastAPI's own page functions with local addresses, so they look as before. Their
Content-Security-Policy (an inline start script on ``/docs``, a blob worker for ReDoc) is in :mod:`api.security`,
which holds back :data:`PAGES` to hash their inline scripts.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse, Response

from integrationsgraph.api.errors import error_response
from integrationsgraph.graph.core.config import ROOT

DOCS_URL = "/docs"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
REDOC_URL = "/redoc"
PAGES = frozenset({DOCS_URL, OAUTH2_REDIRECT_URL, REDOC_URL})
"""The pages :class:`api.security.ContentSecurityPolicy` gives the docs policy."""

VENDOR = ROOT / "graph" / "static" / "vendor"
TEXT = "text/plain; charset=utf-8"
SWAGGER_UI_FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
    "LICENSE": TEXT,
    "NOTICE": TEXT,
    "swagger-ui-bundle.js.LICENSE.txt": TEXT,
}
REDOC_FILES = {"redoc.standalone.js": "text/javascript", "LICENSE": TEXT, "redoc.standalone.js.LICENSE.txt": TEXT}
SWAGGER_UI_PARAMETERS: dict[str, Any] = {"validatorUrl": None}
"""Besides FastAPI's defaults: no badge image from validator.swagger.io (Swagger UI's default validator)."""

router = APIRouter()


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def _openapi_url(request: Request) -> str:
    app: FastAPI = request.app
    return _root(request) + (app.openapi_url or "/openapi.json")


@router.get(DOCS_URL, include_in_schema=False)
async def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI, as FastAPI's default ``/docs`` but from this server."""
    app: FastAPI = request.app
    vendor = f"{_root(request)}/static/vendor/swagger-ui"
    return get_swagger_ui_html(
        openapi_url=_openapi_url(request),
        title=f"{app.title} - Swagger UI",
        swagger_js_url=f"{vendor}/swagger-ui-bundle.js",
        swagger_css_url=f"{vendor}/swagger-ui.css",
        swagger_favicon_url=f"{vendor}/favicon-32x32.png",
        oauth2_redirect_url=_root(request) + OAUTH2_REDIRECT_URL,
        init_oauth=app.swagger_ui_init_oauth,
        swagger_ui_parameters={**SWAGGER_UI_PARAMETERS, **(app.swagger_ui_parameters or {})},
    )


@router.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
async def swagger_ui_redirect() -> HTMLResponse:
    """Swagger UI's OAuth2 redirect page, as FastAPI serves it beside its default ``/docs``."""
    return get_swagger_ui_oauth2_redirect_html()


@router.get(REDOC_URL, include_in_schema=False)
async def redoc(request: Request) -> HTMLResponse:
    """ReDoc, as FastAPI's default ``/redoc`` but from this server and without Google's fonts."""
    app: FastAPI = request.app
    return get_redoc_html(
        openapi_url=_openapi_url(request),
        title=f"{app.title} - ReDoc",
        redoc_js_url=f"{_root(request)}/static/vendor/redoc/redoc.standalone.js",
        redoc_favicon_url=f"{_root(request)}/favicon.ico",  # the app's own: no icon
        with_google_fonts=False,
    )


def _vendored(folder: str, files: dict[str, str], name: str) -> Response:
    if name not in files:
        return error_response(404, f"Keine Datei {name}.")
    return FileResponse(VENDOR / folder / name, media_type=files[name], headers={"Cache-Control": "max-age=86400"})


@router.get("/static/vendor/swagger-ui/{name}", include_in_schema=False)
async def swagger_ui_file(name: str) -> Response:
    """Swagger UI (swagger-ui-dist), vendored: its bundle, style sheet, icon and licence files."""
    return _vendored("swagger-ui", SWAGGER_UI_FILES, name)


@router.get("/static/vendor/redoc/{name}", include_in_schema=False)
async def redoc_file(name: str) -> Response:
    """ReDoc's standalone bundle, vendored, and its licence files."""
    return _vendored("redoc", REDOC_FILES, name)
