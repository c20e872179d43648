"""The Sachstandsbericht as HTML (``graph/templates/report.html``) and as PDF (WeasyPrint).

One template for the page ``/berichte/{dataset}``, the file of ``integrationsgraph report -o x.html`` and the PDF:
print CSS (A4, running header with the "fiktives Beispiel" marker, "Seite X von Y", a page break before each
field, table headers repeated) lives in ``report_style.html``. The charts are inline SVG, which WeasyPrint draws
as vector graphics. Nothing is fetched: fonts come from the system (DejaVu from Debian, ``scripts/setup``) and
:class:`PackageOnly` refuses every address except this package's own files.
"""

from __future__ import annotations

import base64
import functools
import os
from datetime import date
from pathlib import Path
from typing import Any
from urllib.request import url2pathname

import jinja2
import pyoxigraph as ox
from markupsafe import Markup
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

from integrationsgraph.graph.core.config import ROOT, TEMPLATES, graph_iri
from integrationsgraph.graph.core.iris import PREFIXES
from integrationsgraph.graph.monitoring.assessments import assessment_graph
from integrationsgraph.graph.monitoring.model import STATUS_DE, STATUS_KEYS
from integrationsgraph.graph.monitoring.report import NO_INDICATORS, SYMBOLS, Sachstand, sachstand
from integrationsgraph.graph.monitoring.report_format import day
from integrationsgraph.graph.publish.site import ExtraFile, Extras
from integrationsgraph.graph.store.embedded import Store

MARKER = "Fiktives Beispiel – keine echte Kommune"


def css_string(text: str) -> Markup:
    """A CSS string literal for ``text``: every character outside ``[A-Za-z0-9 ]`` escaped (``\\HHHHHH`` and the
    space that ends an escape), so nothing in a dataset's names can end the string or the ``<style>`` element."""
    out = "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):06x} " for c in text)
    return Markup(f'"{out}"')


class PackageOnly(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's fetcher that fetches nothing from the network: only ``file:`` addresses inside the package
    (and ``data:``); anything else is refused, so a report never reaches out while it is rendered."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            # normpath, not resolve: ".." goes, the checkout's symbolic links into the package stay inside it
            path = Path(os.path.normpath(url2pathname(url.removeprefix("file:").split("?", 1)[0])))
            if path.is_relative_to(os.path.normpath(str(ROOT))):
                return super().fetch(url, headers)
        raise ValueError(f"Der Bericht lädt nichts von außen: {url} abgelehnt.")


def svg_data(svg: str) -> str:
    """An SVG as a ``data:`` address for ``<img>``: WeasyPrint draws it as vector graphics too, and twice as fast
    as the same SVG inline in the HTML (it does not lay it out as part of the document)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.filters["css_string"] = css_string
    env.filters["svg_data"] = svg_data
    return env


def render_html(report: Sachstand, *, back: str | None = None, pdf: str | None = None, images: bool = False) -> str:
    """The report as one self-contained HTML page (``back``/``pdf``: links for the live page; ``images``: charts as
    ``<img>`` of their SVG instead of inline SVG, for the PDF)."""
    context: dict[str, Any] = {
        "r": report,
        "images": images,
        "back": back,
        "pdf": pdf,
        "no_indicators": NO_INDICATORS,
        "legend": [(k, SYMBOLS[k], STATUS_DE[k]) for k in STATUS_KEYS],
        "today": day(date.today()),
        "header": f"Sachstandsbericht {report.municipality}",
        "marker": MARKER if report.fictional else "",
        "footer": f"Stand {report.reporting_date}" + (" · fiktives Beispiel" if report.fictional else ""),
    }
    return environment().get_template("report.html").render(context)


def render_pdf(report: Sachstand) -> bytes:
    """The report as a tagged A4 PDF (the page size comes from the print CSS)."""
    html = render_html(report, images=True)
    document = HTML(string=html, base_url=Path(TEMPLATES).as_uri() + "/", url_fetcher=PackageOnly())
    data = document.write_pdf(pdf_tags=True)
    assert isinstance(data, bytes)
    return data


def publication_files(store: Store, stichtag: date | None = None) -> Extras:
    """What ``integrationsgraph publish`` adds to each dataset: its report as ``berichte/{dataset}.html`` and
    ``.pdf``, and its stored progress assessments as ``fortschritt/{dataset}-fortschritt.ttl`` — the same verdicts
    the pages, the report and ``/sparql`` show (graph.publish cannot import this room; the command passes this
    function in)."""

    def files(dataset: str) -> list[ExtraFile]:
        report = sachstand(store, dataset, stichtag)
        de, en = f"{report.concept} – Sachstandsbericht", f"{report.concept} – progress report"
        out = [
            ExtraFile(f"berichte/{dataset}.html", "html", f"{de} (HTML)", f"{en} (HTML)", render_html(report).encode()),
            ExtraFile(f"berichte/{dataset}.pdf", "pdf", f"{de} (PDF)", f"{en} (PDF)", render_pdf(report)),
        ]
        verdicts = assessment_turtle(store, dataset)
        if verdicts:
            de, en = f"{report.concept} – Fortschrittsbewertungen", f"{report.concept} – progress assessments"
            out.append(
                ExtraFile(f"fortschritt/{dataset}-fortschritt.ttl", "ttl", f"{de} (Turtle)", f"{en} (Turtle)", verdicts)
            )
        return out

    return files


def assessment_turtle(store: Store, dataset: str) -> bytes:
    """The dataset's stored assessment graph (``…/{dataset}/fortschritt``) as Turtle, in N-Triples order; empty
    when the dataset has no indicators."""
    graph = assessment_graph(graph_iri(dataset))
    if graph not in store.graphs():
        return b""
    triples = sorted(store.triples(graph), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return data or b""
