"""A draft's provisional reference ("Draft 3", 草稿 3): the number of the PM's proposal, given
when the draft is first saved and kept, never the row's id. The id counts every project of every
PM since the database began, so a PM's drafts read "Draft 3, 5, 6" with gaps nobody could
explain (issue 9 point 2, the newcomer's walk); the PM's own count reads 1, 2, 3, and a gap
there is a draft of theirs that was submitted or withdrawn. Submission gives the official code
(`Project.code`), which replaces the reference everywhere (`Project.reference`).

Given here, for every new draft whoever makes it (the proposal form, the bulk import, a need
HQ opens as a draft), once per flush for all the drafts it writes: each PM's next number after
the highest they hold. Not unique in the schema: a draft handed to another PM keeps its number.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session


@event.listens_for(Session, "before_flush")
def _number_new_drafts(session: Session, flush_context: Any, instances: Any) -> None:
    drafts = [o for o in session.new if getattr(o, "__tablename__", None) == "projects"
              and o.code is None and o.draft_number is None]
    if not drafts:
        return
    highest: dict[Any, int] = {}
    with session.no_autoflush:
        for draft in drafts:
            pm_id = draft.pm_id if draft.pm_id is not None else draft.pm.id
            if pm_id not in highest:
                cls = type(draft)
                highest[pm_id] = (session.scalar(select(func.max(cls.draft_number))
                                                 .where(cls.pm_id == pm_id))
                                  if pm_id is not None else None) or 0
            highest[pm_id] += 1
            draft.draft_number = highest[pm_id]
