"""An institute's history written before migration 0112 kept its region as the enum's value, a
code ("south"); the history says it as its headquarters' region of that code is named in the
reader's language (苏南, Southern Jiangsu), as the institute's page does, and a code no region
has any more as the enum's label said it. The class: every enum column a migration turned into
a table of coded rows has its old values read by name."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import login
from tests.factories import _commit, make_institute, make_region, make_user
from tests.source import tree
from tracker.accounts.models import Role
from tracker.audit import services as audit
from tracker.display import history_keys, history_names

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"


@pytest.mark.parametrize(("locale", "said"), [
    ("en", ["Southern Jiangsu", "Northern Jiangsu", "Central Jiangsu"]),
    ("zh_CN", ["苏南", "苏北", "中部"])])
def test_an_old_record_says_the_region_by_its_name(client, locale, said):
    south = make_region("south")
    central = make_region("central", name="中部", name_en="Central Jiangsu")  # renamed since
    institute = make_institute(region=central)  # no region of the code "north" any more
    admin = make_user(Role.HQ_ADMIN, locale=locale)
    audit.record(None, "institute.update", institute, {"region": [None, "south"]})
    audit.record(None, "institute.update", institute, {"region": ["south", "north"]})
    audit.record(None, "institute.update", institute, {"region": ["north", "central"]})
    _commit()
    login(client, admin)
    page = client.get(f"/history/institutes/{institute.id}").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", page[page.index("<main"):]))
    assert all(name in text for name in said), text
    assert re.search(r"\b(south|north|central)\b", text) is None, text
    assert south.code == "south"


def _enums_made_tables() -> list[tuple[str, str]]:
    """(table, column) of every enum column a migration's upgrade dropped with its CHECK."""
    found = []
    for path in sorted(MIGRATIONS.glob("*.py")):
        upgrade = next(node for node in tree(path).body
                       if isinstance(node, ast.FunctionDef) and node.name == "upgrade")
        for block in ast.walk(upgrade):
            call = block.items[0].context_expr if isinstance(block, ast.With) else None
            if not (isinstance(call, ast.Call)
                    and getattr(call.func, "attr", "") == "batch_alter_table"
                    and isinstance(call.args[0], ast.Constant)):
                continue  # not a table's, or tables in a loop (no enum among them yet)
            table = call.args[0].value
            said = {node.value for node in ast.walk(block)
                    if isinstance(node, ast.Constant) and isinstance(node.value, str)}
            found += [(table, node.args[0].value) for node in ast.walk(block)
                      if isinstance(node, ast.Call)
                      and getattr(node.func, "attr", "") == "drop_column"
                      and f"ck_{table}_{node.args[0].value}" in said]
    return found


def test_every_enum_made_a_table_reads_its_old_codes_by_name(app):
    """An enum column gone from its model (a table of rows with codes took its place: an
    institute's region, migration 0112) leaves records holding its values: the history reads
    them as codes of that table's rows (`history_keys.KINDS_OF`, kind "coded")."""
    found = _enums_made_tables()
    assert ("institutes", "region") in found
    for table, column in found:
        if column in history_names.model_of(table).__table__.columns:
            continue  # dropped and added back (a downgrade's enum, a CHECK renamed)
        kind = history_keys.written(table, column)
        assert isinstance(kind, tuple) and kind[0] == "coded", (table, column, kind)
        assert "code" in history_names.model_of(kind[1]).__table__.columns
