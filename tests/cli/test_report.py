"""``integrationsgraph report`` (PDF and HTML, the reporting date, errors) and the report in ``publish``: its
files, their checksums, and their distributions in a catalog that still conforms to DCAT-AP.de."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdf
import pyshacl
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import SH

from integrationsgraph.cli.main import main
from integrationsgraph.graph.monitoring.model import STATUS_CONCEPT
from integrationsgraph.graph.publish.catalog import codelist_triples
from integrationsgraph.graph.rdf.io import rdflib_graph
from tests.paths import DCAT_AP_SHAPES

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
BASE = "https://daten.example/integration/"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-report") / "store"
    result = CliRunner().invoke(main, ["query", "--store", str(path), "ASK { ?s ?p ?o }"])
    assert result.exit_code == 0, result.output
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_report_writes_pdf_and_html(store_path: Path, tmp_path: Path) -> None:
    pdf, html = tmp_path / "sachstandsbericht.pdf", tmp_path / "sachstandsbericht.html"
    code, out = run("report", "--store", str(store_path), "--dataset", "musterstadt", "-o", str(pdf))
    assert code == 0, out
    assert "Sachstandsbericht Musterstadt (fiktiv)" in out and "7 Handlungsfelder, 23 Indikatoren" in out
    reader = pypdf.PdfReader(pdf)
    assert len(reader.pages) > 10 and "Musterstadt" in reader.pages[0].extract_text()
    args = ["report", "--store", str(store_path), "--dataset", "musterstadt", "-o", str(html)]
    code, out = run(*args, "--stichtag", "31.12.2024")
    assert code == 0, out
    text = html.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>") and "Stand 31.12.2024" in text
    assert "31.12.2025" not in text  # no value after the reporting date


def test_report_on_rheine_says_indicators_are_being_worked_out(store_path: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "rheine.html"
    code, out = run("report", "--store", str(store_path), "--dataset", "rheine", "-o", str(out_file))
    assert code == 0, out
    assert "Indikatoren werden noch erarbeitet" in out_file.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dataset", "nirgendwo", "-o", "x.pdf"], "Fehler: Unbekannter Datensatz „nirgendwo“; es gibt: musterstadt"),
        (["--dataset", "musterstadt", "-o", "x.docx"], "Bitte eine Datei mit der Endung .pdf oder .html"),
        (["--dataset", "musterstadt", "-o", "x.pdf", "--stichtag", "31.02.2025"], "ist kein Datum"),
    ],
)
def test_report_refuses_in_german_and_writes_nothing(
    store_path: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    args = [a if a not in ("x.pdf", "x.docx") else str(tmp_path / a) for a in args]
    code, out = run("report", "--store", str(store_path), *args)
    assert code == 2 and message in out
    assert list(tmp_path.iterdir()) == []


def test_publish_includes_the_reports_as_distributions_and_the_catalog_conforms(
    store_path: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    code, out = run("publish", "--store", str(store_path), str(site))
    assert code == 0, out
    for name in ("musterstadt", "rheine"):
        assert (site / "berichte" / f"{name}.pdf").read_bytes().startswith(b"%PDF-")
        assert "Sachstandsbericht" in (site / "berichte" / f"{name}.html").read_text(encoding="utf-8")
    sums = (site / "SHA256SUMS").read_text(encoding="utf-8")
    assert re.search(r"^[0-9a-f]{64}  berichte/musterstadt\.pdf$", sums, re.M)
    assert '"berichte/rheine.html"' in (site / "release.json").read_text(encoding="utf-8")
    catalog = rdflib.Graph().parse(site / "catalog.ttl", format="turtle", publicID=BASE)
    reports = {
        str(catalog.value(d, DCAT.downloadURL)): (
            str(catalog.value(d, DCT["format"])),
            str(catalog.value(d, DCAT.mediaType)),
        )
        for d in catalog.subjects(rdflib.RDF.type, DCAT.Distribution)
        if "/berichte/" in str(catalog.value(d, DCAT.downloadURL))
    }
    eu, iana = (
        "http://publications.europa.eu/resource/authority/file-type/",
        "http://www.iana.org/assignments/media-types/",
    )
    assert reports[f"{BASE}berichte/musterstadt.pdf"] == (f"{eu}PDF", f"{iana}application/pdf")
    assert reports[f"{BASE}berichte/rheine.html"] == (f"{eu}HTML", f"{iana}text/html")
    assert len(reports) == 4
    # the stored verdicts are published too, and they are the ones `progress` gives
    verdicts = rdflib.Graph().parse(site / "fortschritt" / "musterstadt-fortschritt.ttl", format="turtle")
    kio = rdflib.Namespace("https://w3id.org/integrationsgraph/ontology#")
    published = {
        str(verdicts.value(a, kio.bewerteterIndikator)): str(verdicts.value(a, kio.fortschrittsstatus))
        for a in verdicts.subjects(rdflib.RDF.type, kio.Fortschrittsbewertung)
    }  # fmt: skip
    code, out = run("progress", "--store", str(store_path), "--dataset", "musterstadt", "--format", "json")
    assert (
        code == 0
        and published == {a["indicator"]: str(kio[STATUS_CONCEPT[a["status"]]]) for a in json.loads(out)}
        and len(published) > 10
    )
    assert f"{BASE}fortschritt/musterstadt-fortschritt.ttl" in {str(o) for o in catalog.objects(None, DCAT.downloadURL)}
    assert not (site / "fortschritt" / "rheine-fortschritt.ttl").exists()  # no indicators, no verdicts
    titles = {str(t) for d in catalog.subjects(DCAT.downloadURL, rdflib.URIRef(f"{BASE}berichte/musterstadt.pdf"))
              for t in catalog.objects(d, DCT.title) if t.language == "de"}  # fmt: skip
    assert titles == {"Integrationskonzept Musterstadt (fiktiv) – Sachstandsbericht (PDF)"}
    shapes = rdflib.Graph()
    for path in DCAT_AP_SHAPES:
        shapes.parse(path, format="turtle")
    data = catalog + rdflib_graph(codelist_triples())
    _ok, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    assert isinstance(report, rdflib.Graph)
    violations = [r for r in report.subjects(SH.resultSeverity, SH.Violation)]
    assert violations == [], _text
    void = rdflib.Graph().parse(site / "void.ttl", format="turtle", publicID=BASE)
    assert not [o for o in void.objects(None, VOID.dataDump) if "/berichte/" in str(o)]  # a report is no RDF dump
    page = (site / "datensaetze" / "musterstadt.html").read_text(encoding="utf-8")
    assert "../berichte/musterstadt.pdf" in page
