"""Where the checkout's own files are (tests, README, scripts): not package data, so not under
:data:`integrationsgraph.graph.core.config.ROOT`, which is the installed package's folder."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
"""The checkout: tests/, README.md, scripts/, .ci/ — and, beside it, nothing the tests may rely on."""
