"""RDF files and query results as bytes and text: parsing with its errors, serialising, terms between pyoxigraph
and rdflib.
"""
