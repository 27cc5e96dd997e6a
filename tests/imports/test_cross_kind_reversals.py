"""Issue 13, cross-kind reversals (task imp-b, item 2, NOT DONE): a reversal in one kind's file
that the pages could record only after an entry of a kind imported later. Found: the companies
file's reversal of an incentive pool's top-up, recorded after the options it backed were
forfeited (the incentive grants file): an empty database records the reversal with the
companies file, before the grant, which is then refused for want of shares in the pool. The
disbursement reversed after its conversion's reversal (18c548f) is the one pair handled."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import install_gates, make_enterprise, make_hq, make_user
from tests.imports import test_incentive_grants, test_round_trip
from tests.imports.helpers import run
from tests.imports.test_empty_database import ORDER, _rows, _without, empty_database
from tests.imports.test_projects import _setting
from tracker import db
from tracker.accounts.models import Role
from tracker.companies import corrections
from tracker.companies import services as companies
from tracker.companies.lines import IssueLine
from tracker.companies.models import Acquisition, Company, HolderType
from tracker.imports import export
from tracker.imports.models import ImportState
from tracker.incentives import services as incentives
from tracker.incentives.models import GrantKind


@pytest.mark.xfail(strict=True, reason="a pool top-up reversed after a forfeiture is written "
                   "in the companies file, recorded before the grant it backed")
def test_a_pool_top_up_reversed_after_its_options_were_forfeited_round_trips(app, tmp_path):
    admin, _pm = _setting()
    make_enterprise(name="Pump Works", uscc="913200000000000013")
    make_user(Role.EVALUATOR, email="evaluator@import.cn")
    make_user(Role.INVESTMENT_COMMITTEE, email="committee@import.cn")
    for kind, rows in (("projects", test_round_trip.PROJECTS),
                       ("milestones", test_round_trip.MILESTONES),
                       ("contracts", test_round_trip.CONTRACTS),
                       ("funding", test_round_trip.FUNDING),
                       ("companies", _without(test_round_trip.COMPANIES, "exit")),
                       ("incentive_grants", [test_incentive_grants.KEYS,
                                             test_incentive_grants.OPTIONS,
                                             test_incentive_grants.SHARES])):
        result = run(admin, kind, rows)
        assert result.state is ImportState.DONE, (kind, result.errors)
    company = db.session.scalar(select(Company))
    pool = next(h for h in company.holders if h.kind is HolderType.INCENTIVE_POOL)
    top_up = companies.issue_shares(admin, company, IssueLine(
        pool.shown_name, HolderType.INCENTIVE_POOL, Decimal(2000000), Acquisition.CASH),
        date(2022, 6, 1))
    record = incentives.grant(admin, company, user=None, person_name="Zhao Liu",
                              kind=GrantKind.OPTIONS, shares=Decimal(1500000),
                              exercise_price=Decimal(1), pool_id=pool.id,
                              granted_on=date(2022, 7, 1), vesting_start=date(2022, 7, 1),
                              vesting_months=48, cliff_months=12)
    incentives.forfeit(admin, record, date(2022, 8, 1), "left before the cliff")
    corrections.reverse_entry(admin, top_up, date(2022, 9, 1), "the top-up was never paid")
    db.session.flush()
    exported = {kind: export.export_csv(kind) for kind in export.ROWS}
    email, name = admin.email, admin.name
    with empty_database(app, tmp_path):
        make_hq()
        install_gates()
        importer = make_user(Role.HQ_ADMIN, email=email, name=name)
        seen = set()
        for kind in ORDER:
            if kind in ("achievements", "ip_deals"):
                continue
            rows = _rows(exported[kind])
            if kind == "companies" and kind not in seen:
                rows = _without(rows, "exit")
            seen.add(kind)
            result = run(importer, kind, rows)
            assert result.state is ImportState.DONE, (kind, result.errors)
            db.session.commit()
