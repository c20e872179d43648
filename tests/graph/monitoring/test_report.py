"""The Sachstandsbericht: its content on Musterstadt and Rheine, its HTML (headings, tables, the fictional marker)
and its PDF (A4, text, vector charts, nothing fetched)."""

from __future__ import annotations

import io
import re
from datetime import date
from html.parser import HTMLParser

import pypdf
import pytest

from integrationsgraph.graph.core.config import ROOT, Settings
from integrationsgraph.graph.core.errors import NotFound
from integrationsgraph.graph.monitoring.model import STATUS_DE
from integrationsgraph.graph.monitoring.report import NO_INDICATORS, SYMBOLS, Sachstand, file_name, sachstand
from integrationsgraph.graph.monitoring.report_format import day, number, parse_day, rate, with_unit
from integrationsgraph.graph.monitoring.report_pdf import PackageOnly, css_string, render_html, render_pdf
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.write.load import bootstrap
from integrationsgraph.graph.write.path import WritePath

STICHTAG = date(2025, 12, 31)
A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    settings = Settings(store=tmp_path_factory.mktemp("report") / "store")
    store = EmbeddedStore(settings.store)
    bootstrap(WritePath(store, Shapes.from_dirs(settings.shapes_dir, settings.ontology_dir)), settings)
    return store


@pytest.fixture(scope="module")
def musterstadt(store: EmbeddedStore) -> Sachstand:
    return sachstand(store, "musterstadt", STICHTAG)


@pytest.fixture(scope="module")
def rheine(store: EmbeddedStore) -> Sachstand:
    return sachstand(store, "rheine", STICHTAG)


@pytest.fixture(scope="module")
def musterstadt_pdf(musterstadt: Sachstand) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(render_pdf(musterstadt)))


class Outline(HTMLParser):
    """Headings, tables and what else the checks below need from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.th_without_scope = 0
        self.th = 0
        self.svgs = 0
        self.value_tables = 0
        self.outside: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "th":
            self.th += 1
            self.th_without_scope += "scope" not in a
        if tag == "svg":
            self.svgs += 1
        if tag == "table" and "values" in (a.get("class") or "") and (a.get("id") or "").endswith("-tabelle"):
            self.value_tables += 1
        for key in ("src", "href"):
            value = a.get(key) or ""
            if value and not value.startswith(("#", "data:", "/")):
                self.outside.append(value)


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def test_german_numbers_and_dates() -> None:
    assert with_unit(62.8, "http://qudt.org/vocab/unit/PERCENT") == "62,8 %"
    assert with_unit(1234.0, "http://qudt.org/vocab/unit/NUM") == "1.234"
    assert number(0.8734, 2) == "0,87" and number(-0.04, 1) == "0,0" and number(-1.5, 1) == "−1,5"
    assert rate(0.0123) == "+1,2 % pro Jahr" and rate(-0.02) == "−2,0 % pro Jahr"
    assert day("2025-12-31") == "31.12.2025" and day("2017-05") == "Mai 2017" and day(date(2021, 3, 18)) == "18.03.2021"
    assert parse_day("31.12.2024") == parse_day("2024-12-31") == date(2024, 12, 31)
    with pytest.raises(ValueError, match=r"TT\.MM\.JJJJ"):
        parse_day("32.1.2024")


def test_musterstadt_title_summary_and_fields(musterstadt: Sachstand) -> None:
    r = musterstadt
    assert (r.municipality, r.version, r.adopted, r.reporting_date) == (
        "Musterstadt (fiktiv)",
        "Erstfassung",
        "18.03.2021",
        "31.12.2025",
    )
    assert r.fictional and r.has_indicators
    assert [f.code for f in r.fields] == [f"HF{i}" for i in range(1, 8)]  # in the concept's order
    assert r.indicators == 23 and r.with_data == 22  # I5.1.1.2 has no values yet („in Bearbeitung“)
    controlling = sum(n for *_k, n in r.status_counts["Controlling"])
    monitoring = sum(n for *_k, n in r.status_counts["Monitoring"])
    assert (controlling, monitoring) == (20, 3)  # 20 Wirkungs-, 3 Kontextindikatoren, counted apart
    assert r.measures == 29 and sum(n for _s, n in r.measures_by_status) == 29
    assert dict(r.gap_counts)["Handlungsfeld ohne Leitziel"] == 1  # HF7
    hf6, hf7 = r.fields[5], r.fields[6]
    assert any(g["text"] == "Leitziel ohne Handlungsziel" for g in hf6.gaps) and hf7.leitziele == []


def test_indicators_carry_status_by_symbol_and_word_with_inputs_and_their_table(musterstadt: Sachstand) -> None:
    hf1 = musterstadt.fields[0]
    hz = hf1.leitziele[0].handlungsziele[0]
    v = hz.indicators[0]
    assert v.code == "I1.1.1.1" and v.kind == "Wirkungsindikator"
    assert (v.symbol, v.status_word) == (SYMBOLS[v.status], STATUS_DE[v.status])
    assert v.rows[0] == {"year": "2020", "date": "31.12.2020", "value": "52,0 %"}
    assert v.chart is not None and v.chart.startswith("<svg")
    assert dict(v.inputs)["Ziel"] == "2027: 66,0 %"
    assert re.fullmatch(r"[+−]?\d+,\d % pro Jahr", dict(v.inputs)["Beobachtete Rate"])
    assert hz.measures and all(m.status and m.lead for m in hz.measures)


def test_context_indicators_stand_apart_from_the_measure_indicators(musterstadt: Sachstand) -> None:
    in_fields = [
        v for f in musterstadt.fields for lz in f.leitziele for g in (lz, *lz.handlungsziele) for v in g.indicators
    ]
    assert in_fields and all(v.kind == "Wirkungsindikator" for v in in_fields)
    context = [v for _title, views in musterstadt.context for v in views]
    assert len(context) == 3 and all(v.kind == "Kontextindikator" for v in context)
    # the goals point to them (Monitoring) rather than repeating them
    refs = [v for f in musterstadt.fields for lz in f.leitziele for g in lz.handlungsziele for v in g.context]
    assert {v.iri for v in refs} == {v.iri for v in context}


def test_the_stichtag_leaves_out_later_values(store: EmbeddedStore) -> None:
    r = sachstand(store, "musterstadt", date(2023, 12, 31))
    v = r.fields[0].leitziele[0].handlungsziele[0].indicators[0]
    assert [row["year"] for row in v.rows] == ["2020", "2021", "2022", "2023"]
    assert r.reporting_date == "31.12.2023" and file_name("musterstadt", r.reporting_iso, "pdf").endswith(
        "-2023-12-31.pdf"
    )


def test_the_html_is_accessible_german_printable_and_marked_fictional(musterstadt: Sachstand) -> None:
    html = render_html(musterstadt)
    o = outline(html)
    assert o.lang == "de" and o.headings[0] == 1 and o.headings.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(o.headings, o.headings[1:], strict=False)), "a heading level is skipped"
    assert o.th > 50 and o.th_without_scope == 0
    assert o.svgs == 22 and o.value_tables == 22  # every chart has its table
    assert o.outside == []  # nothing from elsewhere: no stylesheet, font or script
    for f in musterstadt.fields:
        assert f"Handlungsfeld {f.title}" in html
    assert html.count("fiktives Beispiel") >= len(musterstadt.fields) + 3
    assert not [n for n in ("Mustermann", "erika.mustermann", "person/integrationsbeauftragte") if n in html]
    css = html[html.index("<style>") : html.index("</style>")]
    assert "size: A4" in css and 'counter(page) " von " counter(pages)' in css and "break-before: page" in css


def test_rheine_says_plainly_that_indicators_are_still_being_worked_out(rheine: Sachstand) -> None:
    assert not rheine.fictional and not rheine.has_indicators and rheine.indicators == 0
    assert rheine.municipality == "Stadt Rheine" and rheine.version == "2. Fortschreibung"
    assert rheine.adopted == "Mai 2017"
    assert [f.label for f in rheine.fields][:2] == ["Sprachförderung", "Kita, Schule, Bildung"]
    steering = next(a for a in rheine.actors if a["label"] == "Steuerungsgruppe")
    assert "Monitoring" in steering["tasks"]
    html = render_html(rheine)
    body = html[html.index("</style>") :]
    assert NO_INDICATORS in body and "fiktiv" not in body.casefold()
    assert "<svg" not in html  # nothing invented: no chart, no value


def test_an_unknown_dataset_is_named_in_german(store: EmbeddedStore) -> None:
    with pytest.raises(NotFound, match="Unbekannter Datensatz „nirgendwo“; es gibt: musterstadt, rheine"):
        sachstand(store, "nirgendwo")


def test_the_pdf_is_a4_with_every_heading_and_the_marker_on_every_page(
    musterstadt: Sachstand, musterstadt_pdf: pypdf.PdfReader
) -> None:
    pages = musterstadt_pdf.pages
    assert len(pages) > 10
    assert all((round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) == A4 for p in pages)
    texts = [p.extract_text() for p in pages]
    assert "Musterstadt (fiktiv): Umsetzung des" in texts[0]
    everything = re.sub(r"\s+", " ", " ".join(texts))
    for f in musterstadt.fields:
        assert f"Handlungsfeld {f.title}" in everything
    assert [i + 1 for i, t in enumerate(texts) if "fiktives beispiel" not in t.casefold()] == []
    assert f"Seite {len(pages)} von {len(pages)}" in texts[-1]
    assert "62,8 %" in everything and "31.12.2025" in everything


def test_the_pdf_charts_are_vector_graphics(musterstadt_pdf: pypdf.PdfReader) -> None:
    forms = 0
    for page in musterstadt_pdf.pages:
        assert list(page.images) == []  # no raster image anywhere
        xobjects = page["/Resources"].get("/XObject", {})
        forms += sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Form")
    assert forms >= 22  # each chart a form of vector drawing commands


def test_rheine_pdf(rheine: Sachstand) -> None:
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(rheine)))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert NO_INDICATORS in text and "fiktiv" not in text.casefold()
    assert all(f"Handlungsfeld {f.title}" in text for f in rheine.fields)


def test_nothing_is_fetched_from_outside_while_the_pdf_is_drawn() -> None:
    fetcher = PackageOnly()
    outside = (ROOT / "graph" / "templates" / ".." / ".." / ".." / "x.css").as_uri()
    for url in ("https://cdn.example/font.woff2", "http://127.0.0.1:9/x.css", "file:///etc/hostname", outside):
        with pytest.raises(ValueError, match="lädt nichts von außen"):
            fetcher.fetch(url)
    own = (ROOT / "graph" / "templates" / "report.html").as_uri()
    response = fetcher.fetch(own)  # the package's own files are fine
    try:
        assert b"Sachstandsbericht" in response.read()
    finally:
        response.close()


def test_names_cannot_break_out_of_the_css_string() -> None:
    text = css_string('Evil"; } body { display: none } </style><script>')
    assert '"' not in str(text)[1:-1] and "<" not in str(text) and ";" not in str(text)
