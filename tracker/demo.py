"""`flask demo seed`: a small, realistic organisation to try the tracker with.

Idempotent: every object is looked up by its natural key first, so a second run changes nothing.
"""

from __future__ import annotations

import io
import time
from datetime import date, timedelta
from decimal import Decimal

import click
from flask.cli import AppGroup
from sqlalchemy import select

from tracker import db
from tracker import demo_large as large
from tracker.accounts import services as accounts
from tracker.accounts.models import User
from tracker.achievements.demo import seed_achievements
from tracker.approvals import services as approvals
from tracker.assessment.demo import seed_assessment
from tracker.budgets.defaults import NINE_CATEGORY_CODE
from tracker.budgets.models import BudgetTemplate
from tracker.centres.demo import seed_centre_agreements
from tracker.changes import services as changes
from tracker.contracts import services as contracts
from tracker.contracts.models import ContractType
from tracker.dates import today
from tracker.demo_tables import LARGE
from tracker.experts.demo import seed_experts
from tracker.funding.demo import seed_agreement
from tracker.gates import decisions
from tracker.gates import services as gates
from tracker.gates.models import CriterionKind, Outcome, Recommendation
from tracker.incentives.demo import seed_incentives
from tracker.milestones import services as milestones
from tracker.needs.demo import seed_needs
from tracker.obligations.demo import seed_obligations
from tracker.organisations import demo as organisation_attributes
from tracker.organisations import starting
from tracker.organisations.models import (
    Enterprise,
    Headquarters,
    Institute,
    InstituteType,
    JointInnovationCentre,
    NeedState,
    TechnologyNeed,
)
from tracker.organisations.uscc import check_character
from tracker.partners.demo import seed_co_funder_payments, seed_partners
from tracker.pms.demo import seed_pm_register
from tracker.projects import services as projects
from tracker.projects.funding import FundingSource, ProgrammeLevel
from tracker.projects.models import Project, ProjectType
from tracker.regions import services as regions
from tracker.regions.defaults import JIANGSU
from tracker.techfields import services as techfields
from tracker.techfields.demo import seed_fields

demo_cli = AppGroup("demo", help="Demonstration data.")

DEMO_PASSWORD = "demo-password-2026"
# For the demo only, and printed in the README: the second factor of the demo HQ admin and
# committee member, so that anyone can sign in as them (add it to an authenticator app, or
# print the current code with pyotp). A real account enrols with a secret of its own.
DEMO_TOTP_SECRET = "DEMOJITRITRACKERTWOSTEPSIGNINKEY"

# (e-mail, name, roles, locale). Names are people's names only: a role written into a name
# ("王敏 (HQ admin)") put English on every Chinese page; pages show roles by their labels.
USERS = [
    ("admin@demo.jitri.cn", "王敏", ["hq_admin"], "zh_CN"),
    ("pm@demo.jitri.cn", "李强", ["project_manager"], "zh_CN"),
    ("evaluator@demo.jitri.cn", "Anna Evans", ["evaluator"], "en"),
    ("evaluator2@demo.jitri.cn", "刘洋", ["evaluator"], "zh_CN"),
    ("evaluator3@demo.jitri.cn", "赵磊", ["evaluator"], "zh_CN"),
    ("committee@demo.jitri.cn", "陈静", ["investment_committee"], "zh_CN"),
    ("director@demo.jitri.cn", "张伟", [], "zh_CN"),
    ("observer@demo.jitri.cn", "Olivia Ortiz", ["observer"], "en"),
]

# Reference data has a Chinese value (the key) and an English one: (Chinese, English).
HQ_NAME = ("江苏省产业技术研究院", "Jiangsu Industrial Technology Research Institute")

INSTITUTES = [
    ("JITRI-AM", ("先进材料研究所", "Institute of Advanced Materials"),
     ("先进材料", "Advanced materials"), InstituteType.INDEPENDENT, date(2014, 6, 1)),
    ("JITRI-IC", ("集成电路应用技术研究所", "Institute of Integrated Circuit Applications"),
     ("集成电路", "Integrated circuits"), InstituteType.JOINT, date(2016, 3, 15)),
    ("JITRI-BIO", ("生物医药研究所", "Institute of Biomedicine"), ("生物医药", "Biomedicine"),
     InstituteType.AFFILIATED, date(2018, 9, 20)),
    ("JITRI-RB", ("智能制造与机器人研究所", "Institute of Intelligent Manufacturing and Robotics"),
     ("机器人", "Robotics"), InstituteType.JOINT, date(2019, 11, 5)),
]

ENTERPRISES = [
    (("徐工集团工程机械股份有限公司", "XCMG Construction Machinery Co., Ltd."),
     "91320300134786452X", ("徐州", "Xuzhou"), ("工程机械", "Construction machinery")),
    (("恒瑞医药股份有限公司", "Jiangsu Hengrui Pharmaceuticals Co., Ltd."),
     "91320700704049155C", ("连云港", "Lianyungang"), ("医药", "Pharmaceuticals")),
    (("苏州纳芯微电子股份有限公司", "Suzhou Novosense Microelectronics Co., Ltd."),
     "91320594586661456C", ("苏州", "Suzhou"), ("半导体", "Semiconductors")),
]

CENTRES = [(("徐工-产研院联合创新中心", "XCMG-JITRI Joint Innovation Centre"), 0,
            date(2019, 5, 10), ("徐州", "Xuzhou")),
           (("恒瑞-产研院联合创新中心", "Hengrui-JITRI Joint Innovation Centre"), 1,
            date(2020, 8, 1), ("连云港", "Lianyungang"))]

NEEDS = [
    ("大型挖掘机液压系统能耗降低20%", 0, 0, "JITRI-RB", Decimal("5000000"), NeedState.MATCHED),
    ("抗肿瘤小分子药物连续流合成工艺", 1, 1, "JITRI-BIO", Decimal("8000000"), NeedState.ANALYSED),
    ("车规级隔离芯片可靠性测试平台", 2, None, None, Decimal("3000000"), NeedState.COLLECTED),
]


def _fix_uscc(code: str) -> str:
    return code[:17] + check_character(code[:17])


def seed() -> dict[str, int]:
    """Create what is missing; returns how many objects of each kind were created."""
    created = {"headquarters": 0, "institutes": 0, "enterprises": 0, "centres": 0, "needs": 0,
               "users": 0, **starting.install()}
    hq = db.session.scalar(select(Headquarters).where(Headquarters.code == "JITRI"))
    if hq is None:
        hq = Headquarters(code="JITRI", name=HQ_NAME[0], name_en=HQ_NAME[1])
        db.session.add(hq)
        db.session.flush()
        created["headquarters"] += 1

    users: dict[str, User] = {}
    for email, name, roles, locale in USERS:
        user = accounts.find_by_email(email)
        if user is None:
            user = accounts.create_user(None, email=email, name=name, password=DEMO_PASSWORD,
                                        roles=roles, locale=locale)
            if user.mfa_required:
                user.totp_secret = DEMO_TOTP_SECRET
                user.mfa_enabled_at = db.utcnow()
            created["users"] += 1
        users[email] = user

    created["technical fields"] = seed_fields(users["admin@demo.jitri.cn"])
    created["regions"] = regions.install(hq, JIANGSU)
    institutes: dict[str, Institute] = {}
    for code, (name, name_en), (field, field_en), kind, founded in INSTITUTES:
        institute = db.session.scalar(select(Institute).where(Institute.code == code))
        if institute is None:
            institute = Institute(hq_id=hq.id, code=code, name=name, name_en=name_en,
                                  field=field, field_en=field_en, type=kind, founded_on=founded,
                                  field_id=techfields.classify(None, field))
            db.session.add(institute)
            created["institutes"] += 1
        institutes[code] = institute
    db.session.flush()
    robotics = institutes["JITRI-RB"]
    if robotics.director_id is None:
        robotics.director_id = users["director@demo.jitri.cn"].id
    # The PM's colleagues, whom the PM may name to a team: the director, and an HQ evaluator
    # who is a researcher there too (a person can hold several roles).
    for email in ("pm@demo.jitri.cn", "director@demo.jitri.cn", "evaluator3@demo.jitri.cn"):
        if users[email].institute_id is None:
            users[email].institute_id = robotics.id

    enterprises: list[Enterprise] = []
    for (name, name_en), code, (city, city_en), (industry, industry_en) in ENTERPRISES:
        enterprise = db.session.scalar(select(Enterprise).where(Enterprise.name == name))
        if enterprise is None:
            enterprise = Enterprise(name=name, name_en=name_en, uscc=_fix_uscc(code), city=city,
                                    city_en=city_en, industry=industry, industry_en=industry_en)
            db.session.add(enterprise)
            created["enterprises"] += 1
        enterprises.append(enterprise)
    organisation_attributes.fill(list(institutes.values()), enterprises)
    db.session.flush()

    centres: list[JointInnovationCentre] = []
    for (name, name_en), enterprise_index, established, (city, city_en) in CENTRES:
        centre = db.session.scalar(
            select(JointInnovationCentre).where(JointInnovationCentre.name == name))
        if centre is None:
            centre = JointInnovationCentre(
                name=name, name_en=name_en, enterprise_id=enterprises[enterprise_index].id,
                established_on=established, city=city, city_en=city_en,
            )
            db.session.add(centre)
            created["centres"] += 1
        centres.append(centre)
    db.session.flush()

    for (title, enterprise_index, centre_index, institute_code, amount, state), field in zip(
            NEEDS, ("智能制造", "生物医药", "集成电路"), strict=True):
        if db.session.scalar(select(TechnologyNeed).where(TechnologyNeed.title == title)):
            continue
        db.session.add(TechnologyNeed(
            title=title, enterprise_id=enterprises[enterprise_index].id,
            centre_id=centres[centre_index].id if centre_index is not None else None,
            institute_id=institutes[institute_code].id if institute_code else None,
            intended_investment=amount, state=state, field_id=techfields.classify(None, field),
            description="",
        ))
        created["needs"] += 1
    db.session.flush()
    created["projects"] = _seed_projects(users, institutes, enterprises)
    created["centre agreements"] = seed_centre_agreements(users["admin@demo.jitri.cn"],
                                                          centres, enterprises)
    created["partners"] = seed_partners(users["admin@demo.jitri.cn"])
    created["funding agreements"] = seed_agreement(users["committee@demo.jitri.cn"])
    created["co-funders' payments"] = seed_co_funder_payments(users["admin@demo.jitri.cn"])
    created["assessments"] = seed_assessment(users["admin@demo.jitri.cn"],
                                             users["director@demo.jitri.cn"])
    created["experts"] = seed_experts(users["admin@demo.jitri.cn"], DEMO_PASSWORD, enterprises)
    created["achievements"] = seed_achievements(users["admin@demo.jitri.cn"])
    created["reports owed to funders"] = seed_obligations(users["admin@demo.jitri.cn"])
    created["spin-offs with equity incentives"] = seed_incentives(
        users["admin@demo.jitri.cn"], users, robotics.code)
    created["needs from intake to contract"] = seed_needs(users, DEMO_PASSWORD, enterprises,
                                                          centres, institutes)
    created["project-manager register"] = seed_pm_register(
        users["admin@demo.jitri.cn"], users, institutes, DEMO_PASSWORD)
    return created


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def _seed_projects(users: dict[str, User], institutes: dict[str, Institute],
                   enterprises: list[Enterprise]) -> int:
    """Three projects by the demo PM: a draft, one at gate 1 with a panel, one in research."""

    pm = users["pm@demo.jitri.cn"]
    director = users["director@demo.jitri.cn"]
    admin = users["admin@demo.jitri.cn"]
    panel = [users[e] for e in ("evaluator@demo.jitri.cn", "evaluator2@demo.jitri.cn",
                                "evaluator3@demo.jitri.cn")]
    start = today().replace(month=1, day=1)
    # Their funding: an enterprise through its contract (横向), HQ's own funds (自筹), and a
    # provincial programme (纵向).
    sources = {"research": {"funding_source": FundingSource.ENTERPRISE},
               "gate1": {"funding_source": FundingSource.OWN},
               "draft": {"funding_source": FundingSource.GOVERNMENT,
                         "programme_level": ProgrammeLevel.PROVINCIAL,
                         "programme_name": "江苏省重点研发计划（产业前瞻与关键核心技术）",
                         "funder_project_number": "BE2026012",
                         "managing_body": "江苏省科学技术厅"}}
    specs = [
        ("智能挖掘机液压节能控制系统", "机器人", ProjectType.CONTRACT_RESEARCH, 0, "research"),
        # The committee's agreement (tracker/funding/demo.py) goes to the project at gate 1:
        # the committee funds a submitted project, never a draft.
        ("协作机器人力控关节模组", "机器人", ProjectType.ALLOCATION_INVESTMENT, None, "gate1"),
        ("工业视觉缺陷检测平台", "机器人", ProjectType.PM_MAJOR, None, "draft"),
    ]
    created = 0
    for title, field, kind, partner, stage in specs:
        if db.session.scalar(select(Project).where(Project.title == title)):
            continue
        # The national form (the default): indirect costs within 30 % of the 900,000 of
        # direct costs less equipment; the draft, for a provincial programme, on the older
        # nine-category form (20 % of 1,500,000 at most).
        lines = [("设备费", Decimal("1200000")), ("劳务费", Decimal("900000")),
                 ("间接费用", Decimal("200000"))]
        template = {}
        if stage == "draft":
            lines += [("材料费", Decimal("600000"))]
            template = {"budget_template_id": db.session.scalar(select(BudgetTemplate.id).where(
                BudgetTemplate.code == NINE_CATEGORY_CODE))}
        project = projects.create_proposal(
            pm, budget_lines=lines, member_ids=[], **template,
            title=title, summary="", field=field, type=kind,
            institute_id=institutes["JITRI-RB"].id,
            partner_enterprise_id=enterprises[partner].id if partner is not None else None,
            need_id=None, trl_now=5, trl_target=7, budget_total=Decimal("3000000"),
            start_date=start, end_date=start.replace(year=start.year + 2), **sources[stage])
        created += 1
        if stage == "draft":
            continue
        template = gates.template_for(1)
        for name in template.required_deliverables:
            gates.upload_deliverable(pm, project, 1, name, io.BytesIO(PDF), f"{name}.pdf")
        # The director of the institute endorses it first (tracker/approvals), then HQ.
        approvals.endorse(director, projects.submit_proposal(pm, project), "同意申报，推荐立项。")
        review = project.gate_reviews[-1]
        gates.name_panel(admin, review, panel[0], panel, today() + timedelta(days=10))
        if stage == "gate1":
            continue
        amount = Decimal("2400000")
        contracts.record_contract(
            pm, project, enterprise_id=enterprises[partner or 0].id,
            title="液压节能控制技术开发合同", type=ContractType.DEVELOPMENT, amount=amount,
            signed_on=start + timedelta(days=40),
            instalments=[(start + timedelta(days=60), amount * Decimal("0.4")),
                         (start + timedelta(days=400), amount * Decimal("0.6"))])
        for evaluator in panel:
            gates.declare(evaluator, review, conflict=False)
            scores = {c.id: ({"passed": True} if c.kind is CriterionKind.MUST else {"value": 4})
                      for c in review.criteria}
            gates.submit_scores(evaluator, review, scores, Recommendation.GO)
        decisions.decide(panel[0], review, review.version, Outcome.GO)
        # Research under way: a milestone two weeks late, with a first progress post and
        # its evidence (on the overdue list, the director's start page and the project's).
        milestone = milestones.plan_milestone(
            pm, project, phase=project.phase, title="液压回路台架试验",
            deliverable="台架试验报告", due_date=max(today() - timedelta(days=14), start),
            weight=Decimal("1"))
        milestones.post_update(pm, milestone, 40, "液压回路台架已搭建，节能控制算法调试中。",
                               [(io.BytesIO(PDF), "台架试验记录.pdf")])
        # A longer project than approved, endorsed by the director, waits for HQ (its page:
        # Approve, and Refuse apart).
        longer = changes.change_end_date(pm, project,
                                         end_date=project.end_date + timedelta(days=180),
                                         reason="企业追加现场验证，需延长半年。")
        approvals.endorse(director, longer.approval, "现场验证确有必要，同意延期。")
        # A new total waits at the director (their start page: Approvals waiting).
        changes.change_total(pm, project, budget_total=Decimal("3300000"),
                             reason="现场验证增加设备租赁费用。")
    return created


def is_empty() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is None


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing unless the database has no users.")
@click.option("--scale", type=click.Choice(["small", "large"]), default="small",
              help="large: the small demo, then the sizes of domain.md through the import.")
@click.option("--fraction", type=click.FloatRange(0, 1, min_open=True), default=1.0, hidden=True,
              help="large: that fraction of the projects and companies (profiles, benchmarks).")
def seed_cmd(if_empty: bool, scale: str, fraction: float) -> None:
    """Load the demo organisation and one user per role (password in the README)."""
    if if_empty and not is_empty():
        click.echo("database not empty: demo data not loaded")
        return
    created = seed()
    db.analyze(db.session)  # the planner's statistics of the data just loaded
    db.session.commit()
    total = sum(created.values())
    click.echo("created " + ", ".join(f"{n} {k}" for k, n in created.items() if n)
               if total else "nothing to do: demo data already present")
    if scale == "large":
        _seed_large(fraction)


def _seed_large(fraction: float = 1.0) -> None:
    admin = accounts.find_by_email("admin@demo.jitri.cn")
    hq = db.session.scalar(select(Headquarters).order_by(Headquarters.id).limit(1))
    bars: dict[str, object] = {}

    def progress(name: str, done: int, total: int | None) -> None:
        bar = bars.get(name)
        if bar is None:
            bar = bars[name] = click.progressbar(length=max(total or done, 1), label=name)
            bar.__enter__()
        bar.length = max(total or done, done, 1)
        bar.update(done - bar.pos)
        if total is not None and done >= total:
            bar.__exit__(None, None, None)
            click.echo("")

    started = time.perf_counter()
    try:
        seeded = large.seed_large(admin, hq.code, sizes=LARGE.scaled(fraction),
                                   progress=progress, commit=db.session.commit)
    except large.SeedFailed as failed:
        raise click.ClickException(str(failed)) from None
    for name, run in seeded.runs.items():
        click.echo(f"{name}: {run.created} created, {run.updated} updated, "
                   f"{run.unchanged} unchanged (import #{run.id})")
    scanned = seeded.reminders
    click.echo(f"reminders due on {scanned.as_of}: found {scanned.found}, new {scanned.new}")
    click.echo(f"large scale seeded in {time.perf_counter() - started:.0f} s")
