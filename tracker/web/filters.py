"""The dashboard's filters as the lists it links to read them."""

from __future__ import annotations

from tracker.reports.filters import Filters
from tracker.web.navigation import int_arg, text_arg


def of_list() -> Filters:
    """The dashboard's filters from a list's query string (`institute`, `field`, `year`,
    `type`, `source`), so that the list a dashboard figure links to counts the same rows. The
    list limits what it shows by who may see it itself (`Project.visible_to`)."""
    return Filters(int_arg("institute"), text_arg("field"), int_arg("year"), text_arg("type"),
                   text_arg("source"))
