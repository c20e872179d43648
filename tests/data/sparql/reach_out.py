"""Queries and updates that try to make the server call another host; ``{url}`` stands for the target.

Fill in with ``text.replace("{url}", …)``. Every one must be refused (400/403) and make no connection,
whatever the backend. ``HARMLESS`` only mention the words where they do no harm, and must still run.
"""

from __future__ import annotations

U = "{url}"
QUERIES: list[str] = [
    f"SELECT * {{ SERVICE <{U}s> {{ ?s ?p ?o }} }}",
    f"select * {{ service <{U}s> {{ ?s ?p ?o }} }}",
    f"SELECT * {{ SeRvIcE <{U}s> {{ ?s ?p ?o }} }}",
    f"SELECT * {{ SERVICE SILENT <{U}s> {{ ?s ?p ?o }} }}",
    f"SELECT * {{ BIND(<http://x/\\u0041#> AS ?z) SERVICE <{U}s> {{ ?s ?p ?o }} }}",
    f"SELECT * {{ BIND(<http://x/\\U00000041#> AS ?z) SERVICE SILENT <{U}s> {{ ?s ?p ?o }} }}",
    f"SELECT * {{ SERV\\u0049CE <{U}s> {{ ?s ?p ?o }} }}",
    f"SELECT * {{ SERVICE <{U}\\u0073> {{ ?s ?p ?o }} }}",
    f"PREFIX e: <{U}> SELECT * {{ SERVICE e:s {{ ?s ?p ?o }} }}",
    f"PREFIX e: <{U}> SELECT * {{ SERVICE SILENT e:s\\-x {{ ?s ?p ?o }} }}",
    f"BASE <{U}> SELECT * {{ SERVICE <s> {{ ?s ?p ?o }} }}",
    f"SELECT * {{ VALUES ?u {{ <{U}s> }} SERVICE ?u {{ ?s ?p ?o }} }}",
    f"SELECT * {{ VALUES ?u {{ <{U}s> }} SERVICE SILENT ?u {{ ?s ?p ?o }} }}",
    f"SELECT * {{ {{ SELECT * {{ SERVICE <{U}s> {{ ?s ?p ?o }} }} }} }}",
    f"SELECT * {{ OPTIONAL {{ SERVICE SILENT <{U}s> {{ ?s ?p ?o }} }} }}",
    f"SELECT * {{ {{ BIND(1 AS ?x) }} UNION {{ SERVICE <{U}s> {{ ?s ?p ?o }} }} }}",
    f"SELECT * {{ BIND(1 AS ?x) MINUS {{ SERVICE SILENT <{U}s> {{ ?s ?p ?o }} }} }}",
    f"SELECT * {{ BIND(1 AS ?x) FILTER EXISTS {{ SERVICE SILENT <{U}s> {{ ?s ?p ?o }} }} }}",
    f"SELECT * {{ GRAPH ?g {{ ?a ?b ?c }} SERVICE <{U}s> {{ ?s ?p ?o }} }}",
    f"SELECT * {{ # a comment\n SERVICE <{U}s> {{ ?s ?p ?o }} }}",
    f"SELECT * {{ #x\rSERVICE <{U}s> {{ ?s ?p ?o }} }}",
    f"ASK {{ SERVICE <{U}s> {{ ?s ?p ?o }} }}",
    f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{U}s> {{ ?s ?p ?o }} }}",
    f"DESCRIBE ?s WHERE {{ SERVICE SILENT <{U}s> {{ ?s ?p ?o }} }}",
    f'SELECT * {{ BIND("\\u0022" AS ?x) SERVICE <{U}s> {{ ?s ?p ?o }} }}',
    f"SELECT * {{ BIND('''a''' AS ?x) SERVICE <{U}s> {{ ?s ?p ?o }} }}",
    f"SELECT*{{SERVICE<{U}s>{{?s ?p ?o}}}}",
    f"SELECT * {{\n\tSERVICE\n\t<{U}s>\n\t{{ ?s ?p ?o }} }}",
    f"SELECT * {{ ?a ?b ?c FILTER(?a<?b) SERVICE SILENT <{U}s> {{ ?s ?p ?o }} }}",
    f"SELECT * {{ SERVICE <{U}s#x> {{ ?s ?p ?o }} }}",
    f"SELECT * {{ BIND(<http://x/\\u0041#> AS ?z) {{ SELECT * {{ SERVICE SILENT <{U}s> {{ ?s ?p ?o }} }} }} }}",
    f"PREFIX e: <http://x/\\u0041#> SELECT * {{ SERVICE <{U}s> {{ ?s ?p ?o }} }}",
]
UPDATES: list[str] = [
    f"LOAD <{U}d.ttl>",
    f"LOAD SILENT <{U}d.ttl>",
    f"LOAD <{U}d.ttl> INTO GRAPH <https://w3id.org/integrationsgraph/graph/fremd>",
    f"load silent <{U}d.ttl> into graph <https://w3id.org/integrationsgraph/graph/fremd>",
    f"BASE <{U}> LOAD <d.ttl>",
    f"PREFIX e: <{U}> LOAD e:d.ttl",
    f"INSERT DATA {{ <http://x/\\u0041#> <http://x/p> 'o' }} ; LOAD <{U}d.ttl>",
    f"INSERT {{ GRAPH <https://w3id.org/integrationsgraph/graph/fremd> {{ <http://x/\\u0041#> <http://x/p> ?o }} }} "
    f"WHERE {{ SERVICE <{U}s> {{ ?s ?p ?o }} }}",
    f"INSERT {{ GRAPH <https://w3id.org/integrationsgraph/graph/fremd> {{ ?s ?p ?o }} }} "
    f"WHERE {{ VALUES ?u {{ <{U}s> }} SERVICE SILENT ?u {{ ?s ?p ?o }} }}",
    f"# LOAD nothing\nLOAD <{U}d.ttl>",
    f"LO\\u0041D <{U}d.ttl>",
]
HARMLESS: list[str] = [
    'SELECT ("SERVICE LOAD" AS ?x) {}',
    "SELECT ?service ?load WHERE { BIND(1 AS ?service) BIND(2 AS ?load) }",
    "PREFIX ex: <http://example.org/> SELECT * { BIND(ex:SERVICE AS ?x) BIND(ex:LOAD AS ?y) }",
    "SELECT * { BIND(<http://example.org/SERVICE#LOAD> AS ?x) }",
    "SELECT * { BIND('''it says\nSERVICE''' AS ?x) }",
]
