"""integrationsgraph: a knowledge graph of municipal integration concepts.

The ``graph`` package holds everything that works on the store and the files:
loading, validating, querying, analysing and publishing. It never imports ``api``.
"""

__version__ = "0.1.0"
