"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from integrationsgraph import __version__
from integrationsgraph.api import errors, security
from integrationsgraph.api.deps import AppContext
from integrationsgraph.api.routes import analysis as analysis_routes
from integrationsgraph.api.routes import api_docs, chain, compare, editing, home, linked_data, resources, search, sheets
from integrationsgraph.api.routes import history as history_routes
from integrationsgraph.api.routes import maps as maps_routes
from integrationsgraph.api.routes import monitoring as monitoring_routes
from integrationsgraph.api.routes import progress as progress_routes
from integrationsgraph.api.routes import publish as publish_routes
from integrationsgraph.api.routes import reports as report_routes
from integrationsgraph.api.routes.sparql import router as sparql_router
from integrationsgraph.graph.core.config import Settings, dataset_name
from integrationsgraph.graph.monitoring import assessments
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.graphs import dataset_graphs
from integrationsgraph.graph.store.privacy import Privacy
from integrationsgraph.graph.store.remote import connect
from integrationsgraph.graph.write import history
from integrationsgraph.graph.write.history import Door, through
from integrationsgraph.graph.write.load import bootstrap
from integrationsgraph.graph.write.path import WritePath


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings``; the store opens on start-up and closes on shutdown."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = connect(settings)  # a remote SPARQL server when store_url is set
        try:
            shapes = Shapes.from_dirs(settings.shapes_dir, settings.ontology_dir)
            derivers = [assessments.deriver(settings.base_iri)]  # the progress graphs stay current
            writer = WritePath(store, shapes, Privacy.from_settings(settings), derivers)
            with through(Door("Start des Dienstes", "Daten beim Start geladen")):
                bootstrap(writer, settings)
            writer.derive(assessments.missing(store))
            history.keep(store, [dataset_name(g) for g in dataset_graphs(store)], settings.history_keep_days)
            writer.require_actor = True  # from here on every write names its account (graph.write.rights)
            app.state.ctx = AppContext(settings=settings, store=store, shapes=shapes, writer=writer)
            yield
        finally:
            store.close()

    app = FastAPI(
        title="integrationsgraph",
        version=__version__,
        description="Kommunale Integrationskonzepte als Wissensgraph: SPARQL, REST, Netzwerkkarten, offene Daten.",
        lifespan=lifespan,
        # FastAPI's /docs and /redoc load Swagger UI and ReDoc from a CDN: ours serve them vendored (api_docs)
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=api_docs.OAUTH2_REDIRECT_URL,
    )
    errors.install(app)
    security.install(app)  # Content-Security-Policy on every response; the pages' scripts (api/static/js)
    app.include_router(home.router)
    app.include_router(api_docs.router)  # /docs, /redoc and their vendored files, offline
    app.include_router(sparql_router)  # early: routes are matched in order, /sparql is the busiest
    app.include_router(compare.router)  # before resources: /api/vergleich/… is not a dataset
    app.include_router(history_routes.router)  # /api/{dataset}/history: before resources' /api/{dataset}/{kind}
    app.include_router(resources.router)
    app.include_router(chain.router)
    app.include_router(linked_data.router)
    app.include_router(search.router)
    app.include_router(sheets.router)
    app.include_router(analysis_routes.router)
    app.include_router(progress_routes.router)
    app.include_router(monitoring_routes.router)
    app.include_router(maps_routes.router)
    app.include_router(publish_routes.router)
    app.include_router(report_routes.router)  # the Sachstandsbericht: /berichte, /berichte/{dataset}(.pdf)
    app.include_router(editing.router)  # /anmelden, /bearbeiten/{dataset}: editing in the browser
    return app


def app_from_environment() -> FastAPI:
    """The app on settings from the environment: what each worker of ``serve --workers N`` builds."""
    return create_app(Settings())
