"""`flask hq create`: a new installation's headquarters, default gate templates and budget
forms (`starting`), without the demo's data (the production steps, before the first HQ admin
and the imports)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker import db
from tracker.errors import DomainError, Invalid
from tracker.organisations import services, starting
from tracker.regions import services as regions
from tracker.regions.defaults import BY_HQ

hq_cli = AppGroup("hq", help="The headquarters of a new installation.")


@hq_cli.command("create")
@click.argument("code")
@click.option("--name-zh", "name", required=True, help="Its name in Chinese.")
@click.option("--name-en", default=None, help="Its name in English.")
@click.option("--region", "given", multiple=True, metavar="CODE:名称[:NAME]",
              help="A region its institutes are grouped by, repeated for each (without any: "
                   "JITRI's, SITI's or SYIIT's own, by CODE).")
def create(code: str, name: str, name_en: str | None, given: tuple[str, ...]) -> None:
    """Create the headquarters CODE (the prefix of project codes) with its regions, and install
    the default gate templates and budget forms that are missing. Run again with the same CODE,
    it changes nothing (but adds the regions given that it has not got)."""
    wanted = [_region(text) for text in given]
    try:
        hq, created = services.create_hq(code, name, name_en)
        if not wanted and created:
            wanted = list(BY_HQ.get(hq.code, ()))
        added = regions.install(hq, wanted)
    except Invalid as error:
        db.session.rollback()
        raise click.ClickException("; ".join(f"{field}: {message}"
                                             for field, message in error.problems)) from None
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    installed = {"regions": added, **starting.install()}
    db.session.commit()
    click.echo(f"{'created' if created else 'exists already'}: headquarters {hq.code} "
               f"({hq.name}); " + "; ".join(f"{what} installed: {count}"
                                            for what, count in installed.items()))


def _region(text: str) -> tuple[str, str, str | None]:
    """CODE:名称[:NAME], as `--region` is given."""
    code, _, rest = text.partition(":")
    name, _, name_en = rest.partition(":")
    if not code.strip() or not name.strip():
        raise click.BadParameter(f"{text!r}: write CODE:名称 or CODE:名称:NAME",
                                 param_hint="--region")
    return code, name, name_en or None
