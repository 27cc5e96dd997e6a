"""A list's cells, drawn in Python (`tracker/web/tables.py`) from its column definitions, read
as the Jinja macro that drew them did: a code in monospace, a label or a toned value as a tag,
a link when the column links, the numeric and `css` classes, text escaped."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from flask import url_for

from tracker.display.paths import id_path
from tracker.export.columns import Column, Kind
from tracker.milestones.models import MilestoneState
from tracker.web.tables import options, row_cells

COLUMNS = [
    Column("Title", lambda r: r.title, link=lambda r: f"/things/{r.id}?a=1&b=2"),
    Column("Code", lambda r: r.code, Kind.CODE),
    Column("State", lambda r: r.state, Kind.LABEL),
    Column("Late", lambda r: r.late, Kind.INT, tone=lambda r: "bad" if r.late else None),
    Column("Due", lambda r: r.due, Kind.DATE),
    Column("Note", lambda r: r.note, css="text-cell"),
]


def test_cells_of_every_kind(app):
    row = SimpleNamespace(id=7, title="R&D <1>", code="P-1", state=MilestoneState.PLANNED,
                          late=3, due=date(2026, 3, 1), note="")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        html = str(row_cells(COLUMNS, row))
    assert html == (
        '<td><a href="/things/7?a=1&amp;b=2">R&amp;D &lt;1&gt;</a></td>'
        "<td><code>P-1</code></td>"
        '<td><span class="tag">Planned</span></td>'
        '<td class="num"><span class="tag bad">3</span></td>'
        "<td>Mar 1, 2026</td>"
        '<td class="text-cell"></td>')
    row.late = None  # no tone: no tag; no value: a dash
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert '<td class="num">—</td>' in str(row_cells(COLUMNS, row))


def test_a_row_links_to_the_path_url_for_gives(app):
    """`id_path` (a list's links, the path around the id built once a process) gives what
    `url_for` gives, for each page and under an application mounted below a root, where the
    same page's path is another one."""
    pages = [("milestones.show", "milestone_id"), ("projects.show", "project_id"),
             ("organisations.institute", "object_id"), ("users.edit_user", "user_id")]
    for root in ("", "/tracker"):
        with app.test_request_context(base_url=f"http://localhost{root}"):
            for endpoint, argument in pages:
                for row_id in (1, 42, 2**31 - 1):
                    assert id_path(endpoint, argument, row_id) == url_for(
                        endpoint, **{argument: row_id})
                assert id_path(endpoint, argument, 5).startswith(f"{root}/")


def test_a_filter_s_options_as_the_template_s_loop_drew_them(app):
    """Each choice an option of its id, its name escaped, the chosen one selected: the
    markup the templates' loop wrote, byte for byte."""
    choices = [SimpleNamespace(id=3, name="R&D <Robotics>"), SimpleNamespace(id=5, name="材料")]
    loop = app.jinja_env.from_string(
        '{% for i in institutes %}<option value="{{ i.id }}"{% if i.id == chosen %} selected'
        '{% endif %}>{{ i.name }}</option>{% endfor %}')
    for chosen in (0, 3, 5):
        drawn = str(options(choices, chosen))
        assert drawn == loop.render(institutes=choices, chosen=chosen)
    assert drawn == ('<option value="3">R&amp;D &lt;Robotics&gt;</option>'
                     '<option value="5" selected>材料</option>')
    assert str(options([], 0)) == ""
