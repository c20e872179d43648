"""Open-data publication: the DCAT-AP.de catalog, VoID, dumps and tables, static pages, releases, and the same
artefacts live.
"""
