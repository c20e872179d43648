"""One exception → status table (``api/errors.py``): every exception class of the package has its own entry."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

from fastapi.testclient import TestClient

import integrationsgraph
from integrationsgraph.api.errors import DEFAULT_STATUS, STATUS, status_of
from integrationsgraph.api.main import create_app
from integrationsgraph.api.routes.sparql import failure
from integrationsgraph.graph.core.config import Settings
from integrationsgraph.graph.core.errors import IntegrationsgraphError, NotFound, ValidationFailed
from integrationsgraph.graph.sparql.pool import QueryBusy, QueryTimeout, WorkerFailed


def subclasses(cls: type[BaseException]) -> Iterator[type[BaseException]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def package_exceptions() -> set[type[BaseException]]:
    """Every subclass of IntegrationsgraphError that the package defines, after importing all its modules."""
    for module in pkgutil.walk_packages(integrationsgraph.__path__, "integrationsgraph."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    return {c for c in subclasses(IntegrationsgraphError) if c.__module__.startswith("integrationsgraph.")}


def unmapped(classes: set[type[BaseException]]) -> list[str]:
    return sorted(f"{c.__module__}.{c.__qualname__}" for c in classes if c not in STATUS)


def test_every_exception_class_of_the_package_is_in_the_one_table() -> None:
    classes = package_exceptions()
    assert len(classes) >= 25, classes  # the walk imported the rooms (sparql, sheets, store, resources …)
    assert unmapped(classes) == [], "add these to STATUS in api/errors.py"


def test_a_new_exception_class_without_an_entry_is_found() -> None:
    class Neu(NotFound):
        pass

    assert unmapped({Neu}) == [f"{__name__}.{Neu.__qualname__}"]
    assert status_of(Neu()) == 404  # meanwhile it answers as its nearest base does
    assert status_of(IntegrationsgraphError()) == DEFAULT_STATUS == 500


def test_sparql_takes_its_status_from_the_table_and_adds_only_headers() -> None:
    busy = failure(QueryBusy("voll"), 1.0)
    assert busy.status_code == STATUS[QueryBusy] == 503
    assert busy.headers["retry-after"] == "1" and busy.headers["access-control-allow-origin"] == "*"
    timeout = failure(QueryTimeout("langsam"), 2.0)
    assert timeout.status_code == 503 and "2 Sekunden" in timeout.body.decode()
    crashed = failure(WorkerFailed("weg"), 1.0)
    assert crashed.status_code == 500 and "access-control-allow-origin" not in crashed.headers


def test_the_app_answers_every_error_in_the_one_shape(tmp_path: Path) -> None:
    app = create_app(Settings(store=tmp_path / "store", datasets=[]))

    @app.get("/probe/{kind}")
    def probe(kind: str) -> None:
        raise {"fehlt": NotFound("Nicht da."), "unbekannt": IntegrationsgraphError("Kaputt.")}[kind]

    with TestClient(app) as client:
        missing = client.get("/probe/fehlt")
        assert missing.status_code == 404 and missing.json() == {"status": 404, "error": "Nicht da.", "errors": []}
        broken = client.get("/probe/unbekannt")
        assert broken.status_code == 500 and broken.json()["status"] == 500
    assert STATUS[ValidationFailed] == 422


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PAGES_THAT_FAIL = {
    "/felder/gibt-es-nicht": (404, "Diese Adresse gibt es nicht."),
    "/maps/actors?dataset=gibt-es-nicht": (404, "Datensatz „gibt-es-nicht“ gibt es nicht"),
    "/monitoring/gibt-es-nicht": (404, "Unbekannter Datensatz „gibt-es-nicht“"),
    "/berichte/gibt-es-nicht": (404, "Unbekannter Datensatz „gibt-es-nicht“"),
}


def test_a_browser_gets_an_error_page_and_a_program_json(tmp_path: Path) -> None:
    """Issue 17: raw JSON in the browser. The same message as a page in the site's layout with a way on; API
    clients and API paths keep the one JSON shape."""
    settings = Settings(store=tmp_path / "store", datasets=["musterstadt"])
    with TestClient(create_app(settings)) as c:
        for url, (status, message) in PAGES_THAT_FAIL.items():
            page = c.get(url, headers=BROWSER)
            assert page.status_code == status, (url, page.text[:300])
            assert page.headers["content-type"].startswith("text/html"), url
            assert message in page.text and 'href="/felder"' in page.text and "<h1>" in page.text, url
            program = c.get(url, headers={"Accept": "application/json"})
            assert program.status_code == status and program.json()["status"] == status, url
        api = c.get("/api/gibt-es-nicht/felder", headers=BROWSER)
        assert api.status_code == 404 and api.headers["content-type"] == "application/json"
        assert c.get("/felder/gibt-es-nicht").json()["error"] == "Diese Adresse gibt es nicht."
