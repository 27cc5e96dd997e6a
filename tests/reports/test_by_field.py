"""The annual report by technical field (HQ's list), counted by hand on the network of
`world.py`: the fields add up to the report's totals, a record in no field of the list counts
as not classified, and the report shows the fields in the reader's language."""

from __future__ import annotations

from decimal import Decimal as D

from tests.conftest import login
from tests.reports.conftest import cells as _cells
from tracker import db
from tracker.organisations.models import TechnologyNeed
from tracker.reports import annual
from tracker.techfields import services as techfields


def _classify(net) -> None:
    """HQ's list, and the network's records counted in it as their words name them (what
    migration 0049 does with the records it finds): P1, P2 Robotics; P3, P4 Materials; P5
    (Biotech) not in the list. Needs N2 and N3 are Robotics, the others not classified."""
    robotics = techfields.save_field(net["admin"], None, code="RB", name="机器人",
                                     name_en="Robotics")
    techfields.save_field(net["admin"], None, code="AM", name="材料", name_en="Materials")
    for project in net["p"]:
        project.field_id = techfields.classify(None, project.field)
    for need in db.session.query(TechnologyNeed).filter(TechnologyNeed.title.in_(("N2", "N3"))):
        need.field_id = robotics.id
    db.session.flush()


def test_new_projects_and_needs_by_field_in_total_and_for_an_institute(net):
    _classify(net)
    report = annual.build(2026)
    # P3, P4 got their code in 2025, P1, P2 in 2026; P5 is a draft (no code, no year) and P2
    # waits in proposal review: neither is part of the portfolio.
    assert _cells(report, "new_projects_in_field:") == {
        "AM": (2, None, 0, None), "RB": (0, None, 1, None), "unclassified": (0, None, 0, None)}
    # 2025: N2 (2,000,000); 2026: N3 (3,000,000) and N1, N4, N5 in no field (1,500,000).
    assert _cells(report, "needs_in_field:") == {
        "AM": (0, D("0"), 0, D("0")), "RB": (1, D("2000000"), 1, D("3000000")),
        "unclassified": (0, D("0"), 3, D("1500000"))}
    assert _cells(report, "new_projects_in_field:", "B") == {
        "AM": (1, None, 0, None), "RB": (0, None, 0, None), "unclassified": (0, None, 0, None)}


def test_the_fields_add_up_to_the_totals(net):
    _classify(net)
    report = annual.build(2026)
    for prefix, total in (("new_projects_in_field:", "new_projects"),
                          ("needs_in_field:", "needs_collected")):
        cells = _cells(report, prefix).values()
        figure = report.figure(total)
        assert sum(c[0] for c in cells) == figure.total(2025).count
        assert sum(c[2] for c in cells) == figure.total(2026).count


def test_the_page_names_the_fields_in_the_reader_language(net, client):
    _classify(net)
    db.session.commit()
    login(client, net["admin"])
    page = client.get("/reports/annual?year=2026").get_data(as_text=True)
    assert "New projects in the field: Robotics" in page
    assert "Enterprise needs collected in the field: not classified" in page
