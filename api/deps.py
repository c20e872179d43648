"""Dependencies the routes declare: the application context, the store, the write path, the settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from graph.config import Settings
from graph.store import Store
from graph.validate import Shapes
from graph.write import WritePath


@dataclass
class AppContext:
    """What the app holds while it runs: nothing a second process would need (the store holds the state)."""

    settings: Settings
    store: Store
    shapes: Shapes
    writer: WritePath


def get_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


ContextDep = Annotated[AppContext, Depends(get_context)]


def get_store(ctx: ContextDep) -> Store:
    return ctx.store


def get_settings(ctx: ContextDep) -> Settings:
    return ctx.settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
