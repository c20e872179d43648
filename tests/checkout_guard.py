"""A test run must not write into the checkout: what ``git status`` shows before and after the session.

``tests/conftest.py`` calls :func:`session_start`, :func:`session_finish` and :func:`summary` from its hooks:
a run that wrote a file fails (exit code 1) and names the file.

:func:`snapshot` records every file git reports as modified, untracked or ignored (files inside ignored
folders too, such as ``test-artifacts/``), with its size and modification time, leaving out the caches
that tools keep there (:data:`CACHES`). :func:`written` names the files that differ between two
snapshots. Without git, or outside a git checkout, :func:`snapshot` gives ``None`` and the guard is off.
Nothing here writes: ``git --no-optional-locks status`` does not even refresh the index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

CACHES = frozenset(
    {
        ".git",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".grimp_cache",
        ".import_linter_cache",
    }
)
"""Folders that tools (not tests) keep in the checkout; any path through one of them is left out."""

OFF = "INTEGRATIONSGRAPH_CHECKOUT_GUARD"
"""``off`` switches the guard off (for a checkout that someone else edits while the tests run)."""

Snapshot = dict[str, tuple[int, int] | None]
"""Path (relative, with ``/``) → (size, modification time in ns), ``None`` for a file that is gone."""


def _is_cache(path: str) -> bool:
    return any(
        part in CACHES or part.endswith(".egg-info") or part.startswith(".coverage")
        for part in path.rstrip("/").split("/")
    )


def _status(git: str, repo: Path, *options: str) -> list[tuple[str, str]]:
    """``(code, path)`` of ``git status --porcelain -z`` (a rename's old path is skipped)."""
    out = subprocess.run(
        [git, "--no-optional-locks", "-C", str(repo), "status", "--porcelain=v1", "-z", *options],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode("utf-8", "surrogateescape")
    entries = out.split("\0")
    found = []
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        found.append((code, path))
        if "R" in code or "C" in code:
            i += 1  # the old path of a rename or copy follows
    return found


def _files_under(repo: Path, folder: str) -> list[str]:
    found = []
    for top, dirs, files in os.walk(repo / folder):
        dirs[:] = [d for d in dirs if d not in CACHES]
        rel = Path(top).relative_to(repo).as_posix()
        found += [f"{rel}/{name}" for name in files]
    return found


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_size, st.st_mtime_ns)


def snapshot(repo: Path) -> Snapshot | None:
    """Every file of ``repo`` that git does not see as clean and tracked; ``None`` without git or checkout."""
    git = shutil.which("git")
    if git is None or os.environ.get(OFF, "").lower() in {"off", "0", "false", "nein"}:
        return None
    try:
        top = subprocess.run(
            [git, "-C", str(repo), "rev-parse", "--show-toplevel"], capture_output=True, check=True, timeout=60
        ).stdout.decode()
        if Path(top.strip()).resolve() != repo.resolve():
            return None  # the tests are inside some other repository: not ours to watch
        paths = [p for _code, p in _status(git, repo, "--untracked-files=all")]
        for code, p in _status(git, repo, "--ignored", "--untracked-files=normal"):
            if code == "!!" and not _is_cache(p):
                paths += _files_under(repo, p) if p.endswith("/") else [p]
    except (OSError, subprocess.SubprocessError):
        return None
    return {p: _stat(repo / p) for p in paths if not _is_cache(p)}


CLEAN = (-1, -1)
"""What a path that git does not list (tracked and unchanged) counts as."""


def written(before: Snapshot, after: Snapshot) -> list[str]:
    """The paths created, changed or deleted between the two snapshots."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p, CLEAN) != after.get(p, CLEAN))


_BEFORE = pytest.StashKey[Snapshot | None]()
WRITTEN = pytest.StashKey[list[str]]()
"""What the session wrote into the checkout (set by :func:`session_finish`)."""


def session_start(session: pytest.Session, repo: Path) -> None:
    session.config.stash[_BEFORE] = snapshot(repo)


def session_finish(session: pytest.Session, repo: Path) -> None:
    """Fail the session when it wrote into ``repo`` (nothing happens without git)."""
    before = session.config.stash.get(_BEFORE, None)
    after = snapshot(repo) if before is not None else None
    if before is None or after is None:
        return
    paths = written(before, after)
    if paths:
        session.config.stash[WRITTEN] = paths
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Name the files the session wrote into the checkout (in the terminal summary)."""
    paths = config.stash.get(WRITTEN, [])
    if not paths:
        return
    terminalreporter.section("the test run wrote into the checkout", sep="=", red=True, bold=True)
    for path in paths:
        terminalreporter.write_line(f"  {path}", red=True)
    terminalreporter.write_line(
        "Tests write into tmp_path / tmp_path_factory or the artifacts fixture, never into the checkout. "
        f"(If someone else edited these files during the run: {OFF}=off switches the check off.)"
    )
