"""Editing in the browser: ``/anmelden`` (name and password), then ``/bearbeiten/{dataset}``: download the
workbook, upload an edited one, see what it would change, confirm, see the history, undo a change.

- **Session:** a cookie signed with a key kept in the store (:func:`graph.write.accounts.session_key`), valid
  for :data:`SESSION_HOURS`, ``HttpOnly``, ``SameSite=Strict``, ``Secure`` over HTTPS; it names the account and a
  fingerprint of its password hash, so a new password ends every session. It opens only these pages: the API
  keeps its bearer tokens (a cookie must not let another site's page write through the API).
- **CSRF:** every form carries the value of a random cookie of its own (double submit) and is refused (403)
  without it; the session cookie is ``SameSite=Strict`` besides.
- **Failed logins** are limited per address and name (:class:`Attempts`): the sixth within 15 minutes is answered
  429 without checking the password.
- Writes go through the one write path as the logged-in account (:mod:`graph.write.rights`), through the door
  ``Browser`` (:mod:`graph.write.history`). An upload waits for its confirmation in a temporary file for
  :data:`UPLOAD_MINUTES`, bound to the account and the dataset.
"""

from __future__ import annotations

import hmac
import json
import secrets
import tempfile
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeTimedSerializer

from integrationsgraph import __version__
from integrationsgraph.api.deps import AppContext, DatasetName
from integrationsgraph.api.routes.sheets import workbook_download
from integrationsgraph.graph.core.config import TEMPLATES, graph_iri
from integrationsgraph.graph.core.errors import NotFound, ReplaceRefused, ValidationFailed
from integrationsgraph.graph.datasets.inventory import summaries
from integrationsgraph.graph.datasets.versions import CURRENT, version_graph
from integrationsgraph.graph.shacl.report import render_text
from integrationsgraph.graph.sheets.errors import ImportFailed
from integrationsgraph.graph.sheets.read import Limits
from integrationsgraph.graph.sheets.workbook import import_workbook
from integrationsgraph.graph.write import accounts, history
from integrationsgraph.graph.write.history import Door, RevertConflict, through
from integrationsgraph.graph.write.rights import Account, acting


class SessionFirst(APIRoute):
    """A form that changes something (every POST but the login itself) is refused with 401 before its body is
    read when no session stands behind it — as :class:`api.deps.TokenFirst` does for the API's tokens."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if "POST" not in (self.methods or set()) or self.path == "/anmelden":
            return handler

        async def session_first(request: Request) -> Response:
            if await run_in_threadpool(logged_in, request) is None:
                return _refused(request, "Bitte zuerst anmelden (/anmelden); nichts wurde geschrieben.", 401)
            return await handler(request)

        return session_first


router = APIRouter(tags=["Bearbeiten"], include_in_schema=False, route_class=SessionFirst)
templates = Jinja2Templates(directory=TEMPLATES)
SESSION_COOKIE = "ig_sitzung"
CSRF_COOKIE = "ig_formular"
SESSION_HOURS = 8
UPLOAD_MINUTES = 30
UPLOADS = Path(tempfile.gettempdir()) / "integrationsgraph-vorschau"
KIND_WORDS = {"added": "neu", "changed": "geändert", "removed": "entfernt"}
KIND_DE = {
    "Massnahme": "Maßnahme",
    "Handlungsfeld": "Handlungsfeld",
    "Handlungsziel": "Handlungsziel",
    "Leitziel": "Leitziel",
    "Indikator": "Indikator",
    "Messwert": "Messwert",
    "Zielvorgabe": "Zielvorgabe",
    "Organization": "Akteur",
    "Person": "Person",
    "Beschluss": "Beschluss",
    "Datenquelle": "Datenquelle",
    "Integrationskonzept": "Konzept",
}
"""Plain words for the kinds the preview lists (the others show as they are)."""


class Attempts:
    """Failed logins per (address, name) within a window: more than ``limit`` → wait."""

    def __init__(self, limit: int = 5, window: float = 900.0) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def blocked(self, key: tuple[str, str]) -> bool:
        with self._lock:
            q = self._seen[key]
            while q and q[0] < time.monotonic() - self.window:
                q.popleft()
            return len(q) >= self.limit

    def failed(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._seen[key].append(time.monotonic())


ATTEMPTS = Attempts()


def _ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def _serializer(request: Request) -> URLSafeTimedSerializer:
    """Signs and checks session cookies; its key is made once and never changes, so it is read once per app."""
    state = request.app.state
    if getattr(state, "session_serializer", None) is None:
        key = accounts.session_key(_ctx(request).store)
        state.session_serializer = URLSafeTimedSerializer(key, salt="integrationsgraph-sitzung")
    serializer: URLSafeTimedSerializer = state.session_serializer
    return serializer


def logged_in(request: Request) -> Account | None:
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw or len(raw) > 1000:
        return None
    try:
        data = _serializer(request).loads(raw, max_age=SESSION_HOURS * 3600)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("n"), str) or not isinstance(data.get("f"), str):
        return None
    return accounts.session_account(_ctx(request).store, data["n"], data["f"])


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = templates.TemplateResponse(
        request, template, {"version": __version__, "csrf": token, **context}, status_code=status
    )
    secure = request.url.scheme == "https"
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/")
    response.headers["Cache-Control"] = "no-store"
    return response


def _csrf_ok(request: Request, given: str) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), given.encode())


def _refused(request: Request, message: str, status: int) -> HTMLResponse:
    return _page(request, "edit_message.html", status, title="Nicht möglich", message=message)


def _expired(request: Request) -> HTMLResponse:
    """A form without its CSRF token (forged, or from a page older than the cookie): 403."""
    return _refused(request, "Das Formular ist abgelaufen. Bitte die Seite neu laden und noch einmal senden.", 403)


Csrf = Annotated[str, Form(max_length=200)]


@router.get("/anmelden", response_class=HTMLResponse)
async def login_form(request: Request) -> HTMLResponse:
    return _page(request, "edit_login.html", account=logged_in(request))


@router.post("/anmelden", response_class=HTMLResponse)
async def login(
    request: Request,
    name: Annotated[str, Form(max_length=64)],
    passwort: Annotated[str, Form(max_length=1000)],
    csrf: Csrf,
) -> Response:
    if not _csrf_ok(request, csrf):
        return _expired(request)
    key = (request.client.host if request.client else "", name)
    if ATTEMPTS.blocked(key):
        response = _page(
            request, "edit_login.html", 429, error="Zu viele Fehlversuche. Bitte in 15 Minuten noch einmal versuchen."
        )
        response.headers["Retry-After"] = "900"
        return response
    found = await run_in_threadpool(accounts.login, _ctx(request).store, name, passwort)
    if found is None:
        ATTEMPTS.failed(key)
        return _page(request, "edit_login.html", 401, error="Name oder Passwort stimmt nicht.", name=name)
    account, password_hash = found
    cookie = _serializer(request).dumps({"n": account.name, "f": accounts.password_fingerprint(password_hash)})
    done = RedirectResponse("/bearbeiten", status_code=303)
    done.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return done


@router.post("/abmelden")
async def logout(request: Request, csrf: Csrf) -> Response:
    if not _csrf_ok(request, csrf):
        return _expired(request)
    response = RedirectResponse("/anmelden", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _editor(request: Request, dataset: str | None = None) -> Account | Response:
    """The logged-in account that may write ``dataset``, or the answer to give instead."""
    account = logged_in(request)
    if account is None:
        return RedirectResponse("/anmelden", status_code=303)
    if dataset is not None and not account.may_write(graph_iri(dataset)):
        return _refused(request, f"Das Konto „{account.name}“ darf den Datensatz „{dataset}“ nicht bearbeiten.", 403)
    return account


def _form_editor(request: Request, csrf: str, dataset: str) -> Account | Response:
    """For a form sent to change ``dataset``: its CSRF token, then :func:`_editor`."""
    if not _csrf_ok(request, csrf):
        return _expired(request)
    return _editor(request, dataset)


@router.get("/bearbeiten", response_class=HTMLResponse)
async def overview(request: Request) -> Response:
    account = _editor(request)
    if not isinstance(account, Account):
        return account
    every = await run_in_threadpool(summaries, _ctx(request).store)
    own = [d for d in every if account.may_write(graph_iri(d.name))]
    return _page(request, "edit_index.html", account=account, datasets=own)


@router.get("/bearbeiten/{dataset}", response_class=HTMLResponse)
async def dataset_page(request: Request, dataset: DatasetName, meldung: str | None = None) -> Response:
    account = _editor(request, dataset)
    if not isinstance(account, Account):
        return account
    total, entries = await run_in_threadpool(history.listing, _ctx(request).store, dataset, limit=20)
    notes = {
        "uebernommen": "Die Arbeitsmappe wurde übernommen.",
        "rueckgaengig": "Die Änderung wurde rückgängig gemacht.",
    }
    return _page(
        request,
        "edit_dataset.html",
        account=account,
        dataset=dataset,
        entries=entries,
        total=total,
        note=notes.get(meldung or ""),
    )


@router.get("/bearbeiten/{dataset}/mappe.xlsx")
async def workbook(request: Request, dataset: DatasetName) -> Response:
    account = _editor(request, dataset)
    if not isinstance(account, Account):
        return account
    return await workbook_download(_ctx(request), dataset, None, private=True)


def _save(data: bytes, account: Account, dataset: str) -> str:
    UPLOADS.mkdir(mode=0o700, exist_ok=True)
    for old in UPLOADS.glob("*.json"):  # what nobody confirmed in time
        if old.stat().st_mtime < time.time() - UPLOAD_MINUTES * 60:
            old.unlink(missing_ok=True)
            old.with_suffix(".xlsx").unlink(missing_ok=True)
    upload = secrets.token_urlsafe(24)
    (UPLOADS / f"{upload}.xlsx").write_bytes(data)
    (UPLOADS / f"{upload}.json").write_text(json.dumps({"account": account.name, "dataset": dataset}))
    return upload


def _load(upload: str, account: Account, dataset: str) -> Path | None:
    if not upload.replace("-", "").replace("_", "").isalnum() or len(upload) > 64:
        return None
    meta, data = UPLOADS / f"{upload}.json", UPLOADS / f"{upload}.xlsx"
    if not meta.exists() or meta.stat().st_mtime < time.time() - UPLOAD_MINUTES * 60:
        return None
    if json.loads(meta.read_text()) != {"account": account.name, "dataset": dataset}:
        return None
    return data


def _run_import(request: Request, account: Account, dataset: str, data: bytes | Path, **options: Any) -> Any:
    ctx = _ctx(request)
    door = Door("Browser", f"Arbeitsmappe in /bearbeiten/{dataset}")
    with acting(account), through(door):
        return import_workbook(
            ctx.writer,
            data,
            version_graph(dataset, CURRENT),
            dataset,
            ctx.settings.base_iri,
            source="Arbeitsmappe",
            max_bytes=ctx.settings.import_max_bytes,
            limits=Limits.of(ctx.settings),
            confirm_hint="das Kästchen „Ja, den Bestand ersetzen“",
            **options,
        )


@router.post("/bearbeiten/{dataset}/vorschau", response_class=HTMLResponse)
async def preview(
    request: Request,
    dataset: DatasetName,
    csrf: Csrf,
    datei: Annotated[UploadFile, File()],
) -> Response:
    account = _form_editor(request, csrf, dataset)
    if not isinstance(account, Account):
        return account
    limit = _ctx(request).settings.import_max_bytes
    data = await datei.read(limit + 1)
    if len(data) > limit:
        return _refused(request, f"Die Datei ist zu groß (höchstens {limit / 1048576:.3g} MB).", 413)
    try:
        result = await run_in_threadpool(_run_import, request, account, dataset, data, dry_run=True)
    except ImportFailed as exc:
        return _page(request, "edit_errors.html", 422, account=account, dataset=dataset, errors=exc.errors)
    upload = await run_in_threadpool(_save, data, account, dataset)
    p = result.preview
    groups = [(KIND_WORDS[k], getattr(p, k)) for k in ("added", "changed", "removed")]
    return _page(
        request,
        "edit_preview.html",
        account=account,
        dataset=dataset,
        upload=upload,
        result=result,
        groups=groups,
        by_kind=p.by_kind(),
        kind_words=KIND_DE,
        confirm_needed=p.confirm_needed,
        file_name=datei.filename or "Arbeitsmappe",
    )


@router.post("/bearbeiten/{dataset}/uebernehmen")
async def confirm(
    request: Request,
    dataset: DatasetName,
    csrf: Csrf,
    upload: Annotated[str, Form(max_length=64)],
    ersetzen: Annotated[str | None, Form(max_length=10)] = None,
) -> Response:
    account = _form_editor(request, csrf, dataset)
    if not isinstance(account, Account):
        return account
    path = _load(upload, account, dataset)
    if path is None:
        return _refused(
            request, "Die Vorschau ist abgelaufen oder schon übernommen. Bitte die Mappe neu hochladen.", 409
        )
    try:
        await run_in_threadpool(_run_import, request, account, dataset, path, confirm_replace=ersetzen == "ja")
    except ReplaceRefused as exc:
        return _refused(request, str(exc), 409)
    except ImportFailed as exc:
        return _page(request, "edit_errors.html", 422, account=account, dataset=dataset, errors=exc.errors)
    path.unlink(missing_ok=True)
    path.with_suffix(".json").unlink(missing_ok=True)
    return RedirectResponse(f"/bearbeiten/{dataset}?meldung=uebernommen", status_code=303)


@router.post("/bearbeiten/{dataset}/rueckgaengig/{entry}")
async def undo(request: Request, dataset: DatasetName, entry: str, csrf: Csrf) -> Response:
    account = _form_editor(request, csrf, dataset)
    if not isinstance(account, Account):
        return account
    ctx = _ctx(request)

    def run() -> None:
        with acting(account), through(Door("Browser", f"Rückgängig in /bearbeiten/{dataset}")):
            ctx.writer.transact(lambda: history.inverse(ctx.store, dataset, entry), reverts=entry)

    try:
        await run_in_threadpool(run)
    except (RevertConflict, NotFound) as exc:
        return _refused(request, str(exc), 409 if isinstance(exc, RevertConflict) else 404)
    except ValidationFailed as exc:  # the state before would now break a rule (a later change depends on it)
        return _refused(request, f"{exc} {render_text(exc.report, 'de')}", 422)
    return RedirectResponse(f"/bearbeiten/{dataset}?meldung=rueckgaengig", status_code=303)
