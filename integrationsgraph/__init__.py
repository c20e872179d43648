"""integrationsgraph: a knowledge graph of municipal integration concepts.

One import namespace, three rooms:

- :mod:`integrationsgraph.graph` (the folder ``graph/``): everything that works on the store and the files —
  loading, validating, querying, analysing, publishing. It never imports ``api`` or ``cli``.
- :mod:`integrationsgraph.api` (the folder ``api/``): the FastAPI application over ``graph``.
- :mod:`integrationsgraph.cli`: the command line; only its ``serve`` command imports the API.

The ontology, shapes, example queries, publication texts and the two shipped datasets are package data
(``integrationsgraph/ontology``, ``…/shapes``, ``…/queries``, ``…/publish``, ``…/data``), read through
:func:`importlib.resources.files`. In a checkout these names are links to the top-level folders.
"""

__version__ = "0.2.0"
