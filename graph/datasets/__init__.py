"""Datasets as wholes: what the store holds, versions and their diff, municipalities compared, fictional towns
generated.
"""
