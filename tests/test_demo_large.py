"""`flask demo seed --scale large`, at a size a test can afford: every table goes through the
import, proportions as at full size, and a second run changes nothing."""

from sqlalchemy import func, select

from tracker import db
from tracker.accounts.services import find_by_email
from tracker.contracts.models import Payment, ResearchContract
from tracker.demo import seed
from tracker.demo_large import Sizes, seed_large
from tracker.milestones.models import Milestone
from tracker.organisations.models import Institute
from tracker.projects.lifecycle import FINAL, Phase
from tracker.projects.models import Project

SMALL = Sizes(institutes=4, pms=12, evaluators=2, enterprises=10, centres=3, needs=6,
              projects=60, active=10, milestones_each=2, contracts_each=2)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_large_seed_goes_through_the_import_and_again_changes_nothing(app):
    app.test_cli_runner()  # the app context of the tests' database
    seed()
    admin = find_by_email("admin@demo.jitri.cn")
    seen = []
    runs = seed_large(admin, "JITRI", sizes=SMALL,
                      progress=lambda name, done, total: seen.append(name))
    assert {name: run.created for name, run in runs.items()} == {
        "enterprises": 10, "institutes": 4, "users": 18, "institute directors": 0,
        "centres": 3, "needs": 6, "projects": 60, "milestones": 120, "contracts": 20}
    assert runs["institute directors"].updated == 4
    assert set(seen) == set(runs)
    large = select(Project.id).where(Project.code.like("JITRI-20%"), Project.title.like("项目%"))
    assert _count(Project, Project.id.in_(large), Project.phase.in_(FINAL)) == 50
    assert _count(Project, Project.id.in_(large), Project.phase == Phase.TERMINATED) == 6
    assert _count(Milestone, Milestone.project_id.in_(large)) == 120
    assert _count(ResearchContract, ResearchContract.number.is_not(None)) == 20
    assert _count(Payment) >= 10
    assert _count(Institute, Institute.director_id.is_not(None), Institute.code.like("L%")) == 4
    again = seed_large(admin, "JITRI", sizes=SMALL)
    assert {run.created + run.updated for run in again.values()} == {0}
