"""Regions belong to a headquarters (tracker/regions): the institute form offers its own
headquarters' regions that are still offered (an institute keeps a retired one), the service
refuses another headquarters' or a retired one, the institutes import reads a region by its
code or by its name in either language among its headquarters' only, and `flask hq create`
gives JITRI, SITI and SYIIT their own (or the ones given)."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_hq, make_institute, make_region, make_user
from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.imports.models import ImportState
from tracker.organisations.models import Headquarters, Institute
from tracker.regions.defaults import BY_HQ
from tracker.regions.models import Region


def _other_hq_region() -> Region:
    """A region of a second headquarters, which no institute of the first may be put in."""
    make_hq()  # the first: the tracker's headquarters
    siti = Headquarters(code="SITI", name="上海产业技术研究院")
    db.session.add(siti)
    db.session.flush()
    region = Region(hq_id=siti.id, code="shanghai", name="上海市", name_en="Shanghai")
    db.session.add(region)
    db.session.commit()
    return region


def _form(institute: Institute, region_id: int) -> dict:
    return {"code": institute.code, "name": institute.name, "field": institute.field,
            "type": institute.type.value, "director_id": "0", "region_id": str(region_id),
            "version": str(institute.version)}


def test_the_form_offers_the_headquarters_regions_still_offered(client):
    south, retired = make_region("south"), make_region("north", active=False)
    shanghai = _other_hq_region()
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get("/institutes/new").get_data(as_text=True)
    assert f'value="{south.id}"' in page and "Southern Jiangsu" in page
    assert "Northern Jiangsu" not in page and "Shanghai" not in page
    kept = make_institute(region=retired)
    page = client.get(f"/institutes/{kept.id}/edit").get_data(as_text=True)
    assert "Northern Jiangsu" in page  # its own, retired since: kept
    response = post(client, f"/institutes/{kept.id}/edit", {
        **_form(kept, retired.id), "city": "徐州"})
    assert response.status_code == 302, response.get_data(as_text=True)
    institute = make_institute()
    for region, said in ((shanghai, "Choose one of the headquarters&#39; regions."),
                         (retired, "This region is retired: choose one of those offered.")):
        response = post(client, f"/institutes/{institute.id}/edit", _form(institute, region.id))
        assert response.status_code == 400 and said in response.get_data(as_text=True)
    db.session.refresh(institute)
    assert institute.region_id is None


def test_the_import_reads_a_region_by_code_or_name_among_its_headquarters():
    north, south, central = make_region("north"), make_region("south"), make_region("central")
    _other_hq_region()
    admin = make_user(Role.HQ_ADMIN)
    job = run(admin, "institutes", [
        ["Code", "Name", "Field as described", "Type", "Region"],
        ["R-1", "一所", "材料", "independent", "NORTH"],
        ["R-2", "二所", "材料", "independent", "苏南"],
        ["R-3", "三所", "材料", "independent", "central jiangsu"]])
    assert (job.state, job.created, job.errors) == (ImportState.DONE, 3, []), job.errors
    found = dict(db.session.execute(select(Institute.code, Institute.region_id).where(
        Institute.code.like("R-%"))).all())
    assert found == {"R-1": north.id, "R-2": south.id, "R-3": central.id}
    job = run(admin, "institutes", [["Code", "Name", "Field as described", "Type", "Region"],
                                    ["R-4", "四所", "材料", "independent", "shanghai"]])
    assert job.state is not ImportState.DONE
    assert any("The headquarters has no region with the code or name shanghai." in str(e)
               for e in job.errors), job.errors


def test_hq_create_gives_each_network_its_regions_or_the_ones_given(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["hq", "create", "SYIIT", "--name-zh", "沈阳产业技术研究院"])
    assert result.exit_code == 0, result.output
    assert "regions installed: 6" in result.output
    listed = db.session.execute(select(Region.code, Region.name, Region.position)
                                .order_by(Region.position)).all()
    assert [tuple(r) for r in listed] == [
        (code, name, position) for position, (code, name, _en) in enumerate(BY_HQ["SYIIT"], 1)]
    # Shenyang's districts SYIIT builds its innovation complexes in (seed 002), not a guess.
    assert {"浑南区", "铁西区", "沈北新区", "和平区"} <= {name for _c, name, _p in listed}
    assert db.session.scalar(select(AuditRecord.actor_id).where(
        AuditRecord.action == "region.create").limit(1)) is None  # the system
    again = runner.invoke(args=["hq", "create", "SYIIT", "--name-zh", "沈阳产业技术研究院",
                                "--region", "dalian:大连市:Dalian", "--region", "shenyang:沈阳"])
    assert again.exit_code == 0, again.output
    assert "regions installed: 1" in again.output  # Shenyang it has already
    assert db.session.scalar(select(Region.name_en).where(Region.code == "dalian")) == "Dalian"
    wrong = runner.invoke(args=["hq", "create", "SYIIT", "--name-zh", "沈阳产业技术研究院",
                                "--region", "nameless"])
    assert wrong.exit_code != 0 and "CODE:名称" in wrong.output
