"""Schemathesis against our own OpenAPI document, in-process on the ASGI app (a bounded number of examples).

Every operation gets generated requests (with the write token, on a temporary store holding Rheine and
Musterstadt); none may answer 5xx, and every answer must match the documented status codes, content types
and response schemas.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from integrationsgraph.api.main import create_app
from integrationsgraph.graph.core.config import Settings

TOKEN = "test-token"
STORE = Path(__import__("tempfile").mkdtemp(prefix="schemathesis-")) / "store"
APP: FastAPI = create_app(Settings(store=STORE, write_token=TOKEN))


class SharedLifespan:
    """The app without its lifespan: the fixture below runs it once, not once per generated request."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        await self.app(scope, receive, send)


schema = schemathesis.openapi.from_asgi("/openapi.json", SharedLifespan(APP)).include(
    tag_regex="^(Ressourcen|Zielkette|Linked Data|Suche)$"  # ours; the other routers test their own
)
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture(scope="module", autouse=True)
def running_app() -> Iterator[None]:
    """Run the app's lifespan (open the store, load the datasets) around all generated requests."""
    with TestClient(APP):
        yield


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)
