"""The house's rules beyond import-linter's layers: no module imports itself round a cycle, and the rooms of
``graph/`` are the ones docs/architecture.md names."""

from __future__ import annotations

import grimp

from tests.paths import REPO


def test_no_import_cycles() -> None:
    graph = grimp.build_graph("integrationsgraph", exclude_type_checking_imports=True)
    cycles = sorted(
        {
            tuple(sorted((a, b)))
            for a in graph.modules
            for b in graph.find_modules_directly_imported_by(a)
            if graph.chain_exists(importer=b, imported=a)
        }
    )
    assert not cycles, f"modules that import each other (directly or round a chain): {cycles}"


def test_every_room_is_documented() -> None:
    rooms = sorted(p.name for p in (REPO / "graph").iterdir() if (p / "__init__.py").is_file())
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert rooms and all(f"`{room}`" in text for room in rooms), rooms


def test_every_package_of_the_tree_is_in_the_wheel() -> None:
    """setuptools' explicit package list (pyproject.toml) names every folder with an ``__init__.py`` under graph/,
    api/ and integrationsgraph/ — a new room missing there installs without its modules (the wheel smoke test
    finds that only after the build)."""
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = set()
    for top in ("graph", "api"):
        for init in (REPO / top).rglob("__init__.py"):
            parts = init.parent.relative_to(REPO).parts
            found.add(".".join(("integrationsgraph", *parts)))
    for init in (REPO / "integrationsgraph").glob("*/__init__.py"):
        if not init.parent.is_symlink():
            found.add(f"integrationsgraph.{init.parent.name}")
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
