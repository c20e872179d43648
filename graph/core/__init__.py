"""The ground floor: settings, exceptions, labels, the small shared rules (links, spreadsheet cells, a cache).
Imports nothing of ours.
"""
