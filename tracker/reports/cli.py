"""`flask report annual --year YYYY [--institute CODE] --format json|csv|xlsx`: the annual
report as a file, the same figures as the page (`reports.annual`)."""

from __future__ import annotations

import io
import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from tracker import db
from tracker.export.writers import write_csv, write_xlsx
from tracker.organisations.models import Institute
from tracker.reports import annual
from tracker.reports.columns import annual_columns, as_json

report_cli = AppGroup("report", help="Reports of the portfolio's figures.")


@report_cli.command("annual")
@click.option("--year", type=click.IntRange(1990, 2100), required=True)
@click.option("--institute", "code", default=None, help="An institute's code: its figures only.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="The file to write (default: standard output).")
@click.option("--locale", default=None, help="The language of labels and headers "
              "(zh_CN or en; default: DEFAULT_LOCALE).")
def annual_command(year: int, code: str | None, fmt: str, output: str | None,
                   locale: str | None) -> None:
    """The annual report of YEAR beside the year before, by institute and in total."""
    scope = None
    if code:
        institute_id = db.session.scalar(select(Institute.id).where(Institute.code == code))
        if institute_id is None:
            raise click.BadParameter(f"no institute has the code {code}", param_hint="--institute")
        scope = frozenset({institute_id})
    locale = locale or current_app.config["DEFAULT_LOCALE"]
    if locale not in current_app.config["LANGUAGES"]:
        raise click.BadParameter(f"one of {', '.join(current_app.config['LANGUAGES'])}",
                                 param_hint="--locale")
    with force_locale(locale):
        report = annual.build(year, scope)
        if fmt == "json":
            data = (json.dumps(as_json(report), ensure_ascii=False, indent=2) + "\n").encode()
        elif fmt == "csv":
            data = b"".join(write_csv(annual_columns(year), report.rows()))
        else:
            buffer = io.BytesIO()
            write_xlsx(annual_columns(year), report.rows(), buffer, title=f"{year}")
            data = buffer.getvalue()
    if output:
        with open(output, "wb") as out:
            out.write(data)
    else:
        sys.stdout.buffer.write(data)
