"""Which addresses may become a link: ``http``, ``https``, ``mailto`` and paths on our own site, nothing else.

Data decides many ``href``s (``foaf:homepage``, an actor's own IRI, a source's address). An IRI such as
``javascript:alert(1)`` or ``data:text/html,…`` is a valid IRI, and as a link it runs script in the reader's
browser. :func:`safe_href` is the one place that decides; pages show any other address as text. It reads the
address the way a browser does (WHATWG URL: surrounding control characters and spaces dropped, tabs and line
breaks removed anywhere), so ``" java\\tscript:…"`` is caught too.
"""

from __future__ import annotations

import re

import jinja2

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
"""Schemes that may be linked (compared in lower case, as browsers do)."""

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_EDGES = "".join(chr(c) for c in range(0x21))  # C0 controls and space, stripped at both ends by browsers
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def safe_href(address: str | None) -> str | None:
    """``address`` as a browser will read it if it is safe as an ``href``, else ``None`` (show it as text).

    Safe: an absolute ``http:``, ``https:`` or ``mailto:`` address, or a path on this site (``/id/…``,
    ``../x.html``, ``?sort=…``, ``#anchor``). Not safe: every other scheme (``javascript:``, ``data:``,
    ``vbscript:``, ``file:`` …) and ``//host``, which leaves the site without saying how.

    >>> safe_href("https://www.musterstadt.example/")
    'https://www.musterstadt.example/'
    >>> safe_href("/id/musterstadt/akteur/vhs")
    '/id/musterstadt/akteur/vhs'
    >>> safe_href("javascript:alert(document.domain)") is None
    True
    >>> safe_href(" JaVa\\tScRiPt:alert(1)") is None
    True
    """
    if not address:
        return None
    text = _TAB_OR_NEWLINE.sub("", address.strip(_EDGES))
    scheme = _SCHEME.match(text)
    if scheme is not None:
        return text if scheme.group(1).lower() in SAFE_SCHEMES else None
    if text[:2].replace("\\", "/") == "//":
        return None  # protocol-relative: another host, not one of our paths
    return text


def install(env: jinja2.Environment) -> jinja2.Environment:
    """Make :func:`safe_href` available to templates as the filter ``safe_href`` and the test ``safe_link``."""
    env.filters["safe_href"] = safe_href
    env.tests["safe_link"] = lambda address: safe_href(address) is not None
    return env
