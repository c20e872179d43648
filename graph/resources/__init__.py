"""Resources as the REST API and the pages see them: kinds, JSON, create/read/update/delete, linked-data
descriptions, search, the goal chain of a field.
"""
