"""The README documents what exists: the settings table is generated, the quick start names real scripts."""

from __future__ import annotations

import os

from integrationsgraph.graph.core.config import settings_markdown
from tests.paths import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_settings_table_matches_the_settings_class() -> None:
    start = README.index("<!-- settings:start -->") + len("<!-- settings:start -->")
    end = README.index("<!-- settings:end -->")
    assert README[start:end].strip() == settings_markdown().strip(), (
        "regenerate with integrationsgraph.graph.core.config.settings_markdown()"
    )


def test_quick_start_scripts_exist_and_are_executable() -> None:
    for script in ("scripts/serve", "scripts/test"):
        assert f"{script} " in README
        assert os.access(REPO / script, os.X_OK)


def test_ci_runs_the_readme_test_command() -> None:
    assert "scripts/test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
