"""POST /api/import (a workbook, with the token) and GET /api/{dataset}/diff, in-process."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from integrationsgraph.graph.sheets.workbook import graph_triples
from tests.data.sheets.make_bad import good_bytes
from tests.paths import REPO

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOKEN = {"Authorization": "Bearer test-token"}


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(request: pytest.FixtureRequest, app_client: Callable[..., Any]) -> Iterator[TestClient]:
    """The app on the embedded store and on a real Oxigraph server (no dataset loaded on start-up)."""
    with app_client(request.param, "api-sheets", write_token="test-token", datasets=[]) as c:
        yield c


def upload(
    client: TestClient,
    data: bytes,
    dataset: str = "probe",
    version: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    form = {"dataset": dataset, **({"version": version} if version else {})}
    return client.post("/api/import", files={"file": ("konzept.xlsx", data, XLSX)}, data=form, headers=headers)


def test_an_import_needs_the_token(client: TestClient) -> None:
    response = upload(client, good_bytes())
    assert response.status_code == 401
    assert response.json()["status"] == 401 and "Schreib-Token" in response.json()["error"]
    response = upload(client, good_bytes(), headers={"Authorization": "Bearer falsch"})
    assert response.status_code == 401


def test_a_workbook_is_imported_and_a_second_time_changes_nothing(client: TestClient) -> None:
    response = upload(client, good_bytes(), dataset="probe-api", headers=TOKEN)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["graph"].endswith("/graph/probe-api") and body["rows"] == 12 and body["added"] > 50
    again = upload(client, good_bytes(), dataset="probe-api", headers=TOKEN).json()
    assert (again["added"], again["removed"]) == (0, 0)
    found = client.get("/api/datasets").json()
    assert "probe-api" in {d["name"] for d in found}


def test_errors_come_back_per_cell_and_nothing_is_written(client: TestClient, workbooks: Path) -> None:
    before = client.get("/api/datasets").json()
    response = upload(client, (workbooks / "mehrere-fehler.xlsx").read_bytes(), dataset="probe-fehler", headers=TOKEN)
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == 422 and "nichts wurde geschrieben" in body["error"]
    cells = [(e["sheet"], e["row"], e["column"], e["header"], e["value"]) for e in body["errors"]]
    assert ("Messwerte", 2, "D", "Wert", "ungefähr fünfzig") in cells
    assert ("Handlungsziele", 2, "F", "Leitziel", "LZ9.9") in cells
    assert all(e["message"] for e in body["errors"])
    assert client.get("/api/datasets").json() == before


def test_too_big_and_not_a_workbook(client: TestClient, workbooks: Path) -> None:
    response = upload(client, (workbooks / "zu-gross.xlsx").read_bytes(), headers=TOKEN)
    assert response.status_code == 413 and "zu groß" in response.json()["error"]
    response = upload(client, b"Das ist keine Arbeitsmappe", headers=TOKEN)
    assert response.status_code == 422 and "keine Excel-Arbeitsmappe" in response.json()["errors"][0]["message"]


def test_versions_and_their_diff(client: TestClient) -> None:
    first = good_bytes()
    wb = load_workbook(io.BytesIO(first))
    ws = wb["Maßnahmen"]
    ws.cell(2, [c.value for c in ws[1]].index("Umsetzungsstatus") + 1).value = "ausgesetzt"
    buffer = io.BytesIO()
    wb.save(buffer)
    assert upload(client, first, dataset="probe-v", version="2020", headers=TOKEN).status_code == 200
    response = upload(client, buffer.getvalue(), dataset="probe-v", version="2025", headers=TOKEN)
    assert response.status_code == 200 and response.json()["graph"].endswith("/graph/probe-v/v/2025")
    body = client.get("/api/probe-v/diff", params={"from": "2020", "to": "2025"}).json()
    [measure] = next(c for c in body["categories"] if c["name"] == "Maßnahmen")["changed"]
    assert measure["code"] == "M1.1.1.1"
    assert measure["fields"] == [{"field": "Umsetzungsstatus", "before": "laufend", "after": "ausgesetzt"}]
    text = client.get("/api/probe-v/diff", params={"from": "2020", "to": "2025", "format": "text"})
    assert text.headers["content-type"].startswith("text/plain")
    assert "Umsetzungsstatus: „laufend“ → „ausgesetzt“" in text.text
    missing = client.get("/api/probe-v/diff", params={"from": "2020", "to": "2031"})
    assert missing.status_code == 404 and "2031" in missing.json()["error"]


def test_import_and_diff_on_a_real_server(live_server: str) -> None:
    """The same door on `integrationsgraph serve` (adds a dataset of its own, "probe-live")."""
    data = good_bytes()
    for version in ("1", "2"):
        response = httpx.post(
            f"{live_server}/api/import",
            files={"file": ("gut.xlsx", data, XLSX)},
            data={"dataset": "probe-live", "version": version},
            headers=TOKEN,
            timeout=120,
        )
        assert response.status_code == 200, response.text
    body = httpx.get(f"{live_server}/api/probe-live/diff", params={"from": "1", "to": "2"}, timeout=60).json()
    assert body["from"] == "1" and body["categories"] == []


# Bounded imports (issue 12, part 5)


def test_a_workbook_with_a_dtd_is_refused_before_it_is_opened(client: TestClient) -> None:
    src = zipfile.ZipFile(io.BytesIO(good_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/styles.xml":
                cut = data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0
                data = data[:cut] + b'<!DOCTYPE styleSheet [<!ENTITY a "Musterstadt">]>' + data[cut:]
            z.writestr(info.filename, data)
    response = upload(client, out.getvalue(), dataset="probe-dtd", headers=TOKEN)
    assert response.status_code == 422
    message = response.json()["errors"][0]["message"]
    assert "DTD" in message and "xl/styles.xml" in message
    assert "probe-dtd" not in {d["name"] for d in client.get("/api/datasets").json()}


def test_an_import_past_its_time_limit_writes_nothing(app_client: Callable[..., Any]) -> None:
    with app_client("embedded", "import-timeout", write_token="test-token", datasets=[], import_timeout=1e-6) as c:
        response = upload(c, good_bytes(), dataset="probe-zeit", headers=TOKEN)
        assert response.status_code == 503 and "Zeitlimit" in response.json()["error"]
        assert response.headers["retry-after"]
        assert c.get("/api/datasets").json() == []


def test_an_import_whose_client_hung_up_writes_nothing(client: TestClient) -> None:
    request = httpx.Request(
        "POST",
        "http://testserver/api/import",
        files={"file": ("konzept.xlsx", good_bytes(), XLSX)},
        data={"dataset": "probe-weg"},
        headers=TOKEN,
    )
    body = request.read()
    handed: list[str] = []
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if not handed:
            handed.append("body")
            return {"type": "http.request", "body": body, "more_body": False}
        handed.append("disconnect")  # the client has gone while the workbook is read
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    async def run() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/api/import",
            "raw_path": b"/api/import",
            "root_path": "",
            "query_string": b"",
            "headers": [(k.lower().encode(), v.encode()) for k, v in request.headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "state": dict(client.app_state),
        }
        await client.app(scope, receive, send)

    assert client.portal is not None
    client.portal.call(run)
    assert "disconnect" in handed
    assert next(m for m in messages if m["type"] == "http.response.start")["status"] == 400
    assert "probe-weg" not in {d["name"] for d in client.get("/api/datasets").json()}


# --- POST /api/{dataset}/indikatoren/{key}/werte: an indicator's series as tidy CSV ---------------------------


CSV = {"Content-Type": "text/csv; charset=utf-8"}


def post_values(client: TestClient, text: str | bytes, key: str = "i1-1-1-1", **headers: str) -> httpx.Response:
    body = text.encode() if isinstance(text, str) else text
    return client.post(f"/api/probe-werte/indikatoren/{key}/werte", content=body, headers={**CSV, **headers})


@pytest.fixture(scope="module")
def probe_values(client: TestClient) -> TestClient:
    response = upload(client, good_bytes(), dataset="probe-werte", headers=TOKEN)
    assert response.status_code == 200, response.text
    return client


def test_values_need_the_token_before_the_body_is_read(probe_values: TestClient) -> None:
    response = post_values(probe_values, b"Jahr,Wert\n" + b"2024,1\n" * 200_000)
    assert response.status_code == 401 and "Schreib-Token" in response.json()["error"]


def test_a_series_replaces_the_indicators_values(probe_values: TestClient) -> None:
    response = post_values(probe_values, "Jahr,Wert\n2023,50.5\n2024,52.5\n2025,53\n", **TOKEN)
    assert response.status_code == 200, response.text
    body = response.json()
    # 2024 came from the workbook, without a unit or a label: the file gives it both (changed)
    assert (body["added"], body["changed"], body["removed"], body["unchanged"]) == (2, 1, 0, 0)
    assert body["code"] == "I1.1.1.1" and "ganze Reihe" in body["text"]
    again = post_values(probe_values, "Jahr,Wert\n2025,53\n", **TOKEN).json()
    assert (again["added"], again["changed"], again["removed"], again["unchanged"]) == (0, 0, 2, 1)


def test_bad_values_are_refused_per_line_and_nothing_is_written(probe_values: TestClient) -> None:
    before = probe_values.get("/api/probe-werte/messwerte").json()
    response = post_values(probe_values, "Jahr,Region,Wert\n2024,Nord,x\n", **TOKEN)
    assert response.status_code == 422
    [e] = response.json()["errors"]
    assert (e["row"], e["header"]) == (1, "Region") and "Unbekannte Spalte" in e["message"]
    assert "nichts wurde geschrieben" in response.json()["error"]
    assert probe_values.get("/api/probe-werte/messwerte").json() == before


def test_an_unknown_indicator_is_404(probe_values: TestClient) -> None:
    response = post_values(probe_values, "Jahr,Wert\n2024,1\n", key="i9-9", **TOKEN)
    assert response.status_code == 404 and "gibt es im Datensatz" in response.json()["errors"][0]["message"]


def test_values_are_csv_and_not_too_big(probe_values: TestClient, app_client: Callable[..., Any]) -> None:
    response = post_values(probe_values, "Jahr,Wert\n2024,1\n", **{**TOKEN, "Content-Type": "application/json"})
    assert response.status_code == 415
    with app_client("embedded", "api-werte-klein", write_token="test-token", datasets=[], import_max_bytes=64) as c:
        response = c.post(
            "/api/x/indikatoren/i1/werte", content=b"Jahr,Wert\n" + b"2024,1\n" * 20, headers={**CSV, **TOKEN}
        )
        assert response.status_code == 413 and "zu groß" in response.json()["error"]


def test_the_import_reads_what_the_csv_download_writes(app_client: Callable[..., Any]) -> None:
    """Musterstadt's I2.1.1.1 (headline and Sozialräume, fiktiv): download, upload, nothing changes."""
    with app_client("embedded", "api-werte-rund", write_token="test-token") as c:
        download = c.get("/api/musterstadt/indikatoren/i2-1-1-1/werte.csv")
        assert download.status_code == 200 and download.text.startswith("Jahr,Stichtag,Einheit,Gebiet")
        lines = download.text.strip().count("\n")
        assert lines == 12 and "Südviertel" in download.text
        response = c.post(
            "/api/musterstadt/indikatoren/i2-1-1-1/werte", content=download.content, headers={**CSV, **TOKEN}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["added"], body["changed"], body["removed"], body["unchanged"]) == (0, 0, 0, lines)


def test_the_wrong_workbook_is_refused_and_a_dry_run_shows_what_would_go(client: TestClient) -> None:
    """Issue 15: Rheine's manager uploads the wrong file. Without a confirmation nothing is lost; the preview names
    what would go; only confirm=replace replaces the dataset."""
    store = client.app.state.ctx.store  # type: ignore[attr-defined]
    graph = "https://w3id.org/integrationsgraph/graph/probe-guard"
    big = (REPO / "data" / "musterstadt.xlsx").read_bytes()
    assert upload(client, big, dataset="probe-guard", headers=TOKEN).status_code == 200
    before = set(store.triples(graph))
    whole = len(graph_triples(store, graph))  # with the private companion: what the import replaces

    refused = upload(client, good_bytes(), dataset="probe-guard", headers=TOKEN)
    assert refused.status_code == 409, refused.text
    assert f"von {whole:,} Tripeln".replace(",", ".") in refused.json()["error"]
    assert "confirm=replace" in refused.json()["error"]
    assert set(store.triples(graph)) == before

    files = {"file": ("konzept.xlsx", good_bytes(), XLSX)}
    preview = client.post(
        "/api/import", params={"dry_run": "true"}, files=files, data={"dataset": "probe-guard"}, headers=TOKEN
    )
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["dry_run"] is True and body["confirm_needed"] is True
    assert body["removed"] > whole / 2
    assert body["by_kind"]["Massnahme"]["removed"] > 0
    removed = {(e["kind"], e["label"]) for e in body["entities"]["removed"]}
    assert ("Beschluss", "Ratsbeschluss über das Integrationskonzept Musterstadt") in removed  # by name, not IRI
    assert ("Datenquelle", "Kita-Statistik Musterstadt") in removed
    assert set(store.triples(graph)) == before  # a dry run writes nothing

    form = {"dataset": "probe-guard", "confirm": "replace"}
    done = client.post("/api/import", files=files, data=form, headers=TOKEN)
    assert done.status_code == 200, done.text
    assert done.json()["dry_run"] is False and "entities" not in done.json()
    assert len(set(store.triples(graph))) < len(before) / 2
    bad = client.post("/api/import", files=files, data={"dataset": "probe-guard", "confirm": "ja"}, headers=TOKEN)
    assert bad.status_code == 422


def test_the_workbook_over_http_has_personal_data_only_for_the_datasets_accounts(client: TestClient) -> None:
    """Issue 15: the export the workbook's guide asks for first, while the service runs; private data only with
    the right account, and the first sheet says which version it is."""
    from integrationsgraph.graph.write import accounts
    from integrationsgraph.graph.write.rights import Role

    store = client.app.state.ctx.store  # type: ignore[attr-defined]
    assert upload(client, (REPO / "data" / "musterstadt.xlsx").read_bytes(), "probe-mappe", headers=TOKEN).status_code
    own = accounts.add(store, "mappe-les", Role.READER, ["probe-mappe"])
    other = accounts.add(store, "andere-red", Role.EDITOR, ["probe"])

    def fetch(headers: dict[str, str] | None = None) -> tuple[httpx.Response, str]:
        r = client.get("/api/probe-mappe/workbook", headers=headers)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == XLSX
        book = load_workbook(io.BytesIO(r.content))
        text = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)
        return r, text

    for headers in (None, {"Authorization": f"Bearer {other}"}):
        public, text = fetch(headers)
        assert "Mustermann" not in text and "Öffentliche Fassung" in text
        assert "oeffentlich.xlsx" in public.headers["content-disposition"]
    for token in ("test-token", own):
        whole, text = fetch({"Authorization": f"Bearer {token}"})
        assert "Erika Mustermann" in text and "enthält personenbezogene Angaben" in text
        assert whole.headers["cache-control"] == "private, no-store"
    same = upload(client, whole.content, "probe-mappe", headers=TOKEN).json()  # the whole export imports as is
    assert (same["added"], same["removed"]) == (0, 0), same
    assert client.get("/api/gibt-es-nicht/workbook").status_code == 404
