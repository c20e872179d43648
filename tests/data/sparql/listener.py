"""A loopback HTTP server that plays "another host": it counts every connection and answers as a SPARQL
endpoint (results with the literal ``fremd``) and as a file server (Turtle, for paths with ``d.ttl``) would,
so a request that got through shows in the result or in the store."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

RESULTS = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"fremd"}}]}}'
TURTLE = b'<http://example.org/fremd> <http://example.org/p> "von fremdem Server" .\n'


class Listener:
    """A loopback HTTP server that counts connections and answers like an endpoint and a file server."""

    def __init__(self) -> None:
        self.connections = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def setup(self) -> None:
                outer.connections += 1
                super().setup()

            def _answer(self) -> None:
                sparql = "d.ttl" not in self.path
                body = RESULTS if sparql else TURTLE
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json" if sparql else "text/turtle")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
