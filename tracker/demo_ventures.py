"""The money and the companies of `flask demo seed --scale large`, made from its projects
(`tracker.demo_tables`): allocation-investment agreements with their tranches and
disbursements, spin-off companies with their cap tables and financing rounds, and the
incentive grants from their pools, as an HQ would fill the funding, companies and incentive
grants templates. Arithmetic on the project's number only (no random draw), so the tables do
not depend on the order they are made in, and every date is before the data set's today.

Agreements: one for each allocation-investment project under way (the funding page refuses a
closed project's), signed at its start, its conversion deadline three years on; a third of
them matched 1:1:1 by the city and the district. Tranches at gates 1 and 2, each paid in full
on the day its gate was passed (the imported GO's date, when it became payable).

Companies (1,500, domain.md): from the projects HQ decided to invest in (past gate 2: under
way in investment decision or spin-off, or completed at gate 3), as many a year as that year's
projects allow (2017 to 2025), registered and incorporated three months after gate 2; the
team holds 60 % (by IP, locked up three years), HQ 20 %, the institute 10 %, an incentive pool
10 %; 0 to 3 financing rounds each (a quarter of the companies are given each count; a round
after the data set's today is left out), every round's pre-money valuation above the last
post-money. A third of the companies with rounds grant their PM shares from the pool.
"""

from __future__ import annotations

from datetime import date, timedelta

from tracker.demo_tables import ANCHOR, CITIES, Tables, committee_email, pm_email, uscc

# The companies' credit codes: Kunshan's region (the enterprises' is 320500).
COMPANY_REGION = "320583"
TOTAL_SHARES = 10_000_000
ROUND_NAMES = ("天使轮", "A轮", "B轮")


def _day(on: date) -> str:
    return on.isoformat()


def funding(t: Tables) -> list[list]:
    rows = [["project_code", "decided_by_email", "committed", "co_funders",
             "qualifying_round_min", "signed_on", "conversion_deadline", "tranches",
             "disbursements"]]
    for n in range(t.s.active):
        p = t.project(n)
        if p["type"] != "allocation_investment":
            continue
        committed = 2_000_000 + 500_000 * (n % 7)
        first = committed * 4 // 10
        amounts = (first, committed - first)
        passed = {"proposal_review": 0, "contract_research": 1}.get(p["phase"], 2)
        paid = "; ".join(f"{g}: {_day(p['gates'][g - 1])}: {amounts[g - 1]}: HQ-{n:04d}-{g}"
                         for g in range(1, passed + 1))
        rows.append([
            p["code"], committee_email(n % t.s.committee), str(committed),
            f"{CITIES[n % len(CITIES)]}市: 1; {CITIES[n % len(CITIES)]}高新区: 1"
            if (n // 3) % 3 == 0 else "",  # a third of them (n % 3 is the type's)
            "10000000", _day(p["start"]), _day(p["start"] + timedelta(days=3 * 365)),
            f"{amounts[0]} | gate 1; {amounts[1]} | gate 2", paid])
    return rows


def _sources(t: Tables) -> list[dict]:
    """The projects the companies come from: of those past gate 2, `companies` of them, as many
    registered each year as the years' projects allow (a network's ten years, not the few the
    projects' numbers would cluster them in), in the order of their registration."""
    by_year: dict[int, list[dict]] = {}
    for p in map(t.project, range(t.s.projects)):
        if p["phase"] in ("investment_decision", "spin_off") or (
                p["ended_in"] == "investment_decision"):
            by_year.setdefault(_registered(p).year, []).append(p)
    # The i-th of every year before the (i + 1)-th of any: the years share the companies.
    ranked = sorted((i, year) for year, past in by_year.items() for i in range(len(past)))
    chosen = [by_year[year][i] for i, year in ranked[:t.s.companies]]
    return sorted(chosen, key=lambda p: (_registered(p), p["n"]))


def _registered(p: dict) -> date:
    """The day project p's company was registered: three months after gate 2, and before the
    data set's today."""
    return min(p["gates"][1] + timedelta(days=90), ANCHOR - timedelta(days=60))


def _company(k: int, p: dict) -> dict:
    """Company k of project p: its registration, and the days of its rounds (0 to 3, none
    after the data set's today)."""
    registered = _registered(p)
    rounds = [registered + timedelta(days=240 * (r + 1)) for r in range(k % 4)]
    return {"k": k, "p": p, "uscc": uscc(k, COMPANY_REGION),
            "name": f"{CITIES[k % len(CITIES)]}产研创新 {k + 1} 科技有限公司",
            "registered": registered, "rounds": [d for d in rounds if d <= ANCHOR]}


def _rounds(c: dict) -> str:
    """Each round's pre-money valuation above the last post-money: 30 M CNY, then doubling."""
    parts, valuation = [], 30_000_000
    for r, on in enumerate(c["rounds"]):
        amount = 5_000_000 * (r + 1)
        parts.append(f"{ROUND_NAMES[r]} | {_day(on)} | {valuation} | "
                     f"产研创投基金 {c['k'] % 20 + 1}: investor: {amount}: lead")
        valuation = (valuation + amount) * 2
    return "; ".join(parts)


def companies(t: Tables) -> list[list]:
    rows = [["name", "uscc", "registered_on", "registered_capital", "legal_representative",
             "project_codes", "incorporated_on", "total_shares", "holdings", "rounds"]]
    for k, p in enumerate(_sources(t)):
        c = _company(k, p)
        on, lock_up = c["registered"], c["registered"] + timedelta(days=3 * 365)
        holdings = "; ".join((
            f"项目团队 {k + 1} | team | {TOTAL_SHARES * 6 // 10} | ip | 核心技术 {k + 1} | "
            f"{_day(lock_up)}",
            f"产研院总部 | hq | {TOTAL_SHARES * 2 // 10} | cash",
            f"研究所 L{p['pm'] % t.s.institutes:03d} | institute | {TOTAL_SHARES // 10} | cash",
            f"员工激励池 | incentive_pool | {TOTAL_SHARES // 10}"))
        rows.append([c["name"], c["uscc"], _day(on), str(TOTAL_SHARES), f"项目经理 {p['pm'] + 1}",
                     p["code"], _day(on), str(TOTAL_SHARES), holdings, _rounds(c)])
    return rows


def grants(t: Tables) -> list[list]:
    rows = [["company", "person", "kind", "shares", "granted_on", "vesting_start"]]
    for k, p in enumerate(_sources(t)):
        c = _company(k, p)
        if c["rounds"] and k % 3 == 0:
            granted = c["registered"] + timedelta(days=30)
            rows.append([c["uscc"], pm_email(p["pm"]), "shares", str(TOTAL_SHARES // 50),
                         _day(granted), _day(granted)])
    return rows
