"""Command-line commands for accounts: ``user add | list | remove | token --renew | password``.

An account's token is printed once and stored only as its hash (:mod:`graph.write.accounts`). The accounts live
in the store, so on the embedded store these commands run while the service is stopped (like ``export``), on a
SPARQL server (``--store-url``) at any time. Registered on the main group by :func:`add_user_commands`.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from integrationsgraph.cli.analysis import text_table
from integrationsgraph.cli.common import settings_for, store_option
from integrationsgraph.graph.store.remote import connect
from integrationsgraph.graph.write import accounts
from integrationsgraph.graph.write.rights import ROLE_WORDS, Role

ROLES = click.Choice([r.value for r in Role])


@click.group("user")
def user() -> None:
    """Accounts and their rights: admin (everything), editor (writes its datasets), reader (reads their private
    data); each with its own API token."""


def _token_note(name: str, token: str) -> None:
    click.echo(f"Token für „{name}“ (wird nur dieses eine Mal gezeigt, gespeichert ist nur sein Hash):", err=True)
    click.echo(token)


@user.command("add")
@store_option
@click.argument("name")
@click.option("--role", type=ROLES, required=True, help="admin, editor or reader.")
@click.option("--dataset", "datasets", multiple=True, help="A dataset the account edits or reads (repeatable).")
def add(store_path: Path | None, name: str, role: str, datasets: tuple[str, ...]) -> None:
    """Make an account NAME; prints its API token once (Authorization: Bearer …)."""
    store = connect(settings_for(store_path))
    try:
        token = accounts.add(store, name, Role(role), list(datasets))
    finally:
        store.close()
    _token_note(name, token)


@user.command("list")
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_(store_path: Path | None, fmt: str) -> None:
    """Every account with its role and datasets (never a token)."""
    store = connect(settings_for(store_path))
    try:
        stored = accounts.accounts(store)
    finally:
        store.close()
    if fmt == "json":
        rows = [
            {
                "name": s.account.name,
                "role": s.account.role.value,
                "datasets": sorted(s.account.datasets),
                "created": s.created,
            }
            for s in stored
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not stored:
        click.echo("Noch keine Konten (integrationsgraph user add NAME --role editor --dataset …).")
        return
    table = [
        [
            s.account.name,
            f"{s.account.role.value} ({ROLE_WORDS[s.account.role]})",
            ", ".join(sorted(s.account.datasets)) or "alle",
            s.created,
        ]
        for s in stored
    ]
    click.echo(text_table(["Konto", "Rolle", "Datensätze", "angelegt"], table))


@user.command("remove")
@store_option
@click.argument("name")
def remove(store_path: Path | None, name: str) -> None:
    """Delete the account NAME; its token stops working at once."""
    store = connect(settings_for(store_path))
    try:
        accounts.remove(store, name)
    finally:
        store.close()
    click.echo(f"Konto „{name}“ gelöscht.")


@user.command("token")
@store_option
@click.argument("name")
@click.option("--renew", is_flag=True, required=True, help="Make a new token; the old one stops working.")
def token(store_path: Path | None, name: str, renew: bool) -> None:
    """A new API token for NAME (the old one stops working); printed once."""
    store = connect(settings_for(store_path))
    try:
        new = accounts.renew(store, name)
    finally:
        store.close()
    _token_note(name, new)


@user.command("password")
@store_option
@click.argument("name")
@click.password_option("--password", prompt="Neues Passwort", confirmation_prompt="Noch einmal", help="Asked for.")
def password(store_path: Path | None, name: str, password: str) -> None:
    """Set the password NAME logs in with in the browser (/anmelden; at least 12 characters; stored as its Argon2id
    hash). Sessions made with the old password end."""
    store = connect(settings_for(store_path))
    try:
        accounts.set_password(store, name, password)
    finally:
        store.close()
    click.echo(f"Passwort für „{name}“ gesetzt.")


def add_user_commands(main: click.Group) -> None:
    main.add_command(user)
