"""The monitoring pages: an indicator's page and its CSV, the status at a glance on a field's page, the
municipality overview — in-process on both backends, and in headless chromium against the real server (chart
drawn under the strict policy, nothing from another host, no axe-core violation)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.iris import KIO, SKOS
from tests.api.test_maps import CSP_LISTENER
from tests.axe import axe_violations

ID = "https://w3id.org/integrationsgraph/id/musterstadt/"
G = ox.NamedNode(graph_iri("musterstadt"))
HTML = {"accept": "text/html"}
B1 = "/id/musterstadt/indikator/i1-1-1-1"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _t(s: str, p: str, o: ox.NamedNode | ox.Literal) -> ox.Triple:
    return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o)


def _extra() -> list[ox.Triple]:
    """Test data added to Musterstadt: breakdowns (one area label a spreadsheet would run), a status set by
    hand, and a running measure whose end date has passed."""
    area, mw, sex = ID + "sozialraum/probe-formel", ID + "messwert/probe-gebiet", ID + "messwert/probe-weiblich"
    ind = ox.NamedNode(ID + "indikator/i1-1-2-1")
    date = ox.Literal("2025-12-31", datatype=ox.NamedNode(XSD + "date"))
    return [
        _t(area, SKOS + "prefLabel", ox.Literal('=HYPERLINK("http://example.org";"x")', language="de")),
        _t(mw, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(KIO + "Messwert")),
        _t(mw, KIO + "indikator", ind),
        _t(mw, KIO + "stichtag", date),
        _t(mw, KIO + "wert", ox.Literal("48.5", datatype=ox.NamedNode(XSD + "decimal"))),
        _t(mw, "http://purl.org/linked-data/sdmx/2009/dimension#refArea", ox.NamedNode(area)),
        _t(sex, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(KIO + "Messwert")),
        _t(sex, KIO + "indikator", ind),
        _t(sex, KIO + "stichtag", date),
        _t(sex, KIO + "wert", ox.Literal("51.25", datatype=ox.NamedNode(XSD + "decimal"))),
        _t(sex, KIO + "geschlecht", ox.Literal("weiblich")),
        _t(ID + "indikator/i1-2-1-1", KIO + "manuellerFortschrittsstatus", ox.NamedNode(KIO + "nichtBewertbar")),
        _t(
            ID + "indikator/i1-2-1-1",
            KIO + "begruendungFortschrittsstatus",
            ox.Literal("Erhebung 2024 methodisch geändert", language="de"),
        ),
        _t(ID + "massnahme/m1-1-1-1", KIO + "ende", ox.Literal("2022-06-30", datatype=ox.NamedNode(XSD + "date"))),
    ]


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(request: pytest.FixtureRequest, app_client: Callable[..., Any]) -> Iterator[TestClient]:
    """Rheine and Musterstadt as shipped, plus :func:`_extra` (straight into the store: derived data is not
    at stake here, the pages read the values live)."""
    with app_client(request.param, "monitoring") as c:
        c.app.state.ctx.store.apply(G.value, add=_extra())  # type: ignore[attr-defined]
        yield c


def test_indicator_page_shows_status_inputs_chart_and_table(client: TestClient) -> None:
    r = client.get(B1, headers=HTML)
    assert r.status_code == 200
    html = r.text
    assert 'data-status="substantial_progress"' in html and "Fortschritt: <strong>Auf Kurs</strong>" in html
    assert "Berichtsstatus: <strong>Daten verfügbar</strong>" in html
    for label in ("Basis", "Aktueller Wert", "Ziel", "Beobachtete Rate", "Erforderliche Rate"):
        assert f"<dt>{label}</dt>" in html
    assert "<dd>2025: 62,8 %</dd>" in html and "<dd>2027: 66,0 %</dd>" in html and "% pro Jahr" in html
    table = html.split('<table class="values" id="werte">')[1].split("</table>")[0]
    assert '<th scope="row">2025</th><td>31.12.2025</td><td class="num">62,8 %</td>' in table
    assert table.count("<tr>") == 7  # header and 2020–2025
    assert "Wirkungsindikator – Controlling" in html and "höher ist besser" in html and "jährlich" in html
    assert "Kursstatistik der Volkshochschule Musterstadt" in html
    assert 'href="/id/musterstadt/handlungsziel/hz1-1-1"' in html  # the goal it measures
    assert 'href="/api/musterstadt/indikatoren/i1-1-1-1/werte.csv"' in html
    assert "fiktives Beispiel" in html
    svg = html.split('<div class="chart-view" id="chart-headline">')[1].split("</svg>")[0]
    assert svg.startswith("<svg") and "<script" not in svg and "Ziel 2027: 66,0 %" in svg
    assert '<script type="application/json" id="chart-headline-data">' in html
    assert '<script src="/static/vendor/vega/vega-interpreter.js"></script>' in html
    assert not re.search(r"<script>(?!</script>)", html)  # no inline script
    # the raw RDF stays reachable, the generic facts below
    assert 'href="/id/musterstadt/indikator/i1-1-1-1.ttl"' in html and "Alle Angaben" in html
    assert client.get(B1 + ".ttl").headers["content-type"].startswith("text/turtle")


def test_breakdowns_and_a_status_set_by_hand(client: TestClient) -> None:
    html = client.get("/id/musterstadt/indikator/i1-1-2-1", headers=HTML).text
    assert "<caption>Werte nach Gebiet</caption>" in html and "<caption>Werte nach Geschlecht</caption>" in html
    assert "<td>weiblich</td><td>2025</td><td>31.12.2025</td>" in html and "51,2 %" in html
    html = client.get("/id/musterstadt/indikator/i1-2-1-1", headers=HTML).text
    assert "Nicht bewertbar</strong> (von Hand gesetzt)" in html
    assert "Erhebung 2024 methodisch geändert" in html


def test_csv_is_tidy_and_round_trips(client: TestClient) -> None:
    r = client.get("/api/musterstadt/indikatoren/i1-1-2-1/werte.csv")
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="musterstadt-i1-1-2-1-werte.csv"' in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"))))
    assert rows[0] == ["Jahr", "Stichtag", "Einheit", "Gebiet", "Geschlecht", "Altersgruppe", "Wert"]
    headline = [row for row in rows[1:] if not any(row[3:6])]
    assert [row[0] for row in headline] == [str(y) for y in range(2020, 2026)]
    assert all(re.fullmatch(r"31\.12\.20\d\d", row[1]) and row[2] == "PERCENT" for row in headline)
    split = {tuple(row[3:6]): row for row in rows[1:] if any(row[3:6])}
    assert split[("", "weiblich", "")][6] == "51.25"
    # a label a spreadsheet would run as a formula is neutralised, a number is not
    assert split[('\'=HYPERLINK("http://example.org";"x")', "", "")][6] == "48.5"
    values = [float(row[6]) for row in headline]
    page = client.get("/id/musterstadt/indikator/i1-1-2-1", headers=HTML).text
    shown = re.findall(r'<th scope="row">(\d{4})</th><td>[^<]+</td><td class="num">([^<]+)</td>', page)
    assert [float(v.removesuffix(" %").replace(",", ".")) for _y, v in shown] == values


def test_field_page_shows_status_at_a_glance_and_delivery(client: TestClient) -> None:
    html = client.get("/id/musterstadt/handlungsfeld/sprache", headers=HTML).text
    assert html.count('class="glance st-') >= 5
    assert '<span aria-hidden="true">↑</span> Auf Kurs' in html
    assert "<strong>62,8 % (2025)</strong> — Ziel: 66,0 % bis 2027" in html  # German, not 62.8 … 66
    assert "Daten verfügbar" in html
    assert 'data-delivery="laufend"' in html and 'data-delivery="abgeschlossen"' in html
    assert 'data-delivery="verzoegert"' in html  # laufend, but its end (30.06.2022) has passed
    assert "bis 30.06.2022" in html and "„verzögert“: das geplante Ende" in html
    assert "€ je Jahr" in html and "bewilligt" in html  # resources
    html = client.get("/id/musterstadt/handlungsfeld/arbeit", headers=HTML).text
    assert 'data-delivery="ausgesetzt"' in html


def test_overview_of_musterstadt(client: TestClient) -> None:
    r = client.get("/monitoring/musterstadt")
    assert r.status_code == 200
    html = r.text
    assert "Monitoring – Musterstadt (fiktiv)" in html and "fiktives Beispiel" in html
    assert 'href="/berichte/musterstadt"' in html
    row = html.split('<tr data-field="HF1">')[1].split("</tr>")[0]
    assert '<td class="num">5 von 5</td>' in row and 'href="/id/musterstadt/handlungsfeld/sprache"' in row
    assert "verzögert: 1" in row
    assert 'href="/id/musterstadt/indikator/i1-1-1-1"' in html
    assert html.count("<tr data-field=") == 7


def test_overview_of_rheine_says_indicators_are_still_being_worked_out(client: TestClient) -> None:
    html = client.get("/monitoring/rheine").text
    main = html.split("<main>")[1].split("</main>")[0]
    assert "Indikatoren werden noch erarbeitet" in main
    assert 'class="fiktiv"' not in main and "fiktives Beispiel" not in main  # Rheine is real
    assert html.count("<tr data-field=") == 8 and "Sprachförderung" in html
    field = client.get("/id/rheine/handlungsfeld/sprachfoerderung", headers=HTML).text
    assert "Indikatoren werden noch erarbeitet" in field
    listing = client.get("/monitoring").text
    assert 'href="/monitoring/rheine"' in listing and 'href="/monitoring/musterstadt"' in listing


def test_bad_dataset_or_indicator(client: TestClient) -> None:
    r = client.get("/monitoring/nirgendwo")
    assert r.status_code == 404 and "Unbekannter Datensatz „nirgendwo“" in r.json()["error"]
    assert client.get("/monitoring/Nicht_so").status_code == 422
    r = client.get("/api/musterstadt/indikatoren/i9-9/werte.csv")
    assert r.status_code == 404 and "keinen Indikator „i9-9“" in r.json()["error"]
    assert client.get("/api/nirgendwo/indikatoren/i1-1-1-1/werte.csv").status_code == 404
    assert client.get("/api/musterstadt/indikatoren/..%2F/werte.csv").status_code in (404, 422)
    assert client.get("/api/musterstadt/indikatoren/-x/werte.csv").status_code == 422
    assert client.get("/id/musterstadt/indikator/i9-9", headers=HTML).status_code == 404
    assert client.get("/static/vendor/vega/LICENSE-vega").status_code == 404  # only the scripts


def test_vendored_vega_is_served(client: TestClient) -> None:
    r = client.get("/static/vendor/vega/vega-interpreter.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert "window.vegaInterpreter" in r.text and not re.search(r"^\s*(import|export)\b", r.text, re.M)
    assert client.get("/static/js/chart.js").status_code == 200


# --- in the browser -------------------------------------------------------------------------------------------


def open_page(browser: Any, url: str, shot: Path, charts: bool = False) -> tuple[Any, dict[str, Any]]:
    """Open a served page with every request recorded (any to another host blocked) and what the
    Content-Security-Policy blocked; with ``charts``, wait until chart.js has finished."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    host = urlsplit(url).hostname
    seen: dict[str, Any] = {"requests": [], "problems": []}

    def route(r: Any) -> None:
        seen["requests"].append(r.request.url)
        if urlsplit(r.request.url).hostname == host:
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: seen["problems"].append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen["problems"].append(str(exc)))
    page.add_init_script(CSP_LISTENER)
    response = page.goto(url)
    seen["csp"] = response.headers.get("content-security-policy") if response else None
    if charts:
        page.wait_for_function("() => window.integrationsgraphCharts && window.integrationsgraphCharts.ready")
        seen["charts"] = page.evaluate("() => window.integrationsgraphCharts")
    seen["violations"] = page.evaluate("() => window.__csp || []")
    page.screenshot(path=str(shot), full_page=True)
    return page, seen


def test_indicator_page_in_chromium(live_server: str, browser: Any, artifacts: Path) -> None:
    page, seen = open_page(browser, f"{live_server}{B1}", artifacts / "monitoring-indicator.png", charts=True)
    try:
        assert seen["charts"] == {"ready": True, "rendered": 1, "errors": []}
        assert seen["violations"] == [] and seen["problems"] == []
        assert "script-src 'self'" in (seen["csp"] or "") and "unsafe-eval" not in (seen["csp"] or "")
        assert all(urlsplit(u).hostname == "127.0.0.1" for u in seen["requests"]), seen["requests"]
        assert any(u.endswith("/static/vendor/vega/vega-interpreter.js") for u in seen["requests"])
        # the interactive view replaced the static SVG, with a mark per value; the table stays
        assert page.locator("figure[data-interactive=true] .chart-interactive svg").count() == 1
        assert page.locator(".chart-interactive svg path[aria-roledescription], .chart-interactive svg path").count()
        assert page.locator("#chart-headline").is_hidden()
        assert page.locator("#werte tbody tr").count() == 6
        # a tooltip on a point, German
        point = page.locator('.chart-interactive svg [aria-label^="Jahr: 2025"]').first
        point.hover()
        page.wait_for_selector("#vg-tooltip-element.visible")
        assert "62,8" in (page.text_content("#vg-tooltip-element") or "")
        page.screenshot(path=str(artifacts / "monitoring-indicator-tooltip.png"))
        assert axe_violations(page) == []
    finally:
        page.close()


def test_indicator_page_without_script_keeps_the_svg(browser: Any, live_server: str, artifacts: Path) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server}{B1}")
        assert page.locator("#chart-headline svg").is_visible()
        assert page.locator("#werte tbody tr").count() == 6
        page.screenshot(path=str(artifacts / "monitoring-indicator-noscript.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize(
    ("path", "shot"),
    [
        ("/id/musterstadt/handlungsfeld/sprache", "monitoring-field-musterstadt.png"),
        ("/monitoring/musterstadt", "monitoring-overview-musterstadt.png"),
        ("/monitoring/rheine", "monitoring-overview-rheine.png"),
        ("/monitoring", "monitoring-index.png"),
    ],
)
def test_pages_are_accessible_in_chromium(
    live_server: str, browser: Any, artifacts: Path, path: str, shot: str
) -> None:
    assert httpx.get(f"{live_server}{path}", headers=HTML, timeout=60).status_code == 200
    page, seen = open_page(browser, f"{live_server}{path}", artifacts / shot)
    try:
        assert seen["violations"] == [] and seen["problems"] == []
        assert all(urlsplit(u).hostname == "127.0.0.1" for u in seen["requests"])
        assert axe_violations(page) == []
    finally:
        page.close()


def test_csv_export_imports_back_unchanged(app_client: Callable[..., Any]) -> None:
    """The export is the import's format: posting it back changes nothing, exporting again gives the same bytes."""
    with app_client("embedded", "monitoring-csv", write_token="test-token") as c:
        url = "/api/musterstadt/indikatoren/i1-1-1-1/werte"
        before = c.get(url + ".csv").content
        r = c.post(url, content=before, headers={"content-type": "text/csv", "authorization": "Bearer test-token"})
        assert r.status_code == 200, r.text
        assert c.get(url + ".csv").content == before


def test_pages_follow_every_write(client: TestClient) -> None:
    """The indicator and field pages are cached per store revision: a new value shows at once."""
    path = "/id/musterstadt/indikator/i2-1-1-1"
    field = "/id/musterstadt/handlungsfeld/bildung"
    before, field_before = client.get(path, headers=HTML).text, client.get(field, headers=HTML).text
    assert '<th scope="row">2019</th>' not in before
    mw = ID + "messwert/probe-2019"
    client.app.state.ctx.store.apply(  # type: ignore[attr-defined]
        G.value,
        add=[
            _t(mw, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(KIO + "Messwert")),
            _t(mw, KIO + "indikator", ox.NamedNode(ID + "indikator/i2-1-1-1")),
            _t(mw, KIO + "stichtag", ox.Literal("2019-12-31", datatype=ox.NamedNode(XSD + "date"))),
            _t(mw, KIO + "wert", ox.Literal("11.5", datatype=ox.NamedNode(XSD + "decimal"))),
            _t(ID + "massnahme/m2-1-1-1", KIO + "ende", ox.Literal("2021-01-31", datatype=ox.NamedNode(XSD + "date"))),
        ],
    )
    after = client.get(path, headers=HTML).text
    assert '<th scope="row">2019</th><td>31.12.2019</td>' in after
    assert field_before.count('data-delivery="verzoegert"') + 1 == client.get(field, headers=HTML).text.count(
        'data-delivery="verzoegert"'
    )
