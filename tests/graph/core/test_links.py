"""graph/core/links.py: which addresses may become a link, read the way a browser reads them; and where it is used
outside the served pages (the map side panel's data, the published static site)."""

from __future__ import annotations

import jinja2
import pytest

from integrationsgraph.graph.core.links import install, safe_href
from integrationsgraph.graph.network.vis import MAP_JS, MAP_JS_URL, VisMap, render, resource_link
from integrationsgraph.graph.publish.pages import Block, Row, Value
from integrationsgraph.graph.publish.site import environment

BASE = "https://w3id.org/integrationsgraph/id/"


@pytest.mark.parametrize(
    "address",
    [
        "https://www.musterstadt.example/",
        "http://ratsinfo.musterstadt.example/oparl/organization/7",
        "HTTPS://WWW.MUSTERSTADT.EXAMPLE/",
        "mailto:integration@musterstadt.example",
        "/id/musterstadt/akteur/volkshochschule",
        "../akteur/volkshochschule.html",
        "volkshochschule.html#kurse",
        "?sort=label&order=asc",
        "#inhalt",
    ],
)
def test_safe_addresses_stay_links(address: str) -> None:
    assert safe_href(address) == address


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(document.domain)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",  # browsers drop leading spaces and control characters …
        "\x00\x1fjavascript:alert(1)",
        "java\tscript:alert(1)",  # … and tabs and line breaks anywhere
        "java\nscr\ript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "blob:https://www.musterstadt.example/1",
        "urn:uuid:6f1c2a44-0d7e-4d1b-9a51-2f1f6c1e0b7a",
        "//evil.example/",  # another host, without saying how
        "/\\evil.example/",
        "",
        None,
    ],
)
def test_other_addresses_are_text(address: str | None) -> None:
    assert safe_href(address) is None


def test_what_the_browser_would_read_is_what_is_returned() -> None:
    assert safe_href(" https://www.musterstadt.example/\n") == "https://www.musterstadt.example/"
    assert safe_href("ht\ttps://www.musterstadt.example/") == "https://www.musterstadt.example/"


def test_templates_get_the_filter_and_the_test() -> None:
    env = install(jinja2.Environment(autoescape=True))
    page = env.from_string(
        "{% for a in addresses %}{% if a is safe_link %}<a href='{{ a | safe_href }}'>x</a>{% else %}{{ a }}"
        "{% endif %};{% endfor %}"
    )
    html = page.render(addresses=["https://www.musterstadt.example/", "javascript:alert(1)"])
    assert html == "<a href='https://www.musterstadt.example/'>x</a>;javascript:alert(1);"


def test_a_map_links_a_node_only_to_a_safe_address() -> None:
    assert resource_link(BASE + "musterstadt/akteur/vhs", BASE) == "/id/musterstadt/akteur/vhs"
    assert resource_link("https://www.musterstadt.example/", BASE) == "https://www.musterstadt.example/"
    assert resource_link("javascript:alert(document.domain)", BASE) is None
    assert resource_link("javascript:alert(document.domain)", None) is None


def test_a_served_map_has_no_inline_script_and_a_standalone_map_inlines_its_script() -> None:
    m = VisMap(kind="akteure", title="Akteure – Musterstadt", subtitle="", nodes=[], edges=[], options={})
    served = render(m, assets="/maps/assets")
    assert f'<script src="{MAP_JS_URL}"></script>' in served
    assert "<script>" not in served and "onsubmit" not in served
    standalone = render(m)
    assert MAP_JS.read_text(encoding="utf-8") in standalone
    assert "<script src=" not in standalone


def test_the_published_site_links_only_safe_addresses() -> None:
    """graph/publish/site.py builds its links itself (relative paths to pages it wrote); the template checks
    again, so a value with any other address would show as text."""
    page = environment().get_template("publish_resource.html")
    values = [Value("Skriptverein", href="javascript:alert(document.domain)"), Value("VHS", href="../akteur/vhs.html")]
    html = page.render(
        title="Probe",
        iri=BASE + "musterstadt/akteur/probe",
        fictional=True,
        rdf_href="probe.ttl",
        rdf_name="probe.ttl",
        blocks=[Block("x", None, "Probe", [Row("L", "p", "javascript:alert(2)", values)])],
        incoming=[Value("Skriptverein", href="javascript:alert(3)", via="federführend")],
        more_incoming=0,
        dataset={"title": "Musterstadt", "href": "../datensaetze/musterstadt.html"},
        licences=[],
        links={"home": "index.html", "ontology": "o.html", "catalog": "c.rdf", "void": "v.ttl"},
        source="Musterstadt (fiktiv)",
        release=None,
    )
    assert "javascript:" not in html
    assert 'href="../akteur/vhs.html"' in html
    assert html.count("Skriptverein") == 2 and ">L</th>" in html
