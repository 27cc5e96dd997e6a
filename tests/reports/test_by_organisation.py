"""The annual report by what organisations carry (issue 15), counted by hand on the network of
`world.py`: new projects by their institute's region, enterprise needs collected by their
enterprise's size; what is not recorded counts as such, so the groups add up to the totals,
and the page names them in the reader's language."""

from __future__ import annotations

from decimal import Decimal as D

from sqlalchemy import select

from tests.conftest import login
from tests.factories import make_region
from tests.reports.conftest import cells as _cells
from tracker import db
from tracker.organisations.models import EnterpriseSize, Institute, TechnologyNeed
from tracker.reports import annual

Z = D("0")


def _record(net) -> None:
    """The headquarters has JITRI's four regions; institute A is in Southern Jiangsu, B's
    region is not recorded; N2's enterprise is medium-sized, N3's large, N1's small, the
    others' not recorded."""
    south, *_others = [make_region(code) for code in ("south", "central", "north", "outside")]
    db.session.scalar(select(Institute).where(Institute.code == "A")).region = south
    sizes = {"N1": EnterpriseSize.SMALL, "N2": EnterpriseSize.MEDIUM, "N3": EnterpriseSize.LARGE}
    for need in db.session.scalars(select(TechnologyNeed).where(
            TechnologyNeed.title.in_(sizes))):
        need.enterprise.size = sizes[need.title]
    db.session.flush()


def test_new_projects_by_region_and_needs_by_enterprise_size(net):
    _record(net)
    report = annual.build(2026)
    # P3 (A) and P4 (B) got their code in 2025, P1 and P2 (A) in 2026; P2, still under
    # review, is not part of the portfolio.
    assert _cells(report, "new_projects_in_region:") == {
        "south": (1, None, 1, None), "central": (0, None, 0, None),
        "north": (0, None, 0, None), "outside": (0, None, 0, None),
        "not_recorded": (1, None, 0, None)}
    # 2025: N2 (2,000,000); 2026: N3 (3,000,000), N1 (1,000,000), N4 (500,000) and N5.
    assert _cells(report, "needs_by_size:") == {
        "large": (0, Z, 1, D("3000000")), "medium": (1, D("2000000"), 0, Z),
        "small": (0, Z, 1, D("1000000")), "micro": (0, Z, 0, Z),
        "not_recorded": (0, Z, 2, D("500000"))}
    assert _cells(report, "new_projects_in_region:", "B")["not_recorded"] == (1, None, 0, None)
    for prefix, total in (("new_projects_in_region:", "new_projects"),
                          ("needs_by_size:", "needs_collected")):
        cells = _cells(report, prefix).values()
        figure = report.figure(total)
        assert sum(c[0] for c in cells) == figure.total(2025).count
        assert sum(c[2] for c in cells) == figure.total(2026).count


def test_the_page_names_regions_and_sizes_in_the_reader_language(net, client):
    _record(net)
    db.session.commit()
    login(client, net["admin"])
    page = client.get("/reports/annual?year=2026").get_data(as_text=True)
    assert "New projects in the region: Southern Jiangsu" in page
    assert "Enterprise needs collected by enterprise size: Large enterprise" in page


def test_the_report_groups_by_the_headquarters_own_regions(net, client):
    """A headquarters outside Jiangsu (SITI) counts by its own regions, a retired one still
    counting the projects of the institutes in it."""
    shanghai = make_region("shanghai", name="上海市", name_en="Shanghai")
    make_region("delta", name="长三角其他地区", name_en="Elsewhere in the Yangtze River Delta",
                active=False)
    db.session.scalar(select(Institute).where(Institute.code == "A")).region = shanghai
    db.session.flush()
    report = annual.build(2026)
    assert _cells(report, "new_projects_in_region:") == {
        "shanghai": (1, None, 1, None), "delta": (0, None, 0, None),
        "not_recorded": (1, None, 0, None)}
    db.session.commit()
    login(client, net["admin"])
    page = client.get("/reports/annual?year=2026").get_data(as_text=True)
    assert "New projects in the region: Shanghai" in page
