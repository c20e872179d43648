"""Validation: the shapes, pyshacl, the shapes compiled to SPARQL for whole datasets, and the report for people."""
