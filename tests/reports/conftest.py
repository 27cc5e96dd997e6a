"""The network of tests/reports/world.py, built once per test module at its date (each test
rolls back its own changes) and loaded in each test's session as `net`."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.conftest import shared_data
from tests.reports import world
from tracker import db
from tracker.accounts.models import User
from tracker.organisations.models import Institute
from tracker.projects.models import Project

# What `net` holds, by key: the model of each object.
MODELS = {"admin": User, "director": User, "pm1": User, "pm2": User, "observer": User,
          "a": Institute, "b": Institute}


@pytest.fixture(scope="module")
def net_ids(app, module_connection) -> dict:
    nine = datetime.combine(world.TODAY, time(9), ZoneInfo(app.config["ORG_TIMEZONE"]))
    with time_machine.travel(nine, tick=False), shared_data(app, module_connection):
        built = world.build()
        return {key: ([p.id for p in value] if key == "p" else value.id)
                for key, value in built.items()}


@pytest.fixture
def net(clock, net_ids: dict) -> dict:
    clock.set(world.TODAY)
    loaded: dict = {key: db.session.get(MODELS[key], id_)
                    for key, id_ in net_ids.items() if key != "p"}
    loaded["p"] = [db.session.get(Project, id_) for id_ in net_ids["p"]]
    assert loaded.keys() == net_ids.keys()
    return loaded


def cells(report, prefix: str, institute_code: str = "") -> dict:
    """The annual report's rows of one breakdown (`prefix`, "needs_in_field:"), in total or
    for an institute: each group's (previous count, amount, current count, amount)."""
    return {row.figure.split(":", 1)[1]: (row.previous.count, row.previous.amount,
                                          row.current.count, row.current.amount)
            for row in report.rows() if row.figure.startswith(prefix)
            and row.institute_code == institute_code}
