"""Every form that posts carries `novalidate`: the app checks its input and answers with its
error summary (every problem at once, in the page's language), never the browser's own pop-up
(one field at a time, in the browser's language). Walks every template, so a new form without
it fails here; the rendered pages are checked too (tests/test_forms_speak.py: page_problems)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_db  # reads the templates only: run once (pyproject.toml)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORM_TAG = re.compile(r"<form\b[^>]*>", re.IGNORECASE | re.DOTALL)
POSTS = re.compile(r"""\bmethod\s*=\s*["']?post\b""", re.IGNORECASE)
NOVALIDATE = re.compile(r"\bnovalidate\b", re.IGNORECASE)


def forms_without_novalidate(text: str) -> list[str]:
    return [tag for tag in FORM_TAG.findall(text) if POSTS.search(tag)
            and not NOVALIDATE.search(tag)]


def test_the_check_finds_a_form_without_novalidate():
    assert forms_without_novalidate('<form method="post" class="form"><input required></form>')
    assert forms_without_novalidate("<FORM action=x METHOD=POST>")
    assert not forms_without_novalidate('<form method="post" novalidate class="inline">')
    assert not forms_without_novalidate('<form method="get" class="filters">')


def test_every_posting_form_of_every_template_has_novalidate():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 50, "no templates found: has the folder moved?"
    found = {str(path.relative_to(TEMPLATES)): missing for path in templates
             if (missing := forms_without_novalidate(path.read_text(encoding="utf-8")))}
    assert not found, found
