"""Recording the partners HQ works with. Each function checks the actor's permission,
validates, applies, audits and flushes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from tracker import db
from tracker.audit import services as audit
from tracker.errors import Forbidden, Problems
from tracker.files import services as files
from tracker.organisations.services import check_uscc
from tracker.partners import merging
from tracker.partners.agreement_models import (
    AgreementDocument,
    AgreementKind,
    PartnerAgreement,
)
from tracker.partners.models import Partner, PartnerKind

if TYPE_CHECKING:
    from tracker.accounts.models import User


def save_partner(actor: User, partner: Partner | None, **values: Any) -> Partner:
    """A new partner (`partner` None) or one corrected: names, kind, level, code, city, note."""
    creating = partner is None
    partner = partner or Partner()
    if not Partner.can_edit(actor):
        raise Forbidden()
    problems = Problems()  # every problem at once, each beside its field
    values["name"] = (values.get("name") or "").strip()
    if not values["name"]:
        problems.add("name", _("A partner has a name."))
    elif (other := named(values["name"])) is not None and other.id != partner.id:
        problems.add("name", _("Another partner already has this name."))
    if values.get("kind") is not PartnerKind.GOVERNMENT:
        values["level"] = None  # only a government body has a level
    check_uscc(values, problems, lambda code: bool(db.session.scalar(
        select(func.count()).select_from(Partner).where(
            Partner.uscc == code, Partner.id != (partner.id or 0)))),
        _("Another partner already has this code."))
    problems.raise_any()
    for key, value in values.items():
        # An English value left empty is none: pages then show the Chinese one.
        setattr(partner, key, (value or None) if key.endswith("_en") else value)
    changes = audit.pending_changes(partner)
    db.session.add(partner)
    audit.saved(actor, "partner", partner, creating, changes)
    db.session.flush()
    return partner


def named(name: str) -> Partner | None:
    """The partner of this name (Chinese, or else English), whatever its spaces: a partner
    merged into another leads to that one."""
    name = name.strip()
    return merging.effective(db.session.scalars(
        select(Partner).where(or_(Partner.name == name, Partner.name_en == name))
        .order_by((Partner.name == name).desc(), Partner.merged_into_id.is_not(None),
                  Partner.id).limit(1)).first())


def check_co_funders(problems: Problems, lines: list[tuple[str, Decimal | None]]) -> None:
    """A funding agreement's co-funders as the form or an import gives them: (name, ratio)."""
    if any(not name.strip() or ratio is None or ratio <= 0 for name, ratio in lines):
        problems.add("co_funders", _("Each co-funder has a name and a ratio above zero."))
    names = [name.strip() for name, _ratio in lines]
    if len(set(names)) < len(names):
        problems.add("co_funders", _("Each co-funder is named once."))


def co_funder_named(actor: User, name: str) -> Partner:
    """The partner a co-funder's name on a funding agreement (the form, the import) means: the
    one of that name, or a new government body recorded under it (co-funders are cities and
    districts, mostly; HQ corrects the kind and level on the partner's page)."""
    partner = named(name)
    if partner is not None:
        return partner
    partner = Partner(name=name.strip(), kind=PartnerKind.GOVERNMENT, level=None)
    audit.record(actor, "partner.create", partner)
    return partner



def record_agreement(actor: User, partner: Partner, **values: Any) -> PartnerAgreement:
    """An agreement signed with `partner`, with its signed document when one is uploaded."""
    return save_agreement(actor, partner, None, **values)


def save_agreement(actor: User, partner: Partner, agreement: PartnerAgreement | None, *,
                   kind: AgreementKind, title: str, signed_on: date | None,
                   starts_on: date | None, ends_on: date | None, note: str = "",
                   upload: tuple[IO[bytes], str] | None = None,
                   reason: str = "") -> PartnerAgreement:
    """A new agreement (`agreement` None) or one corrected; a document uploaded with a
    correction replaces the one on record, with the `reason` (required then: the document
    replaced stays the agreement's, downloadable and linked from the history, never lost)."""
    if not Partner.can_edit(actor):
        raise Forbidden()
    problems = Problems()  # every problem at once, each beside its field
    if not (title or "").strip():
        problems.add("title", _("An agreement has a title."))
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        problems.add("ends_on", _("The term ends after it starts."))
    if signed_on is not None and ends_on is not None and signed_on > ends_on:
        problems.add("signed_on", _("An agreement is signed before its term ends."))
    replacing = agreement is not None and agreement.file_id is not None and upload is not None
    if replacing and not (reason or "").strip():
        problems.add("reason", _("Say why the signed document is replaced: the one on record "
                                 "stays in the agreement's history."))
    stored = (problems.collect(files.store, actor, upload[0], upload[1], "file")
              if upload is not None else None)
    problems.raise_any()
    creating = agreement is None
    agreement = agreement or PartnerAgreement(partner_id=partner.id, recorded_by_id=actor.id)
    agreement.kind, agreement.title, agreement.signed_on = kind, title.strip(), signed_on
    agreement.starts_on, agreement.ends_on = starts_on, ends_on
    agreement.note = (note or "").strip()
    if stored is not None:
        agreement.file_id = stored.id
    changes = audit.pending_changes(agreement)
    if replacing:
        changes["reason"] = [None, reason.strip()]
    db.session.add(agreement)
    db.session.flush()
    if stored is not None:  # the agreement's for good, whatever replaces it later
        db.session.add(AgreementDocument(agreement_id=agreement.id, file_id=stored.id))
    audit.saved(actor, "partner_agreement", agreement, creating, changes)
    db.session.expire(agreement, ["file"])
    return agreement
