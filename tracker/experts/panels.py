"""What HQ requires of a gate's panel (per gate template): at least `min_experts` experts of
the pool at `min_expert_title` or above, from at least `min_outside_units` different units
(recusal keeps the project's own institute and partner enterprise off the panel, so every
unit counted is an outside one). A panel that falls short is refused with what it has."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from tracker.display.labels import label
from tracker.display.said import listed
from tracker.experts.models import Expert
from tracker.gates.models import GateTemplate


def qualifying(template: GateTemplate, experts: list[Expert]) -> list[Expert]:
    """The panel's experts who count towards the minimums: at the title or above."""
    title = template.min_expert_title
    return [e for e in experts if title is None or e.professional_title.rank >= title.rank]


def shortfalls(template: GateTemplate, experts: list[Expert]) -> list[str]:
    """Why a panel whose experts of the pool are `experts` does not meet the template's
    minimums (empty: it does)."""
    counted = qualifying(template, experts)
    names = listed(e.name for e in counted) or _("none")
    problems = []
    if len(counted) < (template.min_experts or 0):
        if template.min_expert_title is not None:
            problems.append(ngettext(
                "%(gate)s requires at least %(num)d expert from the expert pool at the title "
                "%(title)s or above; this panel has %(have)d (%(names)s).",
                "%(gate)s requires at least %(num)d experts from the expert pool at the title "
                "%(title)s or above; this panel has %(have)d (%(names)s).",
                template.min_experts, gate=template.shown("name"),
                title=label(template.min_expert_title), have=len(counted), names=names))
        else:
            problems.append(ngettext(
                "%(gate)s requires at least %(num)d expert from the expert pool; this panel "
                "has %(have)d (%(names)s).",
                "%(gate)s requires at least %(num)d experts from the expert pool; this panel "
                "has %(have)d (%(names)s).", template.min_experts, gate=template.shown("name"),
                have=len(counted), names=names))
    units = {e.unit_key for e in counted}
    if len(units) < (template.min_outside_units or 0):
        problems.append(ngettext(
            "%(gate)s requires experts from at least %(num)d unit outside the project's "
            "institute and partner enterprise; this panel's come from %(have)d.",
            "%(gate)s requires experts from at least %(num)d units outside the project's "
            "institute and partner enterprise; this panel's come from %(have)d.",
            template.min_outside_units, gate=template.shown("name"), have=len(units)))
    return problems


def describe(template: GateTemplate) -> str | None:
    """The requirement in a sentence, for the panel page (None: there is none)."""
    if not template.min_experts and not template.min_outside_units:
        return None
    title = (label(template.min_expert_title) if template.min_expert_title is not None
             else _("any title"))
    return _("This gate requires at least %(experts)s from the expert pool (title: %(title)s "
             "or above) from at least %(units)s.",
             experts=ngettext("%(num)d expert", "%(num)d experts", template.min_experts or 0),
             title=title, units=ngettext("%(num)d outside unit", "%(num)d outside units",
                                         template.min_outside_units or 0))
