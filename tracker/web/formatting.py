"""Dates, numbers and CNY amounts formatted for the page's language (Jinja filters)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask
from flask_babel import format_currency, format_date, format_datetime, format_decimal


def money(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return format_currency(value, "CNY")


def number(value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    return format_decimal(value)


def day(value: date | None) -> str:
    if value is None:
        return "—"
    return format_date(value, "medium")


def instant(value: datetime | None) -> str:
    if value is None:
        return "—"
    return format_datetime(value, "medium")


def init_app(app: Flask) -> None:
    app.add_template_filter(money)
    app.add_template_filter(number)
    app.add_template_filter(day)
    app.add_template_filter(instant)
