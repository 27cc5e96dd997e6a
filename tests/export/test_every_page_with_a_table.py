"""A page that draws a table is a list, which offers its files (tests/export/test_every_list.py),
or says in `NOT_LISTS` why it is no list: one test for each other page of the app, asked by
every person of the world; each page answering them 200 with a table fails. A module of its
own, with a world of its own, so that it runs on one worker while the lists run on the other.
"""

from __future__ import annotations

import pytest

from tests.export.test_every_list import (  # noqa: F401  (world and people: fixtures)
    LISTS,
    NOT_LISTS,
    PAGES,
    TABLE,
    people,
    read_by_each,
    world,
)

OTHER_PAGES = sorted(set(PAGES) - set(LISTS) - set(NOT_LISTS))


@pytest.mark.parametrize("endpoint", OTHER_PAGES)
def test_a_page_with_a_table_is_a_list_or_says_why(app, world, people, endpoint):  # noqa: F811
    wrong = [f"{path} ({endpoint}) as {who}: a table and no file; export it or say in "
             "NOT_LISTS why it is no list"
             for path, who, main in read_by_each(app, world, people, endpoint)
             if TABLE.search(main)]
    assert wrong == []
