"""The documentation names what exists: every CLI command, every setting, every route; the settings table is
generated; and no page cites a file outside the repository or a path in it that is not there.

Each check is a function that returns what is missing, and a test feeds it something missing, so none of them
can pass by looking at nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from fastapi.routing import iter_route_contexts

from integrationsgraph.api.main import create_app
from integrationsgraph.cli.main import main
from integrationsgraph.graph.core.config import Settings, settings_markdown
from tests.paths import REPO

DOCS = REPO / "docs"
PAGES = sorted(DOCS.glob("*.md"))
README = REPO / "README.md"
OPERATOR_GUIDE = DOCS / "betrieb.md"
API_GUIDE = DOCS / "sparql-und-api.md"
OUTSIDE = ("../shared", "/work/shared", "PERFORMANCE.md", "DESIGN.md", "DOMAIN.md", "STYLE.md")
"""Files that are not in the repository: a reader of the checkout cannot follow such a citation."""


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def documents() -> list[Path]:
    return [README, *PAGES]


def all_text() -> str:
    return "\n".join(read(p) for p in documents())


# --- CLI commands ---------------------------------------------------------------------------------------------


def command_names(group: click.Group, prefix: str = "") -> Iterator[str]:
    """``serve``, ``validate``, … and, for a group, ``group sub`` for each of its subcommands."""
    for name, command in sorted(group.commands.items()):
        yield prefix + name
        if isinstance(command, click.Group):
            yield from command_names(command, f"{prefix}{name} ")


def undocumented_commands(names: Iterable[str], text: str) -> list[str]:
    """The commands no page names as ``integrationsgraph <command>``."""
    return [n for n in names if not re.search(rf"integrationsgraph {re.escape(n)}(?![\w-])", text)]


def test_every_cli_command_is_documented() -> None:
    names = list(command_names(main))
    assert {"serve", "validate", "import", "publish"} <= set(names), names
    assert undocumented_commands(names, all_text()) == []


def test_the_command_check_sees_a_missing_command() -> None:
    text = "integrationsgraph serve and integrationsgraph imports"
    assert undocumented_commands(["serve", "import", "map actors"], text) == ["import", "map actors"]


# --- settings -------------------------------------------------------------------------------------------------


def setting_names() -> list[str]:
    prefix = Settings.model_config.get("env_prefix", "")
    return [f"{prefix}{name}".upper() for name in Settings.model_fields]


def settings_block(text: str) -> str:
    start = text.index("<!-- settings:start -->") + len("<!-- settings:start -->")
    return text[start : text.index("<!-- settings:end -->")]


def undocumented_settings(names: Iterable[str], text: str) -> list[str]:
    return [n for n in names if f"`{n}`" not in text]


def test_every_setting_is_in_the_operator_guide() -> None:
    names = setting_names()
    assert "INTEGRATIONSGRAPH_SANDBOX" in names and "INTEGRATIONSGRAPH_WRITE_TOKEN" in names
    assert undocumented_settings(names, settings_block(read(OPERATOR_GUIDE))) == []


def test_the_settings_table_matches_the_settings_class() -> None:
    assert settings_block(read(OPERATOR_GUIDE)).strip() == settings_markdown().strip(), (
        "regenerate the table in docs/betrieb.md with integrationsgraph.graph.core.config.settings_markdown()"
    )


def test_the_settings_check_sees_a_missing_setting() -> None:
    assert undocumented_settings(
        ["INTEGRATIONSGRAPH_STORE", "INTEGRATIONSGRAPH_STORE_URL"], "`INTEGRATIONSGRAPH_STORE`"
    ) == ["INTEGRATIONSGRAPH_STORE_URL"]


# --- routes ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The app's route table; the store folder is a temporary one (the lifespan does not run, nothing is opened)."""
    return create_app(Settings(store=tmp_path_factory.mktemp("docs") / "store"))


def route_paths(app: Any) -> list[str]:
    """Every path of the app, included routers walked (FastAPI 0.165 keeps them as entries)."""
    return sorted({str(r.path) for r in iter_route_contexts(app.routes)})


def framework_pages(app: Any) -> set[str]:
    """FastAPI's own OpenAPI document: the only route the API guide need not list (the docs pages are ours)."""
    return {p for p in (app.docs_url, app.redoc_url, app.openapi_url) if p}


def undocumented_routes(paths: Iterable[str], text: str) -> list[str]:
    """The paths the text does not name in backticks (``/api/analysis`` is not found inside ``/api/analysis/gaps``)."""
    return [p for p in paths if f"`{p}`" not in text]


def test_every_route_is_in_the_api_guide(app: Any) -> None:
    paths = route_paths(app)
    assert {"/sparql", "/store", "/maps/actors/table", "/id/{dataset}/{rest:path}", "/api/import"} <= set(paths)
    exceptions = framework_pages(app)
    assert exceptions <= set(paths), "an exception that is no route any more"
    assert undocumented_routes([p for p in paths if p not in exceptions], read(API_GUIDE)) == []


def test_the_route_check_sees_a_missing_route() -> None:
    text = "`/api/analysis/gaps` and `/sparql`"
    assert undocumented_routes(["/sparql", "/api/analysis", "/api/analysis/gaps"], text) == ["/api/analysis"]


# --- citations ------------------------------------------------------------------------------------------------


def outside_citations(text: str) -> list[str]:
    return [name for name in OUTSIDE if name in text]


def test_no_page_cites_a_file_outside_the_repository() -> None:
    found = {str(p.relative_to(REPO)): outside_citations(read(p)) for p in documents()}
    assert {page: names for page, names in found.items() if names} == {}


def test_the_citation_check_sees_an_outside_file() -> None:
    assert outside_citations("see ../shared/external/ and PERFORMANCE.md") == ["../shared", "PERFORMANCE.md"]


CITED_PATH = re.compile(r"`((?:graph|api|integrationsgraph|tests|scripts|benchmarks|docs|queries|publish)/[^`\s]*)`")


def expand(path: str) -> list[str]:
    """``tests/api/test_{maps,sheets}.py`` → both paths (one group of alternatives)."""
    m = re.search(r"\{([^{}]*,[^{}]*)\}", path)
    if not m:
        return [path]
    return [path[: m.start()] + alt + path[m.end() :] for alt in m.group(1).split(",")]


def missing_paths(text: str) -> list[str]:
    """Paths in backticks (``graph/store/privacy.py``) that are not in the checkout; other patterns are skipped."""
    cited = {p.rstrip("/") for m in CITED_PATH.findall(text) for p in expand(m) if not re.search(r"[{}*…|<>]", p)}
    return sorted(p for p in cited if not (REPO / p).exists())


def test_every_cited_path_exists() -> None:
    found = {str(p.relative_to(REPO)): missing_paths(read(p)) for p in documents()}
    assert {page: paths for page, paths in found.items() if paths} == {}


def test_the_path_check_sees_a_moved_module() -> None:
    assert missing_paths("`graph/store/privacy.py` and `graph/privacy.py`") == ["graph/privacy.py"]
    assert missing_paths("`tests/graph/write/test_{load,gone}.py`") == ["tests/graph/write/test_gone.py"]


def missing_links(page: Path) -> list[str]:
    """Relative Markdown links of ``page`` whose target is not a file of the repository."""
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", read(page))
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    return [t for t in local if not (page.parent / t).resolve().is_relative_to(REPO) or not (page.parent / t).exists()]


def anchors(page: Path) -> set[str]:
    """The anchors a Markdown page offers: its headings as GitHub spells them, and ``<a id="…">``."""
    text = read(page)
    headings = re.findall(r"^#+ (.+)$", text, re.M)
    slugs = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}
    return slugs | set(re.findall(r'<a id="([^"]+)"', text))


def broken_anchors(page: Path) -> list[str]:
    """Links ``file.md#anchor`` or ``#anchor`` from ``page`` whose anchor the target page does not have."""
    broken = []
    for target, anchor in re.findall(r"\]\(([^)#\s]*)#([^)\s]+)\)", read(page)):
        if re.match(r"[a-z]+:", target):
            continue
        linked = (page.parent / target) if target else page
        if linked.suffix == ".md" and linked.exists() and anchor not in anchors(linked):
            broken.append(f"{target}#{anchor}")
    return broken


def test_every_anchor_link_finds_its_heading() -> None:
    found = {str(p.relative_to(REPO)): broken_anchors(p) for p in documents()}
    assert {page: links for page, links in found.items() if links} == {}


def test_the_anchor_check_sees_a_missing_heading(tmp_path: Path) -> None:
    probe = tmp_path / "probe.md"
    probe.write_text("## Open data: a catalog\n[a](#open-data-a-catalog) [b](#gone)", encoding="utf-8")
    assert broken_anchors(probe) == ["#gone"]


def test_every_relative_link_points_into_the_repository() -> None:
    found = {str(p.relative_to(REPO)): missing_links(p) for p in documents()}
    assert {page: links for page, links in found.items() if links} == {}


def test_the_link_check_sees_a_link_out_of_the_repository(tmp_path: Path) -> None:
    page = REPO / "docs" / "model.md"
    assert missing_links(page) == []
    probe = tmp_path / "probe.md"
    probe.write_text("[a](../../elsewhere.md) [b](https://example.org/x.md)", encoding="utf-8")
    assert missing_links(probe) == ["../../elsewhere.md"]
