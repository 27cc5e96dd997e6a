"""A network adopting the tracker keeps the project codes its contracts and papers cite (issue
13): an imported project keeps any code of sane characters and length (`codes.read_code`),
where the import demanded HQCODE-YEAR-NNNN; a code of the generator's form is still read as
its year and number, and the generator goes past it. The code is then read the same way
wherever a project is named by it: the natural key of a re-import, every kind's project
column, the conversions of a company's ledger, the pages' fields that take a code."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.achievements.helpers import make_achievement
from tests.conftest import login
from tests.factories import _commit, make_project, make_user
from tests.gates import helpers as gate_steps
from tests.imports.helpers import run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements import withdrawals
from tracker.gates.models import ReviewState
from tracker.imports import company_events, export, references, row_forms
from tracker.imports.column_types import Ref
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportState
from tracker.imports.projects_bulk import BulkProjects
from tracker.organisations.models import Headquarters
from tracker.projects import codes
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project, ProjectCodeCounter

KEPT = "JITRI-AM-2019-0001"
# The kept code as people type it: in small letters, with full-width letters and digits, with
# spaces around it.
TYPED = ["jitri-am-2019-0001", "ＪＩＴＲＩ-ＡＭ-２０１９-０００１", f"  {KEPT} "]
PATHS = ["bulk", "row by row"]


def _path(monkeypatch, path: str) -> None:
    if path == "row by row":
        monkeypatch.setattr(BulkProjects, "batch", lambda self, actor: None)


@pytest.mark.parametrize("path", PATHS)
def test_an_imported_project_keeps_a_code_of_its_own(monkeypatch, path):
    admin, _pm = _setting()
    _path(monkeypatch, path)
    rows = [HEADER, _row(code=TYPED[0]),
            _row(code="SIAT（2018）007", title="Sensors", start="2018-03-01",
                 passed="1: 2018-04-02"),
            _row(code="test-2019-7", title="Of the tracker's form")]
    result = run(admin, "projects", rows)
    assert (result.state, result.created) == (ImportState.DONE, 3), result.errors
    kept = {p.code: (p.year, p.seq) for p in db.session.scalars(select(Project))}
    # Counted in the year of its submission (its first gate's), with no number of the
    # generator's; the generator's own form read as its year and number, as before.
    assert kept == {KEPT: (2019, None), "SIAT(2018)007": (2018, None),
                    "TEST-2019-0007": (2019, 7)}
    counters = dict(db.session.execute(select(ProjectCodeCounter.year,
                                              ProjectCodeCounter.last)).tuples().all())
    assert counters == {2019: 7}
    hq = db.session.scalar(select(Headquarters))
    assert codes.next_code(hq, 2019) == (8, "TEST-2019-0008")
    # It goes on as a project decided in the tracker.
    project = db.session.scalar(select(Project).where(Project.code == KEPT))
    assert (project.phase, gate_steps.request(project).state) == (
        Phase.CONTRACT_RESEARCH, ReviewState.REQUESTED)


@pytest.mark.parametrize("path", PATHS)
def test_a_kept_code_finds_its_project_again_however_typed(monkeypatch, path):
    admin, _pm = _setting()
    _path(monkeypatch, path)
    first = run(admin, "projects", [HEADER, _row(code=KEPT)])
    assert first.state is ImportState.DONE, first.errors
    for typed in TYPED:
        again = run(admin, "projects", [HEADER, _row(code=typed)])
        assert (again.state, again.created, again.unchanged) == (ImportState.DONE, 0, 1), (
            typed, again.errors)
    # Its export imports as it is: nothing changes.
    header, *lines = export.rows("projects")
    assert lines and lines[0][header.index("code")] == KEPT
    assert run(admin, "projects", [header, *lines]).unchanged == 1


@pytest.mark.parametrize("path", PATHS)
def test_a_code_of_the_generators_form_written_without_its_zeros_finds_its_project(
        monkeypatch, path):
    """Kept as the generator writes it (TEST-2019-0042), it was not found again by the file
    it came from (TEST-2019-42): the same file again was refused, the code taken."""
    admin, _pm = _setting()
    _path(monkeypatch, path)
    first = run(admin, "projects", [HEADER, _row(code="test-2019-42")])
    assert first.state is ImportState.DONE, first.errors
    assert db.session.scalar(select(Project.code)) == "TEST-2019-0042"
    for code in ("test-2019-42", "TEST-2019-00042", "TEST-2019-0042"):
        again = run(admin, "projects", [HEADER, _row(code=code)])
        assert (again.state, again.unchanged) == (ImportState.DONE, 1), (code, again.errors)


@pytest.mark.parametrize("path", PATHS)
def test_a_kept_code_that_only_looks_numbered_is_no_other_projects(monkeypatch, path):
    """Only an HQ's own form is read as its year and number: JITRI-AM-2019-1 is kept as
    written (`read_code`), and was found as JITRI-AM-2019-0001, another project, its title
    refused as a change to it (`spellings` padded any code shaped so)."""
    admin, _pm = _setting()
    _path(monkeypatch, path)
    rows = [HEADER, _row(code=KEPT), _row(code="JITRI-AM-2019-1", title="Another one")]
    first = run(admin, "projects", rows[:2])
    assert first.state is ImportState.DONE, first.errors
    second = run(admin, "projects", [HEADER, rows[2]])
    assert (second.state, second.created) == (ImportState.DONE, 1), second.errors
    assert dict(db.session.execute(select(Project.code, Project.title)).tuples().all()) == {
        KEPT: "Hydraulics", "JITRI-AM-2019-1": "Another one"}
    assert codes.find("jitri-am-2019-1").title == "Another one"
    assert codes.find("JITRI-AM-2019-01") is None  # no HQ's form: as written only


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("code", [
    "JITRI AM 2019", "JITRI/AM/2019", "JITRI-AM;2019", "JITRI,2019", "JITRI|2019",
    "JITRI:2019", "-JITRI-2019", "〔2019〕12号", "X" * 41])
def test_a_code_no_cell_could_name_again_is_refused(monkeypatch, path, code):
    admin, _pm = _setting()
    _path(monkeypatch, path)
    result = run(admin, "projects", [HEADER, _row(code=code)])
    assert result.state is ImportState.FAILED
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Project code")], result.errors
    assert "at most 40 letters and digits" in result.errors[0][2]
    assert db.session.scalar(select(Project.id)) is None


PROJECT_COLUMNS = [(kind, column.key) for kind in KINDS.values() for column in kind.columns
                   if column.ref == Ref.PROJECT]


@pytest.mark.parametrize(("kind", "key"), PROJECT_COLUMNS,
                         ids=[f"{k.name}.{c}" for k, c in PROJECT_COLUMNS])
def test_every_column_naming_a_project_reads_its_kept_code_however_typed(app, kind, key):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    project.code, project.seq = KEPT, None
    numbered = make_project(phase=Phase.CONTRACT_RESEARCH)
    numbered.code, numbered.year, numbered.seq = "TEST-2019-0042", 2019, 42
    _commit()
    with app.test_request_context("/"):
        for typed, named in [*((t, project) for t in TYPED), ("test-2019-42", numbered)]:
            _given, found, errors = row_forms._convert(kind, {key: typed}, references.References())
            assert errors == [], (typed, errors)
            assert found[key] in (named.id, [named.id]), typed


def test_a_conversion_names_its_project_by_its_code_however_typed():
    assert {company_events.conversions(f"{typed} | A")[0] for typed in TYPED} == {(KEPT, "A")}


@pytest.mark.parametrize("typed", TYPED)
def test_an_achievement_is_moved_to_a_project_named_by_its_code_however_typed(typed):
    achievement = make_achievement()
    target = make_project(phase=Phase.CONTRACT_RESEARCH)
    target.code, target.seq = KEPT, None
    _commit()
    withdrawals.move_achievement(make_user(Role.HQ_ADMIN), achievement, code=typed,
                                 reason="Recorded under the sister project")
    assert achievement.project_id == target.id


def test_projects_of_kept_codes_are_listed_in_one_order_page_after_page(client):
    """Kept codes have no number: the list, newest year first and then by number, ordered
    them by nothing within a year, so that a page could repeat a project another left out.
    Within a year they come by code, newest first, after the numbered ones' order."""
    kept = [f"JITRI-AM-2019-{n:04d}" for n in (3, 27, 1, 12, *range(30, 53))]
    for code in kept:
        project = make_project(phase=Phase.CONTRACT_RESEARCH)
        project.code, project.year, project.seq = code, 2019, None
    _commit()
    login(client, make_user(Role.HQ_ADMIN))
    listed = []
    for page in (1, 2):
        text = client.get(f"/projects/?page={page}").get_data(as_text=True)
        listed += re.findall(r"JITRI-AM-2019-\d{4}", text)
    assert listed == sorted(kept, reverse=True)


def test_numbered_codes_come_before_kept_ones_and_drafts_last_on_both_databases(client):
    """Kept codes have no number and drafts no year: PostgreSQL sorts NULLs first in a
    descending order, SQLite last, so on PostgreSQL the kept codes came before the numbered
    ones of their year and the drafts before every coded project (found by review)."""
    for seq in (1, 2):
        project = make_project(phase=Phase.CONTRACT_RESEARCH)
        project.code, project.year, project.seq = f"JITRI-2019-{seq:04d}", 2019, seq
    kept = make_project(phase=Phase.CONTRACT_RESEARCH)
    kept.code, kept.year, kept.seq = "JITRI-AM-2019-0007", 2019, None
    make_project(title="A draft without a code")
    _commit()
    login(client, make_user(Role.HQ_ADMIN))
    text = client.get("/projects/").get_data(as_text=True)
    listed = re.findall(r"JITRI-(?:AM-)?2019-\d{4}|A draft without a code", text)
    assert listed == ["JITRI-2019-0002", "JITRI-2019-0001", "JITRI-AM-2019-0007",
                      "A draft without a code"]
