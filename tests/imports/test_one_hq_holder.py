"""The imports name holders as the forms do, through the same services: a second HQ holder is
refused by row and column as the forms refuse it beside the field (issue 9: a company has one
HQ holder), in the language of the person importing, and nothing of the row is written."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.imports.helpers import run
from tests.imports.test_companies import KEYS as FOUNDING_KEYS
from tests.imports.test_companies import ROW as FOUNDING
from tests.imports.test_company_ledger import KEYS, ROW, _setting_with_projects
from tests.imports.test_incentive_grants import KEYS as GRANT_KEYS
from tests.imports.test_incentive_grants import SHARES
from tracker import db
from tracker.companies.models import Company, HolderType, ShareEntry, Shareholder
from tracker.imports.models import ImportState
from tracker.organisations.models import Headquarters

SECOND = {"en": "JITRI is {company}'s holder of the type HQ, and a company has one: name it "
                "instead of JITRI HQ.",
          "zh": "JITRI 已是{company}的“总部”类股东，一家公司只有一个此类股东：请填写“JITRI”，"
                "而非“JITRI HQ”。"}
COLUMNS = {"en": ("Cap table at incorporation", "Later share issues", "Financing rounds"),
           "zh": ("公司设立时的股权结构表", "后续发行股份", "融资轮次")}


def _hq_holders() -> list[str]:
    return list(db.session.scalars(select(Shareholder.name).where(
        Shareholder.kind == HolderType.HQ)))


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_founders_table_naming_a_second_hq_holder_is_refused_in_its_column(locale):
    admin = _setting_with_projects()
    row = [*FOUNDING]
    row[8] = row[8].replace("JITRI | hq | 3000000", "JITRI | hq | 2000000; "
                                                    "JITRI HQ | hq | 1000000")
    with force_locale(locale):  # as the person importing reads the run's problems
        result = run(admin, "companies", [FOUNDING_KEYS, row])
        errors = result.errors
    assert result.state is not ImportState.DONE
    assert [(r, c) for r, c, _m in errors] == [(2, COLUMNS[locale][0])], errors
    assert errors[0][2].endswith(SECOND[locale].format(company=FOUNDING[0]))
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_later_issue_or_round_naming_a_second_hq_holder_is_refused_in_its_column(locale):
    admin = _setting_with_projects()
    assert run(admin, "companies", [KEYS, ROW]).state is ImportState.DONE
    entries = db.session.scalar(select(func.count()).select_from(ShareEntry))
    more = [*ROW]
    more[9] += "; B | 2024-06-01 | 30000000 | JITRI HQ: hq: 1000000: lead"
    more[10] = "JITRI HQ | hq | 100000 | 2024-01-10; " + ROW[10]
    with force_locale(locale):
        errors = run(admin, "companies", [KEYS, more]).errors
    assert {c for _r, c, _m in errors} == set(COLUMNS[locale][1:]), errors
    said = SECOND[locale].format(company=ROW[0])
    assert all(m.endswith(said) for _r, _c, m in errors), errors
    assert db.session.scalar(select(func.count()).select_from(ShareEntry)) == entries
    assert _hq_holders() == ["JITRI"]
    # HQ named as the company's holder is in the file: its shares come in, on that holder.
    more[9], more[10] = ROW[9], "JITRI | hq | 100000 | 2024-01-10; " + ROW[10]
    assert run(admin, "companies", [KEYS, more]).state is ImportState.DONE
    assert _hq_holders() == ["JITRI"]


def test_a_grant_to_hq_by_name_is_refused_in_the_person_column():
    """The company's HQ holder is "JITRI" (a name the app does not know): HQ's own name given
    as a person's would be HQ's second holding, as a person's."""
    admin = _setting_with_projects()
    assert run(admin, "companies", [KEYS, ROW]).state is ImportState.DONE
    hq = db.session.scalar(select(Headquarters))
    row = [*SHARES]
    row[1] = hq.name
    result = run(admin, "incentive_grants", [GRANT_KEYS, row])
    assert result.errors == [[2, "Person", f"{hq.name} is HQ: a holder of the type HQ, not "
                                           "R&D team."]], result.errors
    assert _hq_holders() == ["JITRI"]
