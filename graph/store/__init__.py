"""Where the triples live: the store protocol, the embedded on-disk store, a SPARQL server as store (with its Graph
Store Protocol and write lease), and privacy — which triples are personal and where they are kept.
"""
