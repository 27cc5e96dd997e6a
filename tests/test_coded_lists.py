"""HQ's coded bilingual lists (technical fields, a headquarters' regions) are saved by one
function, `tracker.coded_lists.save`: a code, a name in both languages, offered or retired, the
code and the name unique within the list whatever their case. The two services were near-copies
(issue 11, no logic twice); these tests fail when a second copy comes back."""

from __future__ import annotations

import ast

import pytest

from tests.factories import make_hq, make_region, make_user
from tests.regions.test_regions import _other_hq_region
from tests.source import TRACKER, modules, nodes
from tracker.accounts.models import Role
from tracker.db import Base
from tracker.errors import Invalid
from tracker.regions import services as regions
from tracker.techfields import services as techfields


def _sets_a_coded_entry(function: ast.FunctionDef) -> bool:
    """Whether the function writes an entry's code, name and English name at once."""
    return any(isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Tuple)
               and [getattr(t, "attr", None) for t in node.targets[0].elts]
               == ["code", "name", "name_en"] for node in ast.walk(function))


def test_a_coded_list_is_saved_in_one_place():
    writers = sorted(f"{path.relative_to(TRACKER)}:{node.name}" for path in modules()
                     for node in nodes(path) if isinstance(node, ast.FunctionDef)
                     and _sets_a_coded_entry(node))
    assert writers == ["coded_lists.py:save"]


def test_every_coded_list_is_kept_by_it(app):
    """Every model of the shape (a code, names in both languages, offered or not) is one of the
    lists the one save keeps, declared by its service."""
    shape = {"code", "name", "name_en", "active"}
    coded = {mapper.class_ for mapper in Base.registry.mappers
             if shape <= set(mapper.class_.__table__.columns.keys())}
    assert coded == {regions.REGIONS.model, techfields.FIELDS.model}


def _save(kind: str, **values):
    admin = make_user(Role.HQ_ADMIN)
    if kind == "region":
        return regions.save_region(admin, make_hq(), None, **values)
    return techfields.save_field(admin, None, **values)


@pytest.mark.parametrize(("kind", "taken", "free", "code"), [
    ("region", {"code": "SOUTH", "name": "苏南 "}, {"code": " Shanghai ", "name": "上海"},
     "shanghai"),
    ("field", {"code": " Am ", "name": "先进材料 "}, {"code": "ic", "name": "集成电路"}, "IC")])
def test_codes_and_names_are_unique_within_the_list_whatever_their_case(app, kind, taken,
                                                                        free, code):
    """The list's own entries only: another headquarters' region coded shanghai takes nothing
    from this headquarters' list."""
    if kind == "region":
        make_region("south")
        _other_hq_region()
    else:
        _save(kind, code="AM", name="先进材料")
    with pytest.raises(Invalid) as refused:
        _save(kind, **taken, name_en="x")
    assert [field for field, _message in refused.value.problems] == ["code", "name"]
    entry = _save(kind, **free, name_en=" ")
    assert (entry.code, entry.name_en, entry.active) == (code, None, True)
