"""Accounts in the store's system graph, on the embedded store and on a SPARQL server."""

from __future__ import annotations

import pytest

from integrationsgraph.graph.core.config import SYSTEM_GRAPH
from integrationsgraph.graph.core.errors import NotFound
from integrationsgraph.graph.store.embedded import Store
from integrationsgraph.graph.write import accounts
from integrationsgraph.graph.write.accounts import AccountError
from integrationsgraph.graph.write.rights import Role


@pytest.fixture
def store(backend: Store) -> Store:
    return backend


def test_an_account_is_found_by_its_token_which_is_stored_only_as_a_hash(store: Store) -> None:
    token = accounts.add(store, "rheine-red", Role.EDITOR, ["rheine", "rheine"])
    assert token.startswith("ig_") and len(token) > 40
    found = accounts.find(store, token)
    assert found is not None and (found.name, found.role, found.datasets) == ("rheine-red", Role.EDITOR, {"rheine"})
    stored = " ".join(str(t) for t in store.triples(SYSTEM_GRAPH))
    assert token not in stored and accounts.token_hash(token) in stored
    assert accounts.find(store, token + "x") is None and accounts.find(store, "") is None
    assert SYSTEM_GRAPH not in store.graphs()  # hidden from every listing
    [listed] = accounts.accounts(store)
    assert listed.account == found and listed.created.startswith("20")


def test_renew_and_remove(store: Store) -> None:
    old = accounts.add(store, "chefin", Role.ADMIN, [])
    new = accounts.renew(store, "chefin")
    assert accounts.find(store, old) is None and accounts.find(store, new) is not None
    accounts.remove(store, "chefin")
    assert accounts.find(store, new) is None and accounts.accounts(store) == []
    with pytest.raises(NotFound):
        accounts.remove(store, "chefin")
    with pytest.raises(NotFound):
        accounts.renew(store, "chefin")


@pytest.mark.parametrize(
    ("name", "role", "datasets", "message"),
    [
        ("Chefin", Role.ADMIN, [], "Ungültiger Kontoname"),
        ("x" * 65, Role.ADMIN, [], "Ungültiger Kontoname"),
        ("a b", Role.ADMIN, [], "Ungültiger Kontoname"),
        ("red", Role.EDITOR, [], "mindestens einen Datensatz"),
        ("les", Role.READER, [], "mindestens einen Datensatz"),
        ("chefin", Role.ADMIN, ["rheine"], "ohne --dataset"),
        ("red", Role.EDITOR, ["system"], "Ungültiger Datensatzname"),
        ("red", Role.EDITOR, ["Rheine"], "Ungültiger Datensatzname"),
        ("red", Role.EDITOR, ["rheine/privat"], "Ungültiger Datensatzname"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_stored(
    store: Store, name: str, role: Role, datasets: list[str], message: str
) -> None:
    with pytest.raises(AccountError, match=message):
        accounts.add(store, name, role, datasets)
    assert accounts.accounts(store) == []


def test_a_name_is_taken_once(store: Store) -> None:
    accounts.add(store, "red", Role.EDITOR, ["rheine"])
    with pytest.raises(AccountError, match="gibt es schon"):
        accounts.add(store, "red", Role.EDITOR, ["musterstadt"])
    assert [s.account.datasets for s in accounts.accounts(store)] == [frozenset({"rheine"})]


def test_a_password_logs_in_is_stored_as_argon2id_and_a_new_one_ends_old_sessions(store: Store) -> None:
    accounts.add(store, "red", Role.EDITOR, ["rheine"])
    with pytest.raises(AccountError, match="mindestens 12"):
        accounts.set_password(store, "red", "kurz")
    with pytest.raises(NotFound):
        accounts.set_password(store, "niemand", "ein langes Passwort")
    accounts.set_password(store, "red", "ein langes Passwort")
    stored = " ".join(str(t) for t in store.triples(SYSTEM_GRAPH))
    assert "ein langes Passwort" not in stored and "$argon2id$" in stored
    found = accounts.login(store, "red", "ein langes Passwort")
    assert found is not None and found[0].name == "red"
    assert accounts.login(store, "red", "ein falsches Passwort") is None
    assert accounts.login(store, "niemand", "ein langes Passwort") is None
    fingerprint = accounts.password_fingerprint(found[1])
    assert accounts.session_account(store, "red", fingerprint) == found[0]
    accounts.set_password(store, "red", "ein anderes langes Passwort")
    assert accounts.session_account(store, "red", fingerprint) is None
    assert accounts.session_key(store) == accounts.session_key(store)  # made once, kept
