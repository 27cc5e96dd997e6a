"""`flask users ...`: accounts from the shell, for the first admin and for scripts."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from tracker import db
from tracker.accounts import services
from tracker.accounts.models import GRANTABLE_ROLES
from tracker.errors import DomainError

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role", "roles", multiple=True, required=True,
    type=click.Choice([r.value for r in GRANTABLE_ROLES]),
    help="A role to grant; repeat for several.",
)
@click.option("--name", default=None, help="Display name (defaults to the e-mail's local part).")
@click.option("--locale", type=click.Choice(["zh_CN", "en"]), default=None)
def create(email: str, roles: tuple[str, ...], name: str | None, locale: str | None) -> None:
    """Create an account; the password is read from standard input (one line)."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = services.create_user(
            None, email=email, name=name or email.split("@")[0], password=password,
            roles=list(roles), locale=locale,
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"created {user.email} ({', '.join(roles)})")
