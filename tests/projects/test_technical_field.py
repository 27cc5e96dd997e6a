"""A record's field is said once: the technical field of HQ's list (what reports count by), with
the words it was described in only where they differ from that field's name. The project and
institute pages once showed "Field: 机器人 · technical field: 机器人" side by side."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login
from tests.factories import make_institute, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.techfields.models import TechnicalField


@pytest.fixture
def robotics():
    field = TechnicalField(code="RBX", name="机器人学", name_en="Robotics")
    db.session.add(field)
    db.session.commit()
    return field


def _facts(page: str) -> dict[str, str]:
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page, re.S)
    return {dt.strip(): re.sub(r"<[^>]+>", "", dd).strip() for dt, dd in pairs}


@pytest.mark.parametrize("locale,label,name", [
    ("en", "Technical field", "Robotics"), ("zh_CN", "技术领域", "机器人学")])
def test_a_project_whose_words_are_its_fields_name_says_the_field_once(
        client, robotics, locale, label, name):
    pm = make_user(Role.PROJECT_MANAGER, locale=locale)
    project = make_project(pm, field="Robotics", field_id=robotics.id)
    login(client, pm)
    facts = _facts(client.get(f"/projects/{project.id}").get_data(as_text=True))
    assert facts[label] == name
    assert "Field" not in facts and "研究领域" not in facts


def test_a_projects_own_words_are_said_where_they_differ_and_without_a_field(client, robotics):
    pm = make_user(Role.PROJECT_MANAGER)
    described = make_project(pm, field="Force-controlled joints", field_id=robotics.id)
    unclassified = make_project(pm, field="Force-controlled joints", field_id=None)
    login(client, pm)
    facts = _facts(client.get(f"/projects/{described.id}").get_data(as_text=True))
    assert facts["Technical field"] == "Robotics · described as “Force-controlled joints”"
    facts = _facts(client.get(f"/projects/{unclassified.id}").get_data(as_text=True))
    assert facts["Technical field"] == (
        "Force-controlled joints · not classified in a technical field")


def test_an_institutes_field_is_said_once(client, robotics):
    institute = make_institute(field="机器人学", field_en="Robotics", field_id=robotics.id)
    login(client, make_user(Role.OBSERVER))
    facts = _facts(client.get(f"/institutes/{institute.id}").get_data(as_text=True))
    assert facts["Technical field"] == "Robotics"
    assert "Field" not in facts
