"""Editing in the browser (issue 15): login, upload, preview, confirm, undo — and the attacks on those forms."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from integrationsgraph.graph.core.config import ROOT, graph_iri
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.write import accounts
from integrationsgraph.graph.write.rights import Role
from tests.axe import axe_violations

PASSWORD = "ein langes Probepasswort"
MUSTER = graph_iri("musterstadt")


@pytest.fixture(scope="module")
def client(app_client: Callable[..., Any]) -> Iterator[TestClient]:
    with app_client("embedded", "editing", datasets=["musterstadt"]) as c:
        store = c.app.state.ctx.store  # type: ignore[attr-defined]
        accounts.add(store, "muster-red", Role.EDITOR, ["musterstadt"])
        accounts.set_password(store, "muster-red", PASSWORD)
        accounts.add(store, "rheine-red", Role.EDITOR, ["rheine"])
        accounts.set_password(store, "rheine-red", PASSWORD)
        yield c


def csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def log_in(c: TestClient, name: str = "muster-red", password: str = PASSWORD) -> httpx.Response:
    token = csrf(c.get("/anmelden"))
    return c.post("/anmelden", data={"name": name, "passwort": password, "csrf": token}, follow_redirects=False)


def test_login_sets_a_strict_http_only_session_and_a_wrong_password_says_so(client: TestClient) -> None:
    client.cookies.clear()
    wrong = log_in(client, password="falsch")
    assert wrong.status_code == 401 and "Name oder Passwort stimmt nicht" in wrong.text
    unknown = log_in(client, name="gibt-es-nicht")
    assert unknown.status_code == 401 and "Name oder Passwort stimmt nicht" in unknown.text  # the same answer
    ok = log_in(client)
    assert ok.status_code == 303 and ok.headers["location"] == "/bearbeiten"
    cookie = ok.headers["set-cookie"]
    assert "ig_sitzung=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert PASSWORD not in cookie
    page = client.get("/bearbeiten")
    assert page.status_code == 200 and 'href="/bearbeiten/musterstadt"' in page.text
    client.cookies.clear()
    assert client.get("/bearbeiten", follow_redirects=False).headers["location"] == "/anmelden"


def test_a_form_without_its_csrf_token_is_refused(client: TestClient) -> None:
    client.cookies.clear()
    log_in(client)
    for url, data in (
        ("/anmelden", {"name": "muster-red", "passwort": PASSWORD}),
        ("/abmelden", {}),
        ("/bearbeiten/musterstadt/uebernehmen", {"upload": "x"}),
        ("/bearbeiten/musterstadt/rueckgaengig/x", {}),
    ):
        r = client.post(url, data={**data, "csrf": "geraten"}, follow_redirects=False)
        assert r.status_code == 403 and "Formular ist abgelaufen" in r.text, url
    files = {"datei": ("m.xlsx", b"x")}
    r = client.post("/bearbeiten/musterstadt/vorschau", data={"csrf": "geraten"}, files=files)
    assert r.status_code == 403


def test_failed_logins_are_limited(client: TestClient) -> None:
    client.cookies.clear()
    for _ in range(5):
        assert log_in(client, name="rheine-red", password="falsch").status_code == 401
    blocked = log_in(client, name="rheine-red")  # even the right password: not checked
    assert blocked.status_code == 429 and blocked.headers["retry-after"] == "900"


def test_an_editor_of_another_dataset_cannot_edit_it_nor_confirm_anothers_upload(client: TestClient) -> None:
    client.cookies.clear()
    token = csrf(client.get("/anmelden"))
    # a fresh client address for the limiter would be nicer; rheine-red is blocked above, so log in by session
    store = client.app.state.ctx.store  # type: ignore[attr-defined]
    accounts.add(store, "zweite-red", Role.EDITOR, ["rheine"])
    accounts.set_password(store, "zweite-red", PASSWORD)
    client.post("/anmelden", data={"name": "zweite-red", "passwort": PASSWORD, "csrf": token})
    assert client.get("/bearbeiten/musterstadt").status_code == 403
    assert client.get("/bearbeiten/musterstadt/mappe.xlsx").status_code == 403
    files = {"datei": ("m.xlsx", (ROOT / "data" / "musterstadt.xlsx").read_bytes())}
    r = client.post("/bearbeiten/musterstadt/vorschau", data={"csrf": csrf(client.get("/bearbeiten"))}, files=files)
    assert r.status_code == 403


def edited_workbook(original: bytes, tmp: Path) -> Path:
    """Musterstadt's workbook with one measure renamed (what an integration manager does)."""
    book = load_workbook(io.BytesIO(original))
    ws = book["Maßnahmen"]
    headers = [c.value for c in ws[1]]
    column = next(i for i, h in enumerate(headers) if h and str(h).startswith("Bezeichnung")) + 1
    ws.cell(2, column).value = "Sprachcafé (umbenannt im Browsertest, fiktiv)"
    path = tmp / "konzept-bearbeitet.xlsx"
    book.save(path)
    return path


def test_in_chromium_log_in_upload_see_the_preview_confirm_and_undo(
    tmp_path: Path, browser: Any, start_serve: Callable[..., AbstractContextManager[Any]]
) -> None:
    store_path = tmp_path / "store"
    store = EmbeddedStore(store_path)
    accounts.add(store, "muster-red", Role.EDITOR, ["musterstadt"])
    accounts.set_password(store, "muster-red", PASSWORD)
    store.close()
    upload = edited_workbook((ROOT / "data" / "musterstadt.xlsx").read_bytes(), tmp_path)
    with start_serve({"INTEGRATIONSGRAPH_STORE": str(store_path)}, tmp_path) as served:
        base = served.base

        def labels() -> set[str]:
            q = (
                f"SELECT ?l WHERE {{ GRAPH <{MUSTER}> {{ ?m a <https://w3id.org/integrationsgraph/ontology#Massnahme> ;"
                " <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }"
            )
            r = httpx.get(f"{base}/sparql", params={"query": q}, headers={"Accept": "text/csv"}, timeout=60)
            return {line.strip('"') for line in r.text.splitlines()[1:]}

        before = labels()
        page = browser.new_page()
        try:
            page.goto(f"{base}/anmelden")
            assert axe_violations(page) == []
            page.fill("#name", "muster-red")
            page.fill("#passwort", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/bearbeiten")
            page.click("a[href='/bearbeiten/musterstadt']")
            assert axe_violations(page) == []
            page.set_input_files("#datei", str(upload))
            page.click("text=Hochladen und prüfen")
            page.wait_for_selector("text=Vorschau")
            assert "Noch ist nichts gespeichert" in page.content()
            assert "Sprachcafé (umbenannt im Browsertest, fiktiv)" in page.content()
            assert axe_violations(page) == []
            page.screenshot(path=str(tmp_path / "vorschau.png"), full_page=True)
            assert labels() == before  # the preview wrote nothing
            page.click("text=Übernehmen")
            page.wait_for_selector("text=Die Arbeitsmappe wurde übernommen.")
            after = labels()
            assert "Sprachcafé (umbenannt im Browsertest, fiktiv)" in after and after != before
            first = page.locator("tbody tr").first
            assert "muster-red" in first.inner_text() and "Browser" in first.inner_text()
            first.locator("button").click()
            page.wait_for_selector("text=Die Änderung wurde rückgängig gemacht.")
            assert labels() == before
            assert axe_violations(page) == []
            page.screenshot(path=str(tmp_path / "verlauf.png"), full_page=True)
        finally:
            page.close()
