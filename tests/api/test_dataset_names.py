"""One dataset-name type (``api/deps.py``): every route parameter that names a dataset carries its pattern, and
a name outside it is refused with the one JSON error shape before any route code runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from integrationsgraph.api.deps import DATASET_MAX_LENGTH, DATASET_PATTERN
from integrationsgraph.api.main import create_app
from integrationsgraph.graph.core.config import Settings

NAMES = {"dataset", "datensatz"}
"""What a parameter naming a dataset is called (``/api/suche`` and ``/suche`` say ``datensatz``)."""
BAD = ["Musterstadt", "muster_stadt", "../etc", "-x", "x" * (DATASET_MAX_LENGTH + 1)]


@pytest.fixture(scope="module")
def client(app_client: Callable[..., Any]) -> Iterator[TestClient]:
    with app_client("embedded", "dataset-names", datasets=["musterstadt"]) as c:
        yield c


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every API route, those of included routers too (see ``test_write_auth.write_routes``)."""
    try:
        from fastapi.routing import iter_route_contexts  # type: ignore[attr-defined]
    except ImportError:  # older FastAPI: included routes are copied into app.routes
        return [r for r in app.routes if isinstance(r, APIRoute)]
    return [r.original_route for r in iter_route_contexts(app.routes) if isinstance(r.original_route, APIRoute)]


def parameters(dependant: Dependant) -> Iterator[Any]:
    """Path, query and body (form) parameters of a route and of its dependencies."""
    yield from (*dependant.path_params, *dependant.query_params, *dependant.body_params)
    for sub in dependant.dependencies:
        yield from parameters(sub)


def dataset_parameters(app: FastAPI) -> list[tuple[str, str, Any]]:
    return [
        (route.path, p.alias, p.field_info)
        for route in api_routes(app)
        for p in parameters(route.dependant)
        if p.alias in NAMES or p.name in NAMES
    ]


def patterns(field_info: Any) -> set[str | None]:
    return {getattr(m, "pattern", None) for m in field_info.metadata} - {None}


def test_every_parameter_naming_a_dataset_carries_the_one_pattern(tmp_path: Path) -> None:
    app = create_app(Settings(store=tmp_path / "store", datasets=[]))
    found = dataset_parameters(app)
    paths = {path for path, _, _ in found}
    assert {"/api/suche", "/suche", "/id/{dataset}/{rest:path}", "/api/import", "/maps/actors"} <= paths, paths
    wrong = [(path, name) for path, name, info in found if patterns(info) != {DATASET_PATTERN}]
    assert wrong == [], f"without the dataset pattern (use DatasetName / DatasetQuery / DatasetForm): {wrong}"
    too_long = [
        (path, name)
        for path, name, info in found
        if DATASET_MAX_LENGTH not in {getattr(m, "max_length", None) for m in info.metadata}
    ]
    assert too_long == []


@pytest.mark.parametrize("bad", BAD)
def test_the_search_refuses_a_bad_dataset_name_with_the_one_error_shape(client: TestClient, bad: str) -> None:
    r = client.get("/api/suche", params={"q": "Sprache", "datensatz": bad})
    assert r.status_code == 422
    body = r.json()
    assert body["status"] == 422 and body["error"] and body["errors"]
    assert body["errors"][0]["loc"] == ["query", "datensatz"]


def test_the_search_still_takes_a_good_dataset_name(client: TestClient) -> None:
    r = client.get("/api/suche", params={"q": "Sprache", "datensatz": "musterstadt"})
    assert r.status_code == 200 and r.json()["treffer"]
    assert {t["datensatz"] for t in r.json()["treffer"]} == {"musterstadt"}


def test_a_linked_data_page_refuses_a_bad_dataset_name(client: TestClient) -> None:
    r = client.get("/id/Muster_Stadt/handlungsfeld/hf1")
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["path", "dataset"]
