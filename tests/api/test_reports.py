"""``/berichte``: the list, the printable page, the PDF download, the reporting date, errors — in-process, and the
page in headless chromium (chart drawn, table present, nothing from elsewhere, no CSP violation, axe-core clean)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pypdf
import pytest
from fastapi.testclient import TestClient

from tests.axe import axe_violations

CSP_LISTENER = """document.addEventListener('securitypolicyviolation', (e) => {
    (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI); });"""


@pytest.fixture(scope="module")
def client(app_client: Callable[..., Any]) -> Iterator[TestClient]:
    """The app on the embedded store with Rheine and Musterstadt (the report reads the same store either way)."""
    with app_client("embedded", "reports") as c:
        yield c


def test_the_list_links_every_report(client: TestClient) -> None:
    r = client.get("/berichte")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for name in ("musterstadt", "rheine"):
        assert f'href="/berichte/{name}"' in r.text and f'href="/berichte/{name}.pdf"' in r.text
    assert "fiktives Beispiel" in r.text


def test_the_report_page_is_html_with_the_csp(client: TestClient) -> None:
    r = client.get("/berichte/musterstadt", params={"stichtag": "31.12.2024"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "Berichtsstichtag</dt><dd>31.12.2024" in r.text and "Handlungsfeld HF1 Sprache" in r.text
    assert 'href="/berichte/musterstadt.pdf?stichtag=2024-12-31"' in r.text
    assert "Indikatoren werden noch erarbeitet" in client.get("/berichte/rheine").text


def test_the_pdf_is_a_download_with_a_german_file_name(client: TestClient) -> None:
    r = client.get("/berichte/rheine.pdf", params={"stichtag": "2025-12-31"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'attachment; filename="sachstandsbericht-rheine-2025-12-31.pdf"'
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(r.content)).pages)
    assert "Indikatoren werden noch erarbeitet" in re.sub(r"\s+", " ", text)


def test_a_write_makes_a_new_pdf_not_the_cached_one(app_client: Callable[..., Any]) -> None:
    """The PDFs are cached by the store's revision: after a write the next download shows it."""

    def pdf_text(c: TestClient) -> str:
        r = c.get("/berichte/rheine.pdf", params={"stichtag": "2025-12-31"})
        assert r.status_code == 200
        return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(r.content)).pages))

    with app_client("embedded", "reports-write", write_token="t") as c:
        assert "Testfeld Berichtscache" not in pdf_text(c)
        assert pdf_text(c) == pdf_text(c)  # unchanged store: the same PDF, from the cache
        body = {"label": {"de": "Testfeld Berichtscache"}, "code": "TEST-HF9", "fiktiv": True}
        created = c.post("/api/rheine/felder", json=body, headers={"Authorization": "Bearer t"})
        assert created.status_code == 201, created.text
        assert "Testfeld Berichtscache" in pdf_text(c)


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/berichte/nirgendwo", 404, "Unbekannter Datensatz „nirgendwo“"),
        ("/berichte/nirgendwo.pdf", 404, "Unbekannter Datensatz „nirgendwo“"),
        ("/berichte/musterstadt?stichtag=31.13.2025", 422, "ist kein Datum"),
        ("/berichte/Muster_Stadt", 422, ""),
    ],
)
def test_errors_are_json_and_german(client: TestClient, path: str, status: int, words: str) -> None:
    r = client.get(path)
    assert r.status_code == status and r.headers["content-type"].startswith("application/json")
    assert words in r.json()["error"]


def test_the_live_catalog_lists_the_reports(client: TestClient) -> None:
    r = client.get("/catalog.ttl")
    assert r.status_code == 200
    assert "berichte/musterstadt.pdf>" in r.text and "file-type/PDF>" in r.text and "file-type/HTML>" in r.text
    assert "Sachstandsbericht (PDF)" in r.text


def test_the_report_page_in_chromium(live_server: str, browser: Any, artifacts: Path) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    host = urlsplit(live_server).hostname
    requests: list[str] = []
    problems: list[str] = []

    def route(r: Any) -> None:
        requests.append(r.request.url)
        r.continue_() if urlsplit(r.request.url).hostname == host else r.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.add_init_script(CSP_LISTENER)
    try:
        response = page.goto(f"{live_server}/berichte/musterstadt", timeout=120_000)
        assert response is not None and response.status == 200
        chart = page.locator("#indikator-i1-1-1-1 figure.chart svg")
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 150  # the chart is drawn
        assert page.locator("#indikator-i1-1-1-1 figure.chart svg path").count() > 5
        table = page.locator("#indikator-i1-1-1-1-tabelle")
        assert table.locator("tbody tr").count() >= 5 and "52,0 %" in (table.text_content() or "")
        assert page.evaluate("() => window.__csp || []") == [] and problems == []
        assert requests and all(urlsplit(u).hostname == host for u in requests), requests
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts / "bericht-musterstadt.png"), full_page=False)
        page.emulate_media(media="print")
        assert page.locator("nav.nav").is_hidden()  # the navigation is not printed
        page.screenshot(path=str(artifacts / "bericht-musterstadt-druck.png"), full_page=True)
    finally:
        page.close()
