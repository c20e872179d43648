"""Who may write what: accounts with a role and their datasets, and the one check every write passes.

Three roles (``integrationsgraph user add NAME --role …``):

========  =======================================  ==============================================
role      writes                                   reads private data (persons' contacts)
========  =======================================  ==============================================
admin     every graph but the system graphs        of every dataset
editor    the graphs of its datasets               of its datasets
reader    nothing                                  of its datasets
========  =======================================  ==============================================

Everyone else reads the public data. A graph belongs to the dataset whose name is its first segment below
``…/graph/`` (``…/graph/rheine``, ``…/graph/rheine/privat``, ``…/graph/rheine/v/2025`` are ``rheine``'s);
graphs outside ``…/graph/`` (``http://example.org/…``) belong to no dataset: only an administrator writes them.

The server authenticates a request once (``api.deps``) and says who acts with :func:`acting` / :data:`ACTOR` for
the rest of the request; :meth:`graph.write.path.WritePath.transact` calls :func:`authorize` on the graphs of
every change, so no door can forget it. A write path built with ``require_actor`` (the server's) refuses a write
that nobody is named for: the check fails closed. The command line acts as the machine's owner (no actor).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum

from integrationsgraph.graph.core.config import GRAPH_BASE, ONTOLOGY_GRAPH, SHAPES_GRAPH, SYSTEM_GRAPH
from integrationsgraph.graph.core.errors import Forbidden

SYSTEM_NAMES = frozenset({"ontology", "shapes", "system", "verlauf"})
"""Names below ``…/graph/`` that are no dataset (and may not be given to an account)."""


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    READER = "reader"


ROLE_WORDS = {Role.ADMIN: "Verwaltung", Role.EDITOR: "Bearbeitung", Role.READER: "Lesen"}


@dataclass(frozen=True)
class Account:
    """An account as the rights see it (its token's hash is the registry's business)."""

    name: str
    role: Role
    datasets: frozenset[str] = field(default_factory=frozenset)

    def may_write(self, graph: str) -> bool:
        if graph in (SYSTEM_GRAPH, ONTOLOGY_GRAPH, SHAPES_GRAPH) or is_history(graph):
            return False
        if self.role is Role.ADMIN:
            return True
        return self.role is Role.EDITOR and dataset_of(graph) in self.datasets

    def may_read_private(self, dataset: str) -> bool:
        return self.role is Role.ADMIN or dataset in self.datasets

    def private_datasets(self) -> bool | frozenset[str]:
        """Whose private data this account reads: True for all, else the datasets' names."""
        return True if self.role is Role.ADMIN else self.datasets


ACTOR: ContextVar[Account | None] = ContextVar("integrationsgraph_actor", default=None)
"""Who the current request acts as (set once the request is authenticated; None on the command line)."""


@contextmanager
def acting(account: Account | None) -> Iterator[None]:
    """Run the block as ``account``."""
    token = ACTOR.set(account)
    try:
        yield
    finally:
        ACTOR.reset(token)


class RightsRefused(Forbidden):
    """The account may not write (a graph of) this dataset; nothing was written (HTTP 403)."""


class NobodyActs(Forbidden):
    """A write in the server that no authenticated account was named for: refused (fail closed)."""


def dataset_of(graph: str) -> str | None:
    """The dataset a graph belongs to (``…/graph/rheine/privat`` → ``rheine``); None outside ``…/graph/``."""
    if not graph.startswith(GRAPH_BASE):
        return None
    name = graph[len(GRAPH_BASE) :].split("/", 1)[0]
    return None if not name or name in SYSTEM_NAMES else name


def is_history(graph: str) -> bool:
    """A history graph (``…/graph/{dataset}/verlauf/privat``, :mod:`graph.write.history`): only the write path
    itself adds to it, with each commit."""
    return graph.startswith(GRAPH_BASE) and graph.endswith("/verlauf/privat")


def refusal(account: Account, graph: str) -> RightsRefused:
    """The German message for ``account`` not being allowed to write ``graph``."""
    if is_history(graph):
        return RightsRefused(
            f"Der Verlauf {graph} lässt sich über keinen Zugang ändern; er wird mit jeder Änderung geschrieben."
        )
    if graph == SYSTEM_GRAPH:
        return RightsRefused(f"Der Verwaltungsgraph {graph} lässt sich über keinen Zugang ändern.")
    if graph in (ONTOLOGY_GRAPH, SHAPES_GRAPH):
        return RightsRefused(
            f"Der Graph {graph} (Ontologie bzw. Regeln) lässt sich hier nicht ändern: er kommt aus den Dateien in "
            "ontology/ und shapes/ und wird beim Start geladen."
        )
    if account.role is Role.READER:
        return RightsRefused(f"Das Konto „{account.name}“ darf nur lesen; nichts wurde geschrieben.")
    dataset = dataset_of(graph)
    where = f"den Datensatz „{dataset}“" if dataset else f"den Graphen {graph}"
    own = ", ".join(f"„{d}“" for d in sorted(account.datasets)) or "keinen"
    return RightsRefused(
        f"Das Konto „{account.name}“ darf {where} nicht ändern (es bearbeitet {own}); nichts wurde geschrieben."
    )


def authorize(graphs: Iterable[str], *, require_actor: bool = False) -> None:
    """Raise unless the current actor may write every one of ``graphs`` (:class:`RightsRefused`), or — with
    ``require_actor`` — when nobody acts (:class:`NobodyActs`). The system graph is written by no door at all."""
    account = ACTOR.get()
    for graph in graphs:
        if account is None:
            if require_actor:
                raise NobodyActs("Schreiben braucht ein angemeldetes Konto; nichts wurde geschrieben.")
            if graph == SYSTEM_GRAPH or is_history(graph):
                raise refusal(Account("Kommandozeile", Role.ADMIN), graph)
            continue
        if not account.may_write(graph):
            raise refusal(account, graph)
