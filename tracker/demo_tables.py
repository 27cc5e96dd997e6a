"""The tables of `flask demo seed --scale large` (`tracker.demo_large`): a network at the sizes of
domain.md as an HQ would fill the import's templates, from one seeded generator and fixed dates
in the past, so that the same tables come every time.

This module holds the network and its projects (institutes, enterprises, users, centres,
needs, projects, milestones, research contracts); `tracker.demo_ventures` the money and the
companies that come of them (allocation-investment agreements, spin-off companies with their
ledgers and rounds, incentive grants).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from tracker.imports.projects import imported_route
from tracker.organisations.uscc import check_character
from tracker.projects.lifecycle import PHASE_GATE, Phase


@dataclass(frozen=True)
class Sizes:
    institutes: int = 80
    pms: int = 850
    evaluators: int = 60
    enterprises: int = 600
    centres: int = 113
    needs: int = 589
    projects: int = 10_000
    active: int = 1_000
    milestones_each: int = 10
    contracts_each: int = 5
    committee: int = 5
    companies: int = 1_500

    def scaled(self, fraction: float) -> Sizes:
        """The projects (and those under way) and the companies at `fraction` of these sizes,
        the network around them as it is: `flask demo seed --scale large --fraction` (hidden),
        for a profile or a benchmark of a part of the full run."""
        if fraction == 1:
            return self
        return replace(self, projects=max(round(self.projects * fraction), 20),
                       active=max(round(self.active * fraction), 2),
                       companies=max(round(self.companies * fraction), 1))


LARGE = Sizes()
FIELDS = ("Advanced materials", "Integrated circuits", "Biomedicine", "Robotics", "Energy",
          "Information technology", "Environment", "Advanced manufacturing")
CITIES = ("南京", "苏州", "无锡", "常州", "南通", "徐州", "扬州", "镇江", "泰州", "盐城")
LINES = "设备费: {e}; 业务费: {o}; 劳务费: {l}"
KILLED = ("terminated", "rejected")  # the phases a KILL ends a project in
CONTRACT_TYPES = ("development", "transfer", "licence", "service", "consulting")
# Everything is dated before this day, so the tables do not depend on when they are made.
ANCHOR = date(2025, 12, 31)


def uscc(n: int, region: str = "320500") -> str:
    """The n-th credit code of a region (the enterprises': Suzhou, 320500)."""
    first17 = f"91{region}{n:09d}"
    return first17 + check_character(first17)


def pm_email(n: int) -> str:
    return f"pm{n:04d}@large.jitri.cn"


def committee_email(n: int) -> str:
    return f"committee{n:02d}@large.jitri.cn"


class Tables:
    """The rows of every kind, as an HQ would fill the templates (keys as headers)."""

    def __init__(self, hq_code: str, sizes: Sizes = LARGE) -> None:
        self.hq, self.s = hq_code, sizes
        self.random = random.Random(13)

    def institutes(self, directors: bool) -> list[list]:
        """First without the directors' column (a column left out keeps its value: a second
        seed does not take them off), then with it, once their accounts exist."""
        rows = [["code", "name", "field", "type", "founded_on"] + (
            ["director_id"] if directors else [])]
        for i in range(self.s.institutes):
            rows.append([f"L{i:03d}", f"产研院第 {i + 1} 研究所", FIELDS[i % len(FIELDS)],
                         ("independent", "joint", "affiliated")[i % 3],
                         date(2013 + i % 10, 1 + i % 12, 1).isoformat()] + (
                [f"director{i:03d}@large.jitri.cn"] if directors else []))
        return rows

    def enterprises(self) -> list[list]:
        rows = [["name", "uscc", "city", "industry"]]
        for n in range(self.s.enterprises):
            rows.append([f"{CITIES[n % len(CITIES)]}第 {n + 1} 科技有限公司", uscc(n),
                         CITIES[n % len(CITIES)], FIELDS[n % len(FIELDS)]])
        return rows

    def users(self) -> list[list]:
        rows = [["email", "name", "roles", "locale", "institute_id"]]
        for i in range(self.s.institutes):
            rows.append([f"director{i:03d}@large.jitri.cn", f"所长 {i + 1}", "", "zh_CN",
                         f"L{i:03d}"])
        for n in range(self.s.pms):
            rows.append([pm_email(n), f"项目经理 {n + 1}", "project_manager",
                         "zh_CN" if n % 5 else "en", f"L{n % self.s.institutes:03d}"])
        for n in range(self.s.evaluators):
            rows.append([f"evaluator{n:03d}@large.jitri.cn", f"评审专家 {n + 1}", "evaluator",
                         "zh_CN", ""])
        for n in range(self.s.committee):
            rows.append([committee_email(n), f"投资决策委员 {n + 1}", "investment_committee",
                         "zh_CN", ""])
        return rows

    def centres(self) -> list[list]:
        rows = [["name", "enterprise_id", "established_on", "city"]]
        for n in range(self.s.centres):
            rows.append([f"联合创新中心 {n + 1}", uscc(n), date(2016 + n % 9, 3, 1).isoformat(),
                         CITIES[n % len(CITIES)]])
        return rows

    def needs(self) -> list[list]:
        rows = [["title", "enterprise_id", "centre_id", "institute_id", "intended_investment",
                 "state"]]
        for n in range(self.s.needs):
            centre = n % self.s.centres
            state = ("collected", "analysed", "matched", "closed")[n % 4]
            rows.append([f"技术需求 {n + 1}", uscc(centre), f"联合创新中心 {centre + 1}",
                         f"L{n % self.s.institutes:03d}" if state == "matched" else "",
                         str(1_000_000 + 50_000 * (n % 40)), state])
        return rows

    def project(self, n: int) -> dict:
        """Project n: the first `active` are under way, the others closed, ten years of them;
        the days of its three gates (`gates`: those passed on the way to its phase, and the one
        that ended it, are the decisions' dates) and the phase whose gate ended a completed
        one (`ended_in`, empty: contract research)."""
        active = n < self.s.active
        pm = n % self.s.pms
        if active:
            year = 2024 + n % 2
            start = date(year, 1 + n % 12, 1)
            end = date(year + 4, start.month, 1)
            phase = ("proposal_review",) + ("contract_research",) * 6 + (
                "investment_decision",) * 2 + ("spin_off",)
            phase = phase[n % 10]
        else:
            year = 2016 + n % 9
            start = date(year, 1 + n % 12, 1)
            end = start + timedelta(days=3 * 365)
            phase = ("completed",) * 17 + ("terminated", "terminated", "rejected")
            phase = phase[n % 20]
        # Every 300 days or so, but no decision after the data set's today (ANCHOR): a recent
        # project passed its gates closer together.
        gates = [min(start + timedelta(days=120 + 300 * (g - 1)),
                     start + (ANCHOR - start) * g / 4) for g in (1, 2, 3)]
        # Numbers as the tracker writes them (at least four digits), unique whatever the year.
        seq = 20_000 + n if active else n + 1
        return {"n": n, "code": f"{self.hq}-{year}-{seq:04d}", "pm": pm, "start": start,
                "end": end, "phase": phase, "gates": gates,
                "type": ("contract_research", "pm_major", "allocation_investment")[n % 3],
                "ended_in": "investment_decision" if phase == "completed" and n // 9 % 3 == 0
                else ""}

    def projects(self) -> list[list]:
        rows = [["code", "title", "field", "type", "institute_id", "pm_id", "member_ids",
                 "partner_enterprise_id", "trl_now", "trl_target", "budget_total",
                 "budget_lines", "start_date", "end_date", "phase", "gates_passed_on",
                 "ended_in", "rationale"]]
        for n in range(self.s.projects):
            p = self.project(n)
            total = 500_000 * (2 + self.random.randrange(18))
            lines = LINES.format(e=total * 3 // 10, o=total * 5 // 10, l=total * 2 // 10)
            # The days of the gates its route passes: a date for another gate is refused.
            route = imported_route(Phase(p["phase"]), p["code"],
                                   Phase(p["ended_in"]) if p["ended_in"] else None)
            passed = "; ".join(f"{g}: {day.isoformat()}" for g, day in enumerate(p["gates"], 1)
                               if g in {PHASE_GATE[closed] for closed, _o, _t in route})
            colleague = p["pm"] + self.s.institutes
            rows.append([
                p["code"], f"项目 {n + 1}: {FIELDS[n % len(FIELDS)]}", FIELDS[n % len(FIELDS)],
                p["type"], f"L{p['pm'] % self.s.institutes:03d}", pm_email(p["pm"]),
                pm_email(colleague) if n % 10 == 0 and colleague < self.s.pms else "",
                uscc(n % self.s.enterprises) if n % 2 else "", 3 + n % 3, 7,
                str(total), lines, p["start"].isoformat(), p["end"].isoformat(), p["phase"],
                passed, p["ended_in"],
                "Technical route failed; funds settled" if p["phase"] in KILLED else ""])
        return rows

    def milestones(self) -> Iterator[list]:
        yield ["project_id", "title", "phase", "due_date", "state", "percent_complete",
               "waiver_reason"]
        each = self.s.milestones_each
        for n in range(self.s.projects):
            p = self.project(n)
            if p["phase"] == "rejected":
                continue  # nothing was done: the milestones go to the other projects
            span = (p["end"] - p["start"]).days
            # A terminated project (the one before each rejected one) takes its share.
            extra = each * 2 if n % 20 == 18 and n >= self.s.active else each
            for k in range(extra):
                due = p["start"] + timedelta(days=span * (k + 1) // (extra + 1))
                if p["n"] >= self.s.active:
                    state, phase = ("accepted" if k % 9 else "waived"), "contract_research"
                elif due <= ANCHOR - timedelta(days=90):
                    state, phase = "accepted", "contract_research"
                else:  # open: in the project's phase, where the form offers it
                    state, phase = ("in_progress", "planned")[k % 2], p["phase"]
                yield [p["code"], f"里程碑 {k + 1}", phase, due.isoformat(), state,
                       "40" if state == "in_progress" else "",
                       "Covered by the pilot line" if state == "waived" else ""]

    def contracts(self) -> list[list]:
        rows = [["project_id", "number", "title", "enterprise_id", "type", "amount",
                 "signed_on", "instalments", "payments"]]
        for n in range(self.s.active):
            p = self.project(n)
            institute = p["pm"] % self.s.institutes
            for k in range(self.s.contracts_each):
                # Log-normal amounts around 4 M CNY, to the thousand.
                amount = int(math.exp(self.random.gauss(math.log(4_000_000), 0.45))) // 1000
                amount *= 1000
                # In the project's life (tracker.projects.life): from its start, by then.
                signed = max(p["start"], min(p["start"] + timedelta(days=30 + 40 * k),
                                             ANCHOR - timedelta(60)))
                first, second = amount * 4 // 10, amount - amount * 4 // 10
                due1, due2 = signed + timedelta(days=30), signed + timedelta(days=400)
                paid = f"1: {(due1 + timedelta(days=5)).isoformat()}: {first}" if (
                    due1 + timedelta(days=5) <= ANCHOR) else ""
                rows.append([p["code"], f"L{institute:03d}-HT-{n:04d}-{k + 1}",
                             f"技术合同 {n + 1}-{k + 1}", uscc((n + k) % self.s.enterprises),
                             CONTRACT_TYPES[(n + k) % 5], str(amount), signed.isoformat(),
                             f"{due1.isoformat()}: {first}; {due2.isoformat()}: {second}",
                             paid])
        return rows
