"""Permission rules live on the models; templates are given booleans or call those predicates,
and never re-derive a rule from the user's id or roles."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).parent.parent / "templates"
# A rule written out in Jinja: comparing the user's id, or reading a role.
REDERIVED = re.compile(r"current_user\.id\s*[=!]=|[=!]=\s*current_user\.id"
                       r"|current_user\.(is_hq_admin|has_role|sees_whole_portfolio"
                       r"|can_manage_users)\b")


def test_no_template_rederives_a_permission_rule():
    offenders = [f"{path.relative_to(TEMPLATES)}:{n}"
                 for path in sorted(TEMPLATES.rglob("*.html"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if REDERIVED.search(line)]
    assert offenders == []
