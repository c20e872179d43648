"""The SPARQL endpoint's engine: query text analysis and the guard, the worker processes and their sandbox, updates
through the write path, example queries, the service description.
"""
