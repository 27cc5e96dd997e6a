"""Reference data from before it had both languages: the English migration 0039 derives, and
the rule a page states when a value is shown in the other language for want of its own."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select, text

from tests.conftest import login
from tests.factories import make_enterprise, make_institute, make_project, make_user
from tests.test_migrations import empty_database  # noqa: F401 - a fixture
from tracker import db
from tracker.accounts.models import Role
from tracker.db import make_engine
from tracker.display.bilingual import OTHER_LANGUAGE_MARK
from tracker.migrate import alembic_config
from tracker.organisations.models import Institute

NOTE = "have no English value yet"


def test_an_english_page_says_why_a_name_is_in_chinese(client):
    chinese_only = make_enterprise(name="苏州精密机械有限公司", name_en=None, city="苏州",
                                   city_en=None)
    both = make_enterprise(name="南京传感科技有限公司", name_en="Nanjing Sensing Co., Ltd.",
                           city="南京", city_en="Nanjing", industry="传感器",
                           industry_en="Sensors")
    db.session.commit()
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    page = client.get(f"/enterprises/{chinese_only.id}").get_data(as_text=True)
    assert "苏州精密机械有限公司" in page and NOTE in page
    page = client.get(f"/enterprises/{both.id}").get_data(as_text=True)
    assert "Nanjing Sensing Co., Ltd." in page and NOTE not in page


def test_the_english_is_derived_where_it_can_be(empty_database):  # noqa: F811
    """Gate names, criteria and deliverables by the defaults' pairs, a review's from its
    template, cities by their names and by other rows; the rest stays empty (the page's
    rule)."""
    config = alembic_config(empty_database)
    command.upgrade(config, "0038")
    engine = make_engine(empty_database)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO headquarters (id, code, name) VALUES (1, 'TEST', '总部')"))
        conn.execute(text(
            "INSERT INTO gate_templates (id, gate, name, pass_threshold, quorum, review_days,"
            " required_deliverables) VALUES (1, 1, '立项评审', 60, 3, 14, '[\"项目申报书\"]'),"
            " (2, 2, '研发验收（新）', 65, 3, 14, '[\"研究报告\", \"自编清单\"]')"))
        conn.execute(text(
            "INSERT INTO gate_criteria (id, template_id, position, kind, text, weight,"
            " scale_max) VALUES (1, 1, 0, 'should', '技术先进性', 3, 5),"
            " (2, 1, 1, 'should', '自定标准', 1, 5)"))
        conn.execute(text(
            "INSERT INTO enterprises (id, name, city, city_en, industry, industry_en) VALUES"
            " (1, '甲公司', '苏州市', NULL, '医药', NULL),"
            " (2, '乙公司', '江北新区', 'Jiangbei New Area', '医药', 'Pharmaceuticals'),"
            " (3, '丙公司', '江北新区', NULL, '自造行业', NULL)"))
    command.upgrade(config, "0039")
    with engine.connect() as conn:
        templates = dict(conn.execute(text(
            "SELECT gate, name_en FROM gate_templates")).all())
        deliverables = dict(conn.execute(text(
            "SELECT gate, required_deliverables_en FROM gate_templates")).all())
        criteria = dict(conn.execute(text("SELECT text, text_en FROM gate_criteria")).all())
        enterprises = {row.id: (row.city_en, row.industry_en) for row in conn.execute(text(
            "SELECT id, city_en, industry_en FROM enterprises"))}
    engine.dispose()
    assert templates == {1: "Proposal review", 2: None}  # renamed by HQ: not derivable
    assert deliverables[1] in ('["Proposal document"]', ["Proposal document"])
    assert deliverables[2] is None  # one of its deliverables is HQ's own
    assert criteria == {"技术先进性": "Technical novelty", "自定标准": None}
    assert enterprises == {1: ("Suzhou", "Pharmaceuticals"),
                           2: ("Jiangbei New Area", "Pharmaceuticals"),
                           3: ("Jiangbei New Area", None)}
    command.downgrade(config, "0038")  # what the tables gave is emptied again
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name_en FROM gate_templates WHERE gate = 1")).scalar() \
            is None
        assert conn.execute(text("SELECT city_en FROM enterprises WHERE id = 1")).scalar() is None
    engine.dispose()
    command.upgrade(config, "head")


def test_a_list_whose_names_fall_back_in_sql_says_so_as_the_record_page_does(client):
    """Lists select names in the reader's language in SQL (bilingual.shown_sql): a name taken
    from the other language there marks the page as `in_reader_language` does."""
    both = make_institute(name="先进材料研究所", name_en="Institute of Advanced Materials")
    make_project(institute=both)
    reader = make_user(Role.HQ_ADMIN, locale="en")
    db.session.commit()
    login(client, reader)
    listing = client.get("/projects/").get_data(as_text=True)
    assert "Institute of Advanced Materials" in listing and NOTE not in listing
    chinese_only = make_institute(name="生物医药研究所", name_en=None)
    make_project(institute=chinese_only)
    db.session.commit()
    listing = client.get("/projects/").get_data(as_text=True)
    assert "生物医药研究所" in listing and NOTE in listing
    assert OTHER_LANGUAGE_MARK not in listing
    # The value a query reads has no mark left, whoever reads it.
    name = db.session.scalar(select(Institute.shown_in_sql("name")).where(
        Institute.id == chinese_only.id))
    assert name == "生物医药研究所"
