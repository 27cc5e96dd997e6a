"""`flask hq create`: a new installation's headquarters, default gate templates and budget
forms (`starting`), without the demo's data (the production steps, before the first HQ admin
and the imports)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker import db
from tracker.errors import DomainError, Invalid
from tracker.organisations import services, starting

hq_cli = AppGroup("hq", help="The headquarters of a new installation.")


@hq_cli.command("create")
@click.argument("code")
@click.option("--name-zh", "name", required=True, help="Its name in Chinese.")
@click.option("--name-en", default=None, help="Its name in English.")
def create(code: str, name: str, name_en: str | None) -> None:
    """Create the headquarters CODE (the prefix of project codes) and install the default gate
    templates and budget forms that are missing. Run again with the same CODE, it changes
    nothing."""
    try:
        hq, created = services.create_hq(code, name, name_en)
    except Invalid as error:
        db.session.rollback()
        raise click.ClickException("; ".join(f"{field}: {message}"
                                             for field, message in error.problems)) from None
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    installed = starting.install()
    db.session.commit()
    click.echo(f"{'created' if created else 'exists already'}: headquarters {hq.code} "
               f"({hq.name}); " + "; ".join(f"{what} installed: {count}"
                                            for what, count in installed.items()))
