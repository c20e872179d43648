"""The README is the short front door: at most 12 KB, the quick start names real scripts that CI runs, and it maps
every page of ``docs/`` (the settings table lives in ``docs/betrieb.md``, checked by ``tests/test_docs.py``)."""

from __future__ import annotations

import os
import re

from tests.paths import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
MAX_BYTES = 12 * 1024


def test_the_readme_is_at_most_12_kb() -> None:
    size = len(README.encode("utf-8"))
    assert size <= MAX_BYTES, f"README.md is {size} bytes; move manual sections into docs/ (at most {MAX_BYTES})"


def test_quick_start_scripts_exist_and_are_executable() -> None:
    quick_start = README[README.index("## Quick start") :].split("\n## ", 1)[0]
    for script in ("scripts/serve", "scripts/test"):
        assert f"{script} " in quick_start
        assert os.access(REPO / script, os.X_OK)


def test_ci_runs_the_readme_test_command() -> None:
    assert "scripts/test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_maps_every_page_of_docs() -> None:
    linked = set(re.findall(r"\]\((docs/[^)#\s]+)", README))
    pages = {f"docs/{p.name}" for p in (REPO / "docs").glob("*.md")}
    assert pages, "docs/ has no pages"
    assert pages <= linked, f"not in the README's map of docs/: {sorted(pages - linked)}"


def test_the_settings_table_is_not_in_the_readme_any_more() -> None:
    """It moved to the operator guide; two copies would drift."""
    assert "<!-- settings:start -->" not in README
