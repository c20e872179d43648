"""Reading an OParl 1.1 server: one host only, a request budget, timeouts, retries with back-off, lists paged by
``links.next`` with loops and foreign hosts refused.

Everything that goes wrong raises :class:`OParlError` with a German message for the person at the command line;
the importer writes nothing then (the whole run is one change).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from integrationsgraph.graph.core.errors import IntegrationsgraphError

SCHEMA = "https://schema.oparl.org/1.1/"
"""The OParl 1.1 namespace: every object's ``type`` is this plus the object type (``…/1.1/Paper``)."""
DEFAULT_BUDGET = 500
RETRIES = 3
"""How often a request is tried again after a timeout, a broken connection or a 5xx answer."""
MAX_BYTES = 20_000_000
"""The largest answer read (20 MB); a list page of 100 papers is a few hundred kilobytes."""


class OParlError(IntegrationsgraphError):
    """The OParl server could not be read as OParl 1.1 (or not within the budget); nothing was written."""


def origin(url: str) -> tuple[str, str]:
    """``("https", "ratsinfo.example:443")``: what two URLs must share to be on the same server."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme.lower(), f"{(parts.hostname or '').lower()}:{port}"


def with_params(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added to (or replacing those in) its query."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


@dataclass(frozen=True)
class Answer:
    """One HTTP answer as far as it was read."""

    status: int
    location: str | None
    content: bytes


@dataclass
class Client:
    """GETs OParl objects and lists from the server of ``start`` and nowhere else, at most ``budget`` requests."""

    start: str
    budget: int = DEFAULT_BUDGET
    timeout: float = 10.0
    backoff: float = 0.5
    """Seconds before the first retry; doubled for each further one."""
    sleep: Callable[[float], None] = time.sleep
    transport: httpx.BaseTransport | None = None
    max_bytes: int = MAX_BYTES
    requests: int = 0
    """How many requests were sent so far (retries included)."""
    _http: httpx.Client | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if urlsplit(self.start).scheme not in ("http", "https"):
            raise OParlError(f"„{self.start}“ ist keine Webadresse (http:// oder https://).")
        self._origin = origin(self.start)

    def __enter__(self) -> Client:
        self._http = httpx.Client(
            timeout=self.timeout,
            follow_redirects=False,  # a redirect could lead to another host; it is refused below instead
            headers={"Accept": "application/json", "User-Agent": "integrationsgraph-oparl"},
            transport=self.transport,
        )
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._http is not None:
            self._http.close()

    def _send(self, url: str) -> Answer:
        assert self._http is not None, "use the client in a with block"
        for attempt in range(RETRIES + 1):
            if self.requests >= self.budget:
                raise OParlError(
                    f"Abbruch: das Anfragebudget von {self.budget} Anfragen ist aufgebraucht (zuletzt {url}). "
                    "Es wurde nichts geschrieben. Mit --max-requests mehr erlauben oder mit --since nur Neues holen."
                )
            self.requests += 1
            try:
                response = self._fetch(url)
            except httpx.TimeoutException:
                problem = "keine Antwort in der Zeit"
            except httpx.TransportError as exc:
                problem = f"Verbindungsfehler ({exc.__class__.__name__})"
            else:
                if response.status < 500:
                    return response
                problem = f"Serverfehler {response.status}"
            if attempt < RETRIES:
                self.sleep(self.backoff * 2**attempt)
        raise OParlError(
            f"Der OParl-Server antwortet nicht richtig: {problem} bei {url} (nach {RETRIES + 1} Versuchen). "
            "Es wurde nichts geschrieben."
        )

    def _fetch(self, url: str) -> Answer:
        """GET ``url``, reading at most :attr:`max_bytes` of its answer."""
        assert self._http is not None
        with self._http.stream("GET", url) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    raise OParlError(
                        f"Abbruch: die Antwort von {url} ist größer als {self.max_bytes:_} Bytes; so große "
                        "Antworten liest der Import nicht. Es wurde nichts geschrieben."
                    )
            return Answer(response.status_code, response.headers.get("location"), bytes(body))

    def get(self, url: str) -> dict[str, Any]:
        """The JSON object at ``url``; refused if it is on another server, missing, or not a JSON object."""
        if origin(url) != self._origin:
            raise OParlError(
                f"Abbruch: {url} liegt auf einem anderen Server als {self.start}. Der Import liest nur den "
                "angegebenen Server. Es wurde nichts geschrieben."
            )
        response = self._send(url)
        if 300 <= response.status < 400:
            raise OParlError(
                f"{url} leitet weiter nach „{response.location or '?'}“. Weiterleitungen werden nicht "
                "verfolgt (sie könnten zu einem anderen Server führen): bitte die Zieladresse selbst angeben. "
                "Es wurde nichts geschrieben."
            )
        if response.status != 200:
            raise OParlError(
                f"Der OParl-Server meldet {response.status} für {url}: das Objekt oder die Listenseite fehlt. "
                "Es wurde nichts geschrieben."
            )
        try:
            data = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise OParlError(
                f"{url} liefert kein JSON: das ist kein OParl-Server (OParl 1.1 antwortet mit JSON-Objekten). "
                "Es wurde nichts geschrieben."
            ) from None
        if not isinstance(data, dict):
            raise OParlError(f"{url} liefert kein JSON-Objekt, wie OParl 1.1 es verlangt. Es wurde nichts geschrieben.")
        return data

    def get_object(self, url: str, kind: str) -> dict[str, Any]:
        """The OParl object of type ``kind`` (``System``, ``Body``, …) at ``url``."""
        return expect_type(self.get(url), kind, url)

    def pages(self, url: str, params: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """The objects of an external list, page after page along ``links.next`` (loops refused)."""
        seen: set[str] = set()
        page_url: str | None = with_params(url, params) if params else url
        while page_url is not None:
            if page_url in seen:
                raise OParlError(
                    f"Abbruch: die Liste {url} führt mit links.next im Kreis (die Seite {page_url} kam schon einmal). "
                    "Es wurde nichts geschrieben."
                )
            seen.add(page_url)
            page = self.get(page_url)
            data = page.get("data")
            if not isinstance(data, list):
                raise OParlError(
                    f"{page_url} ist keine OParl-Liste: es fehlt „data“ (OParl 1.1: "
                    '{"data": [...], "pagination": {...}, "links": {...}}). Es wurde nichts geschrieben.'
                )
            for item in data:
                if isinstance(item, dict):
                    yield item
            links = page.get("links")
            nxt = links.get("next") if isinstance(links, dict) else None
            page_url = nxt if isinstance(nxt, str) and nxt else None


def expect_type(obj: dict[str, Any], kind: str, url: str) -> dict[str, Any]:
    """``obj`` if its ``type`` is OParl 1.1's ``kind``; else a clear refusal (an OParl 1.0 server says so)."""
    found = obj.get("type")
    if found == SCHEMA + kind:
        return obj
    if isinstance(found, str) and found.endswith("/" + kind) and "oparl" in found:
        raise OParlError(
            f"{url} ist ein OParl-Objekt einer anderen Version ({found}); gelesen wird OParl 1.1 ({SCHEMA}{kind}). "
            "Es wurde nichts geschrieben."
        )
    shown = f"„{found}“" if isinstance(found, str) else "keinen Typ"
    raise OParlError(
        f"{url} ist kein OParl-1.1-Objekt vom Typ {kind}: es hat {shown}, erwartet war „{SCHEMA}{kind}“. "
        "Ist das die Adresse eines OParl-Systems? Es wurde nichts geschrieben."
    )


def text_of(obj: dict[str, Any], key: str) -> str | None:
    """A non-empty string attribute of an OParl object (URLs included), else None."""
    value = obj.get(key)
    return value if isinstance(value, str) and value else None
