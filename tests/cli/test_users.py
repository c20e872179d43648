"""``integrationsgraph user …`` as an administrator runs it: the token once, never stored, never listed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from integrationsgraph.cli.main import main
from integrationsgraph.graph.core.config import SYSTEM_GRAPH
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.write import accounts


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_add_list_renew_remove(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "store")]
    code, token, note = run("user", "add", "rheine-red", "--role", "editor", "--dataset", "rheine", *store)
    assert code == 0, note
    token = token.strip()
    assert token.startswith("ig_") and "nur dieses eine Mal" in note
    code, table, _ = run("user", "list", *store)
    assert code == 0 and "rheine-red" in table and "editor (Bearbeitung)" in table and "rheine" in table
    assert token not in table
    code, listed, _ = run("user", "list", "--format", "json", *store)
    [row] = json.loads(listed)
    assert row["name"] == "rheine-red" and row["role"] == "editor" and row["datasets"] == ["rheine"]
    assert set(row) == {"name", "role", "datasets", "created"}

    code, renewed, _ = run("user", "token", "rheine-red", "--renew", *store)
    assert code == 0 and renewed.strip().startswith("ig_") and renewed.strip() != token
    opened = EmbeddedStore(tmp_path / "store")
    try:
        assert accounts.find(opened, token) is None and accounts.find(opened, renewed.strip()) is not None
        assert all(token not in str(t) and renewed.strip() not in str(t) for t in opened.triples(SYSTEM_GRAPH))
    finally:
        opened.close()

    assert run("user", "remove", "rheine-red", *store)[0] == 0
    code, _, err = run("user", "remove", "rheine-red", *store)
    assert code == 2 and "Kein Konto „rheine-red“" in err


def test_bad_input_is_named(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "store")]
    code, _, err = run("user", "add", "red", "--role", "editor", *store)
    assert code == 2 and "mindestens einen Datensatz (--dataset)" in err
    code, _, err = run("user", "add", "red", "--role", "chef", "--dataset", "rheine", *store)
    assert code == 2 and "chef" in err
    code, _, err = run("user", "token", "red", *store)
    assert code == 2 and "--renew" in err


def test_password_is_asked_twice_and_never_echoed(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "store")]
    assert run("user", "add", "red", "--role", "editor", "--dataset", "rheine", *store)[0] == 0
    result = CliRunner().invoke(main, ["user", "password", "red", *store], input="ein langes Passwort\n" * 2)
    assert result.exit_code == 0 and "Passwort für „red“ gesetzt" in result.stdout, result.output
    assert "ein langes Passwort" not in result.stdout
    short = CliRunner().invoke(main, ["user", "password", "red", *store], input="kurz\nkurz\n")
    assert short.exit_code == 2 and "mindestens 12" in short.output
