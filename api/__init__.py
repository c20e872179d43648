"""The HTTP service: FastAPI app factory, routes and error mapping. Imports ``graph``, never the reverse."""
