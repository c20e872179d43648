"""The tests stand alone: they read nothing beside the checkout and write nothing into it.

- No test file reaches outside the clone (the ``shared`` folder beside it, the checkout's parent, ``parents[n]`` of a
  test file past the checkout): what the tests need is under ``tests/data/`` (the official DCAT-AP shapes in
  ``tests/data/dcat-ap/``). The forbidden spellings are built from parts here, so that this file passes its own test.
- The guard in ``tests/conftest.py`` (:mod:`tests.checkout_guard`) fails a run that writes into the checkout.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import checkout_guard
from tests.paths import DCAT_AP, DCAT_AP_SHAPES, REPO

OUTSIDE = [
    "../" + "shared",  # spelled in two parts, so that this file does not name what it forbids
    "/work/" + "shared",
    "REPO" + ".parent",
    'REPO / ".' + '."',
]
ALLOWED = {"tests/test_docs.py": {"../" + "shared", "/work/" + "shared"}}
"""test_docs.py names them to forbid them in the documentation."""
PARENTS = re.compile(r"__file__\)(?:\.resolve\(\))?\.parents\[(\d+)\]")


def outside_the_checkout(rel: str, text: str) -> list[str]:
    """What a test file at ``rel`` (relative to the checkout) says that reaches beside the checkout."""
    found = [needle for needle in OUTSIDE if needle in text and needle not in ALLOWED.get(rel, set())]
    depth = len(Path(rel).parts)  # Path(__file__).parents[depth - 1] is the checkout itself
    found += [m.group(0) for m in PARENTS.finditer(text) if int(m.group(1)) >= depth]
    return found


def test_no_test_reads_beside_the_checkout() -> None:
    files = sorted((REPO / "tests").rglob("*.py"))
    assert len(files) > 50
    found = {}
    for path in files:
        rel = path.relative_to(REPO).as_posix()
        if hits := outside_the_checkout(rel, path.read_text(encoding="utf-8")):
            found[rel] = hits
    assert found == {}, "tests must not read beside the clone; copy what they need into tests/data/"


def test_the_check_finds_a_path_beside_the_checkout() -> None:
    shared = "../" + "shared"
    assert outside_the_checkout("tests/graph/x/test_a.py", f'SHAPES = REPO{".parent"} / "shared"') == [
        "REPO" + ".parent"
    ]
    assert outside_the_checkout("tests/api/test_b.py", f'open("{shared}/external/x.ttl")') == [shared]
    assert outside_the_checkout("tests/test_docs.py", f'OUTSIDE = ("{shared}",)') == []
    up = "Path(__file__)" + ".parents"
    assert outside_the_checkout("tests/api/test_c.py", f"{up}[3]") == ["__file__)" + ".parents[3]"]
    assert outside_the_checkout("tests/api/test_c.py", f"{up}[2]") == []


def test_the_dcat_ap_shapes_are_the_official_files() -> None:
    """Byte for byte what README.md says (size and sha256), and every file the tests load is listed there."""
    readme = (DCAT_AP / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `([^`]+\.ttl)` \|.*\| `([0-9a-f]{64})` \|$", readme, flags=re.MULTILINE))
    assert sorted(listed) == sorted(p.relative_to(DCAT_AP).as_posix() for p in DCAT_AP_SHAPES)
    assert sorted(DCAT_AP.rglob("*.ttl")) == sorted(DCAT_AP_SHAPES)
    for path in DCAT_AP_SHAPES:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == listed[path.relative_to(DCAT_AP).as_posix()], path
    assert "CC BY 4.0" in readme and "Licence" in readme


# The guard, on a repository of its own


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, timeout=60)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git checkout with a tracked file, a .gitignore (``test-artifacts/``) and some tool caches."""
    root = tmp_path / "checkout"
    root.mkdir()
    git(root, "init", "-q")
    (root / "kept.txt").write_text("eins\n")
    (root / ".gitignore").write_text("/test-artifacts/\n__pycache__/\n.pytest_cache/\n")
    git(root, "add", ".")
    git(root, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-q", "-m", "start")
    (root / "test-artifacts").mkdir()
    (root / "test-artifacts" / "old.png").write_bytes(b"png")
    return root


def test_the_guard_names_new_changed_and_deleted_files(repo: Path) -> None:
    before = checkout_guard.snapshot(repo)
    assert before is not None
    (repo / "tests").mkdir()
    (repo / "tests" / "neu.xlsx").write_bytes(b"PK")
    (repo / "kept.txt").write_text("zwei\n")
    (repo / "test-artifacts" / "shot.png").write_bytes(b"png")  # ignored by git, still the checkout
    after = checkout_guard.snapshot(repo)
    assert after is not None
    assert checkout_guard.written(before, after) == ["kept.txt", "test-artifacts/shot.png", "tests/neu.xlsx"]
    (repo / "kept.txt").unlink()
    gone = checkout_guard.snapshot(repo)
    assert gone is not None and "kept.txt" in checkout_guard.written(after, gone)


def test_the_guard_leaves_out_tool_caches_and_unchanged_files(repo: Path) -> None:
    (repo / "dirty.txt").write_text("schon vorher da\n")
    before = checkout_guard.snapshot(repo)
    assert before is not None
    for cache in ("__pycache__", ".pytest_cache", ".mypy_cache", "pkg.egg-info", ".venv"):
        (repo / cache).mkdir()
        (repo / cache / "x").write_bytes(b"x")
    after = checkout_guard.snapshot(repo)
    assert after is not None and checkout_guard.written(before, after) == []


def test_the_guard_is_off_without_git_outside_a_checkout_and_when_switched_off(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "plain").mkdir()
    assert checkout_guard.snapshot(tmp_path / "plain") is None  # not a git checkout
    assert checkout_guard.snapshot(repo / "test-artifacts") is None  # inside one, but not its top
    monkeypatch.setenv(checkout_guard.OFF, "off")
    assert checkout_guard.snapshot(repo) is None
    monkeypatch.delenv(checkout_guard.OFF)
    monkeypatch.setenv("PATH", str(tmp_path / "plain"))
    assert checkout_guard.snapshot(repo) is None  # no git


def run_session(repo: Path, test: str) -> subprocess.CompletedProcess[str]:
    """``pytest`` in ``repo`` with the guard hooks of tests/conftest.py, watching ``repo``."""
    (repo / "conftest.py").write_text(
        "from pathlib import Path\n"
        "from tests import checkout_guard\n"
        "ROOT = Path(__file__).parent\n"
        "def pytest_sessionstart(session):\n"
        "    checkout_guard.session_start(session, ROOT)\n"
        "def pytest_sessionfinish(session, exitstatus):\n"
        "    checkout_guard.session_finish(session, ROOT)\n"
        "def pytest_terminal_summary(terminalreporter, exitstatus, config):\n"
        "    checkout_guard.summary(terminalreporter, config)\n"
    )
    (repo / "test_probe.py").write_text(test)
    git(repo, "add", "conftest.py", "test_probe.py")
    git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-q", "-m", "probe")
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop(checkout_guard.OFF, None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(repo)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_session_whose_test_writes_into_the_checkout_fails(repo: Path) -> None:
    leaking = run_session(
        repo, "from pathlib import Path\ndef test_x():\n    Path(__file__).with_name('leak.txt').write_text('x')\n"
    )
    assert leaking.returncode == 1, leaking.stdout + leaking.stderr
    assert "1 passed" in leaking.stdout
    assert "the test run wrote into the checkout" in leaking.stdout and "  leak.txt" in leaking.stdout


def test_the_same_session_in_tmp_path_passes(repo: Path) -> None:
    clean = run_session(repo, "def test_x(tmp_path):\n    (tmp_path / 'leak.txt').write_text('x')\n")
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_the_conftest_hooks_are_the_guards() -> None:
    """tests/conftest.py runs the same functions as the sessions above, on this checkout."""
    conftest = (REPO / "tests" / "conftest.py").read_text(encoding="utf-8")
    assert "checkout_guard.session_start(session, REPO)" in conftest
    assert "checkout_guard.session_finish(session, REPO)" in conftest
    assert "checkout_guard.summary(terminalreporter, config)" in conftest
