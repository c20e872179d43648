"""Open-data publication: a static folder any web server can host (``integrationsgraph publish OUT_DIR``).

What it writes (paths below OUT_DIR)::

    index.html                    landing page: datasets, downloads, licence, source
    catalog.rdf, catalog.ttl      the DCAT-AP.de 3.0 catalog (catalog-2.rdf … when paged)
    void.ttl, .well-known/void    the VoID description
    ontology/index.html           the ontology's documentation; ontology.ttl the ontology itself
    dumps/{dataset|alle}.{ttl,nt.gz,jsonld,rdf,trig}
    tabellen/{dataset}/{table}.csv  main classes as tables for spreadsheets
    berichte/{dataset}.{html,pdf} the Sachstandsbericht, when the caller passes ``extras`` (the CLI does)
    datensaetze/{dataset}.html    one page per dataset
    id/{dataset}/{kind}/{slug}.html and .ttl   one page and one RDF file per resource
    release.json, SHA256SUMS      the release: version, dates, previous version, checksums

Every publish is a dated release. Only public data is published: the public graphs, with
:func:`graph.store.privacy.public_view` applied once more. Everything is written to a fresh folder beside
OUT_DIR first and then swapped in, so a failed publish leaves the last release in place.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from integrationsgraph.graph.core.config import Settings
from integrationsgraph.graph.publish.release import (
    RELEASE_FILE,
    PublishError,
    Release,
    Site,
    digest,
    load_release,
    next_release,
    now_utc,
    take_snapshot,
)
from integrationsgraph.graph.publish.site import Extras, build_site
from integrationsgraph.graph.store.embedded import Store


@dataclass
class PublishResult:
    """What a publish did, for the command line and the benchmark."""

    out_dir: Path
    version: str
    previous: str | None
    seconds: float
    datasets: dict[str, int]
    files: dict[str, dict[str, Any]]
    steps: dict[str, float] = field(default_factory=dict)

    def total_bytes(self) -> int:
        return sum(int(f["bytes"]) for f in self.files.values())


def _prepare(out_dir: Path) -> tuple[Path, Release | None]:
    if out_dir.exists() and not out_dir.is_dir():
        raise PublishError(f"{out_dir} ist eine Datei, kein Ordner.")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / RELEASE_FILE).is_file():
        raise PublishError(
            f"Der Ordner {out_dir} ist nicht leer und enthält keine frühere Veröffentlichung ({RELEASE_FILE}). "
            "Bitte einen leeren Ordner angeben: publish ersetzt den ganzen Inhalt."
        )
    work = out_dir.parent / f".{out_dir.name}.neu"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    return work, load_release(out_dir)


def _swap(work: Path, out_dir: Path) -> None:
    old = out_dir.parent / f".{out_dir.name}.alt"
    if old.exists():
        shutil.rmtree(old)
    if out_dir.exists():
        out_dir.rename(old)
    work.rename(out_dir)
    if old.exists():
        shutil.rmtree(old)


def publish(
    store: Store, settings: Settings, out_dir: Path, *, published: str | None = None, extras: Extras | None = None
) -> PublishResult:
    """Build the static site in ``out_dir`` from the store's public data (see the module docstring); ``extras``
    adds files to each dataset's distributions (the CLI passes the Sachstandsberichte, docs/berichte.md)."""
    start = time.perf_counter()
    steps: dict[str, float] = {}
    work, previous = _prepare(out_dir)
    try:
        t = time.perf_counter()
        snapshot = take_snapshot(store, settings)
        release = next_release(previous, {n: digest(ts) for n, ts in snapshot.datasets.items()}, published or now_utc())
        steps["snapshot"] = time.perf_counter() - t
        site = Site(work)
        build_site(site, snapshot, release, settings, steps, extras)
        # release.json names the downloads; SHA256SUMS every file (pages included).
        release.files = {p: i for p, i in sorted(site.files.items()) if not p.startswith(("id/", "datensaetze/"))}
        sums = "".join(f"{info['sha256']}  {path}\n" for path, info in sorted(site.files.items()))
        site.write("SHA256SUMS", sums.encode())
        site.write(RELEASE_FILE, release.to_json().encode())
        _swap(work, out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return PublishResult(
        out_dir=out_dir,
        version=release.version,
        previous=release.previous,
        seconds=time.perf_counter() - start,
        datasets={n: len(ts) for n, ts in snapshot.datasets.items()},
        files=site.files,
        steps=steps,
    )
