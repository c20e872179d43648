"""Landing page, dataset list and health check (in-process)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from integrationsgraph.api.main import create_app
from integrationsgraph.graph.core.config import Settings


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(store=tmp_path_factory.mktemp("api") / "store")
    with TestClient(create_app(settings)) as c:
        yield c


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["graphs"] >= 4


def test_datasets_are_listed_with_counts(client: TestClient) -> None:
    body = {d["name"]: d for d in client.get("/api/datasets").json()}
    assert set(body) == {"rheine", "musterstadt"}
    assert body["rheine"]["counts"]["Handlungsfelder"] == 8
    assert body["rheine"]["fictional"] is False
    assert body["musterstadt"]["fictional"] is True
    assert body["musterstadt"]["counts"]["Maßnahmen"] > 0
    assert body["musterstadt"]["triples"] > body["rheine"]["triples"] // 2


def test_landing_page_lists_datasets_and_marks_the_fictional_one(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert 'data-dataset="rheine"' in html and 'data-dataset="musterstadt"' in html
    assert "fiktives Beispiel" in html
    assert "Datenlizenz Deutschland" in html


def test_unknown_path_uses_the_one_error_shape(client: TestClient) -> None:
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404
    assert response.json() == {"status": 404, "error": "Diese Adresse gibt es nicht.", "errors": []}


def test_favicon_is_answered_without_an_error(client: TestClient) -> None:
    assert client.get("/favicon.ico").status_code == 204
