"""Every index a migration creates says the query it serves (issue 13 point 5: "the migration
says which query each serves"): a comment right above its `create_index` (or above its entry
in a list of indexes). Two kinds need none, since their use is what they are: a unique index
(a rule: no two rows alike) and the index of one foreign-key column (a parent's rows loaded by
it, a join along it). The first migrations, written by Alembic's autogenerate, named none
(the milestone_due rule's index, the outbox's, the cap table on a date's, 22 in all)."""

from __future__ import annotations

import re
from pathlib import Path

import tracker.models  # noqa: F401 (every table in the metadata)
from tracker.db import Base

VERSIONS = Path(__file__).resolve().parents[1] / "migrations" / "versions"
CREATED = re.compile(r"create_index\((?:\w+\.f\()?'(\w+)'")


def _needs_a_query() -> set[str]:
    names = set()
    for table in Base.metadata.tables.values():
        foreign = {fk.parent.name for fk in table.foreign_keys}
        for index in table.indexes:
            columns = [c.name for c in index.columns]
            if not index.unique and not (len(columns) == 1 and columns[0] in foreign):
                names.add(index.name)
    return names


def _created_without_a_comment() -> dict[str, str]:
    """{index name: migration} of each `create_index` of an upgrade with no comment above."""
    found = {}
    for path in sorted(VERSIONS.glob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        end = next((i for i, line in enumerate(lines) if line.startswith("def downgrade")),
                   len(lines))
        for i, line in enumerate(lines[:end]):
            created = CREATED.search(line)
            above = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
            if created and not above.startswith("#"):
                found[created.group(1)] = path.name
    return found


def test_every_index_made_for_a_query_names_it_in_its_migration():
    needs = _needs_a_query()
    assert len(needs) > 30  # the metadata was read (0008's, 0108's, ... are among them)
    silent = {name: migration for name, migration in _created_without_a_comment().items()
              if name in needs}
    assert silent == {}
