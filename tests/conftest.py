"""Shared fixtures: real ontology and shapes, a store per test, settings that never touch os.environ."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.config import ROOT, Settings
from graph.store import EmbeddedStore
from graph.validate import Shapes
from graph.write import WritePath

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def shapes() -> Shapes:
    return Shapes.from_dirs(ROOT / "shapes", ROOT / "ontology")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(store=tmp_path / "store", write_token="test-token")


@pytest.fixture
def store() -> EmbeddedStore:
    return EmbeddedStore(None)


@pytest.fixture
def writer(store: EmbeddedStore, shapes: Shapes) -> WritePath:
    return WritePath(store, shapes)
