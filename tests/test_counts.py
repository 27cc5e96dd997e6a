"""A list's count is said in one place and one wording on every list: right under its table,
before the links to its pages and its files ("4 results", "共 4 条结果"). Lists said it below
their download links, some above them, and one as "N records" (found by a newcomer)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import login
from tests.factories import make_institute, make_project, make_user
from tracker.accounts.models import Role

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
COUNT = re.compile(r'<p class="count">(.*?)</p>')


def test_only_the_count_macro_writes_a_lists_count():
    writers = {p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")
               if re.search(r'<p class="count">', p.read_text())}
    assert writers == {"macros/forms.html"}


def test_no_template_puts_anything_between_a_list_and_its_count():
    late = []
    for path in TEMPLATES.rglob("*.html"):
        lines = path.read_text().splitlines()
        for i, line in enumerate(lines):
            if re.match(r"\s*\{\{ (pager|count)\(", line) and "export_links" in lines[i - 1]:
                late.append(f"{path.relative_to(TEMPLATES)}:{i + 1}")
    assert late == []


@pytest.mark.parametrize("locale,said", [("en", "2 results"), ("zh_CN", "共 2 条结果")])
@pytest.mark.parametrize("path", ["/projects/", "/institutes/", "/achievements/late-duties",
                                  "/gates/awaiting"])
def test_a_lists_count_stands_right_under_its_table(client, locale, said, path):
    institute = make_institute()
    make_institute()
    pm = make_user(Role.PROJECT_MANAGER)
    make_project(pm, institute), make_project(pm, institute)
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    page = client.get(path).get_data(as_text=True)
    counts = list(COUNT.finditer(page))
    assert counts, path
    for found in counts:
        assert page[:found.start()].rstrip().endswith("</table>"), (path, found.group(1))
    if path in ("/projects/", "/institutes/"):
        assert counts[0].group(1) == said
