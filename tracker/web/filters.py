"""The dashboard's filters as the lists it links to read them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.organisations.models import Institute
from tracker.projects.funding import FundingSource
from tracker.projects.models import ProjectType
from tracker.reports.filters import Filters
from tracker.web.navigation import choice_arg, field_arg, row_arg, text_arg, year_arg


def of_list() -> Filters:
    """The dashboard's filters from a list's query string (`institute`, `field`, `year`,
    `type`, `source`), so that the list a dashboard figure links to counts the same rows. The
    list limits what it shows by who may see it itself (`visibility.visible_to`)."""
    return Filters(row_arg("institute", _l("Institute"), Institute), text_arg("field"), year_arg(),
                   choice_arg("type", _l("Project type"), {t.value for t in ProjectType}),
                   choice_arg("source", _l("Funding source"), {s.value for s in FundingSource}),
                   field_arg())
