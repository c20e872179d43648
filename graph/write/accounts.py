"""The accounts: kept in the store's system graph (so they survive restarts and backups with the data, on the
embedded store and on a SPARQL server alike), never readable through any door.

An account is a name, a role and its datasets (:mod:`graph.write.rights`), and the SHA-256 hash of its API
token. The token itself — 32 random bytes, ``ig_`` + URL-safe Base64 — is shown once, when the account is made
or its token renewed, and is stored nowhere. A fast hash is the right one here: the token is random and long,
so there is nothing to guess that a slow password hash would protect (passwords, which people choose, are a
different matter). Lookups compare every stored hash in constant time.

The system graph is hidden from every listing of graphs (``Store.graphs``), so neither SPARQL, nor the Graph
Store Protocol, nor dumps or the published site can read it, and :func:`graph.write.rights.authorize` refuses any
write to it through the write path; these functions write it straight to the store, holding its write lease.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import pyoxigraph as ox
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from integrationsgraph.graph.core.config import SYSTEM_GRAPH
from integrationsgraph.graph.core.errors import IntegrationsgraphError, NotFound
from integrationsgraph.graph.store.embedded import Change, Store
from integrationsgraph.graph.write.rights import SYSTEM_NAMES, Account, Role

NS = SYSTEM_GRAPH + "#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ONLINE_ACCOUNT = ox.NamedNode("http://xmlns.com/foaf/0.1/OnlineAccount")
ACCOUNT_NAME = ox.NamedNode("http://xmlns.com/foaf/0.1/accountName")
CREATED = ox.NamedNode("http://purl.org/dc/terms/created")
ROLE = ox.NamedNode(NS + "rolle")
DATASET = ox.NamedNode(NS + "datensatz")
TOKEN_HASH = ox.NamedNode(NS + "tokenHash")
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
DATASET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
TOKEN_PREFIX = "ig_"


class AccountError(IntegrationsgraphError):
    """An account cannot be made or changed as asked (a bad name, a duplicate, an editor without dataset)."""


@dataclass(frozen=True)
class Stored:
    """An account with when it was made (what ``user list`` shows; never the hash)."""

    account: Account
    created: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _node(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{NS}konto-{name}")


def _read(store: Store) -> dict[str, dict[ox.NamedNode, list[ox.Literal]]]:
    """Every account's properties, by account name."""
    props: dict[ox.NamedNode, dict[ox.NamedNode, list[ox.Literal]]] = {}
    accounts = set()
    for t in store.triples(SYSTEM_GRAPH):
        if not isinstance(t.subject, ox.NamedNode) or not t.subject.value.startswith(NS + "konto-"):
            continue
        if t.predicate == RDF_TYPE and t.object == ONLINE_ACCOUNT:
            accounts.add(t.subject)
        elif isinstance(t.object, ox.Literal):
            props.setdefault(t.subject, {}).setdefault(t.predicate, []).append(t.object)
    out = {}
    for node in accounts:
        p = props.get(node, {})
        if ACCOUNT_NAME in p:
            out[p[ACCOUNT_NAME][0].value] = p
    return out


def _account(name: str, p: dict[ox.NamedNode, list[ox.Literal]]) -> Account:
    return Account(name, Role(p[ROLE][0].value), frozenset(d.value for d in p.get(DATASET, [])))


def accounts(store: Store) -> list[Stored]:
    """Every account, by name."""
    return [
        Stored(_account(name, p), p[CREATED][0].value if CREATED in p else "")
        for name, p in sorted(_read(store).items())
    ]


def find(store: Store, token: str) -> Account | None:
    """The account whose token this is, or None (every hash compared, in constant time)."""
    given = token_hash(token)
    found = None
    for name, p in _read(store).items():
        for stored in p.get(TOKEN_HASH, []):
            if hmac.compare_digest(given, stored.value):
                found = _account(name, p)
    return found


def _check(name: str, role: Role, datasets: list[str]) -> None:
    if not NAME.match(name):
        raise AccountError(
            f"Ungültiger Kontoname „{name}“: Kleinbuchstaben, Ziffern, Punkt, Binde- und Unterstrich, höchstens 64."
        )
    for d in datasets:
        if not DATASET_NAME.match(d) or d in SYSTEM_NAMES:
            raise AccountError(f"Ungültiger Datensatzname „{d}“.")
    if role is not Role.ADMIN and not datasets:
        raise AccountError(f"Ein Konto mit der Rolle „{role}“ braucht mindestens einen Datensatz (--dataset).")
    if role is Role.ADMIN and datasets:
        raise AccountError("Ein Verwaltungskonto (admin) gilt für alle Datensätze: bitte ohne --dataset.")


def add(store: Store, name: str, role: Role, datasets: list[str]) -> str:
    """Make an account; returns its token (shown once, stored only as its hash)."""
    _check(name, role, datasets)
    token = new_token()
    node = _node(name)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    triples = [
        ox.Triple(node, RDF_TYPE, ONLINE_ACCOUNT),
        ox.Triple(node, ACCOUNT_NAME, ox.Literal(name)),
        ox.Triple(node, ROLE, ox.Literal(role.value)),
        ox.Triple(node, TOKEN_HASH, ox.Literal(token_hash(token))),
        ox.Triple(node, CREATED, ox.Literal(now, datatype=XSD_DATETIME)),
        *(ox.Triple(node, DATASET, ox.Literal(d)) for d in sorted(set(datasets))),
    ]
    with store.exclusive():
        if name in _read(store):
            raise AccountError(f"Das Konto „{name}“ gibt es schon (ein neues Token: user token {name} --renew).")
        store.commit([Change(SYSTEM_GRAPH, add=triples)])
    return token


def _own_triples(store: Store, name: str) -> list[ox.Triple]:
    node = _node(name)
    return [t for t in store.triples(SYSTEM_GRAPH) if t.subject == node]


def remove(store: Store, name: str) -> None:
    """Delete an account; its token stops working at once."""
    with store.exclusive():
        own = _own_triples(store, name)
        if not own:
            raise NotFound(f"Kein Konto „{name}“.")
        store.commit([Change(SYSTEM_GRAPH, remove=own)])


def renew(store: Store, name: str) -> str:
    """A new token for the account (the old one stops working); returns it, shown once."""
    token = new_token()
    with store.exclusive():
        own = _own_triples(store, name)
        if not own:
            raise NotFound(f"Kein Konto „{name}“.")
        old = [t for t in own if t.predicate == TOKEN_HASH]
        new = ox.Triple(_node(name), TOKEN_HASH, ox.Literal(token_hash(token)))
        store.commit([Change(SYSTEM_GRAPH, add=[new], remove=old)])
    return token


# ---------------------------------------------------------------------------------------------------------
# Passwords (the browser login) and the key that signs its session cookies
# ---------------------------------------------------------------------------------------------------------

PASSWORD_HASH = ox.NamedNode(NS + "passwortHash")
SESSION_KEY = ox.NamedNode(NS + "sitzungsschluessel")
MIN_PASSWORD = 12
_hasher = PasswordHasher()  # Argon2id with argon2-cffi's defaults (RFC 9106, low-memory profile)


@functools.cache
def _dummy() -> str:
    """A hash to check a password against when the name is unknown (made once, on the first login)."""
    return _hasher.hash("kein Konto – nur damit ein unbekannter Name so lange dauert wie ein bekannter")


def set_password(store: Store, name: str, password: str) -> None:
    """Give the account a password for the browser login (at least :data:`MIN_PASSWORD` characters), stored as its
    Argon2id hash; any session made with the old one ends."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Das Passwort ist zu kurz: mindestens {MIN_PASSWORD} Zeichen.")
    node = _node(name)
    with store.exclusive():
        own = _own_triples(store, name)
        if not own:
            raise NotFound(f"Kein Konto „{name}“.")
        old = [t for t in own if t.predicate == PASSWORD_HASH]
        new = ox.Triple(node, PASSWORD_HASH, ox.Literal(_hasher.hash(password)))
        store.commit([Change(SYSTEM_GRAPH, add=[new], remove=old)])


def login(store: Store, name: str, password: str) -> tuple[Account, str] | None:
    """The account and its password hash when ``password`` is its password, else None (an unknown name costs the
    same time as a known one)."""
    p = _read(store).get(name)
    stored = p.get(PASSWORD_HASH, []) if p else []
    try:
        _hasher.verify(stored[0].value if stored else _dummy(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if p is None or not stored:
        return None
    return _account(name, p), stored[0].value


def session_account(store: Store, name: str, fingerprint: str) -> Account | None:
    """The account of a session cookie, if it still stands: the account exists and its password is the one the
    session was made with (``fingerprint``: a hash of the password hash; a new password ends old sessions)."""
    p = _read(store).get(name)
    if p is None or not p.get(PASSWORD_HASH):
        return None
    if not hmac.compare_digest(password_fingerprint(p[PASSWORD_HASH][0].value), fingerprint):
        return None
    return _account(name, p)


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def session_key(store: Store) -> str:
    """The secret that signs session cookies: made once, kept in the system graph (so every worker process and a
    restart use the same)."""
    node = ox.NamedNode(NS + "sitzung")
    for t in store.triples(SYSTEM_GRAPH):
        if t.subject == node and t.predicate == SESSION_KEY and isinstance(t.object, ox.Literal):
            return t.object.value
    with store.exclusive():
        for t in store.triples(SYSTEM_GRAPH):
            if t.subject == node and t.predicate == SESSION_KEY and isinstance(t.object, ox.Literal):
                return t.object.value
        key = secrets.token_urlsafe(48)
        store.commit([Change(SYSTEM_GRAPH, add=[ox.Triple(node, SESSION_KEY, ox.Literal(key))])])
    return key
