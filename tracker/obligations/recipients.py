"""Who a report owed goes to: an organisation the app knows (an enterprise, a partner such as a
co-funding city, HQ), so that each reader reads its name in their own language, or, only for a
recipient the app does not know (a city's science bureau), a name as typed.

The form chooses an organisation by a key ("enterprise-3", "partner-7", "hq-1"). A name typed
that is an organisation's name in either language, compared as people's typing is compared
(tracker/names.py: spaces, full-width forms and case aside), is that organisation, when it is
one only; migration 0083 linked the obligations recorded before by the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from tracker import db
from tracker.contracts.models import ResearchContract
from tracker.display.bilingual import in_reader_language
from tracker.funding.models import FundingAgreement
from tracker.names import name_key, one_line
from tracker.obligations.models import RECIPIENT_COLUMNS
from tracker.organisations.models import Enterprise, Headquarters
from tracker.partners.models import Partner

# The kinds of organisation a report goes to: the key's prefix, the model, the column.
KINDS = {kind: (model, RECIPIENT_COLUMNS[kind])
         for kind, model in (("enterprise", Enterprise), ("partner", Partner),
                             ("hq", Headquarters))}


@dataclass(frozen=True)
class Recipient:
    """One of the four, as the obligation stores it."""

    recipient_enterprise_id: int | None = None
    recipient_partner_id: int | None = None
    recipient_hq_id: int | None = None
    recipient: str | None = None

    @classmethod
    def of(cls, kind: str, row_id: int) -> Recipient:
        return cls(**{KINDS[kind][1]: row_id})


def offered(subject: FundingAgreement | ResearchContract) -> list[tuple[str, str]]:
    """The organisations the form offers, each (key, name in the reader's language): first
    those of `subject` (a contract's enterprise, an agreement's co-funders, the project's
    partner enterprise, HQ), then every other partner HQ works with."""
    project = subject.project
    first: list[tuple[str, Enterprise | Partner | Headquarters]] = []
    if isinstance(subject, ResearchContract):
        first.append(("enterprise", subject.enterprise))
    if project.partner_enterprise is not None:
        first.append(("enterprise", project.partner_enterprise))
    first += [("partner", c.partner) for c in getattr(subject, "co_funders", [])]
    first.append(("hq", project.hq))
    seen = {(kind, row.id) for kind, row in first}
    others = db.session.execute(select(Partner.id, Partner.name, Partner.name_en).where(
        Partner.merged_into_id.is_(None))).all()
    rest = sorted(((f"partner-{i}", in_reader_language(name, name_en))
                   for i, name, name_en in others if ("partner", i) not in seen),
                  key=lambda pair: pair[1])
    shown, keys = [], set()
    for kind, row in first:
        if (key := f"{kind}-{row.id}") not in keys:
            keys.add(key)
            shown.append((key, row.shown("name")))
    return shown + rest


def chosen(key: str, subject: FundingAgreement | ResearchContract) -> Recipient | None:
    """The organisation `key` names among those offered for `subject` (None: none of them)."""
    if key not in {k for k, _name in offered(subject)}:
        return None
    kind, row_id = key.split("-", 1)
    return Recipient.of(kind, int(row_id))


def named(text: str) -> Recipient:
    """The organisation whose name, in either language, `text` is, if one only is; else the
    name as typed (on one line)."""
    key = name_key(text)
    found = set()
    for kind, (model, _column) in KINDS.items():
        rows = select(model.id, model.name, model.name_en)
        if model is Partner:
            rows = rows.where(Partner.merged_into_id.is_(None))
        found |= {(kind, i) for i, name, name_en in db.session.execute(rows)
                  if key in (name_key(name), name_key(name_en))}
    if len(found) == 1:
        return Recipient.of(*found.pop())
    return Recipient(recipient=one_line(text)[:200])
