"""Creating and editing the organisations HQ works with. Each function checks the actor's
permission, validates what forms cannot, applies, audits and flushes."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.dates import today
from tracker.display.collation import ordered
from tracker.errors import Forbidden, Invalid, Problems, Refused
from tracker.notifications.services import emit
from tracker.organisations import need_dates, need_states, recognitions, uscc
from tracker.organisations.models import (
    RECOGNITIONS,
    Enterprise,
    Headquarters,
    Institute,
    JointInnovationCentre,
    NeedState,
    TechnologyNeed,
)
from tracker.partners.models import CO_BUILDING, Partner
from tracker.regions import services as regions
from tracker.techfields import services as techfields


def stored(values: dict[str, Any]) -> dict[str, Any]:
    """The values as a record keeps them: an English value left empty is none (pages then show
    the Chinese one). The bulk import writes its new records' columns by this too."""
    return {key: (value or None) if key.endswith("_en") else value
            for key, value in values.items()}


def _apply(actor: User, obj: Any, values: dict[str, Any], kind: str, creating: bool,
           more: dict[str, list[Any]] | None = None) -> Any:
    """`more`: changes no column holds (an institute's partners), audited with the rest."""
    if not (obj.can_edit(actor)):
        raise Forbidden()
    for key, value in stored(values).items():
        setattr(obj, key, value)
    changes = {**audit.pending_changes(obj), **(more or {})}
    db.session.add(obj)
    audit.saved(actor, kind, obj, creating, changes)
    db.session.flush()
    return obj


def taken(model: type, column: str, value: Any, obj: Any) -> bool:
    """Whether a record of `model` other than `obj` has `value` in `column` (a code)."""
    query = select(func.count()).select_from(model).where(getattr(model, column) == value)
    if obj.id is not None:
        query = query.where(model.id != obj.id)
    return bool(db.session.scalar(query))


def the_hq() -> Headquarters:
    """The headquarters (the tracker has one); refused, saying how to create it, when a new
    installation has none yet (an import of institutes before `flask hq create`)."""
    hq = the_hq_or_none()
    if hq is None:
        raise Refused(hq_refusal())
    return hq


def the_hq_or_none() -> Headquarters | None:
    """The headquarters, or None on a new installation (a form offers its regions)."""
    return db.session.scalar(select(Headquarters).order_by(Headquarters.id).limit(1))


def hq_refusal() -> str | None:
    """Why nothing that belongs to the headquarters is recorded yet: a new installation has
    none (`flask hq create` makes it); None once it has."""
    if db.session.scalar(select(Headquarters.id).limit(1)) is not None:
        return None
    return _("There is no headquarters yet: the tracker's administrator creates it first, on "
             "the server.")


def create_hq(code: str, name: str, name_en: str | None) -> tuple[Headquarters, bool]:
    """The headquarters of a new installation, from the shell (`flask hq create`), audited
    with no actor (the system); with whether it was created. The same code again finds the
    one made before; another code is refused, since the tracker has one headquarters."""
    code, name, name_en = code.strip().upper(), name.strip(), (name_en or "").strip() or None
    existing = db.session.scalar(select(Headquarters).order_by(Headquarters.id))
    if existing is not None:
        if existing.code == code:
            return existing, False
        raise Refused(_("The headquarters %(code)s exists already: the tracker has one.",
                        code=existing.code))
    problems = Problems()
    if not re.fullmatch(r"[A-Z0-9]{1,20}", code):
        problems.add("code", _("A headquarters' code is 1 to 20 letters or digits (it begins "
                               "each project's code, JITRI-2026-0042)."))
    for field, value in (("name", name), ("name_en", name_en or "")):
        if len(value) > 200 or (field == "name" and not value):
            problems.add(field, _("Write a name of 1 to 200 characters."))
    problems.raise_any()
    hq = Headquarters(code=code, name=name, name_en=name_en)
    db.session.add(hq)
    audit.record(None, "headquarters.create", hq, audit.pending_changes(hq))
    db.session.flush()
    return hq, True


def save_institute(actor: User, institute: Institute | None, **values: Any) -> Institute:
    creating = institute is None
    if creating:
        institute = Institute(hq_id=the_hq().id)
    partners, more = check_institute(institute, values)
    if "partner_ids" in more:
        institute.partners = partners
    return _apply(actor, institute, values, "institute", creating, more)


def check_institute(institute: Institute, values: dict[str, Any],
                    taken: Callable[[type, str, Any, Any], bool] = taken
                    ) -> tuple[list[Partner], dict[str, list[Any]]]:
    """What `save_institute` checks, every problem at once, each beside its field (Invalid),
    and `values` put as they are saved (the code in capitals, the credit code normalised, the
    field classified, the partners taken out): its co-building partners and the change of
    them to audit. `taken`: whether a code is another institute's (the bulk import's also
    asks the rows it holds)."""
    problems = Problems()
    values["code"] = values["code"].strip().upper()
    if taken(Institute, "code", values["code"], institute):
        problems.add("code", _("Another institute already has this code."))
    if "uscc" in values:
        check_uscc(values, problems, lambda code: taken(Institute, "uscc", code, institute),
                   _("Another institute already has this code."),
                   refused=None if values.get("legal_entity") else _(
                       "Only an institute that is a legal entity of its own has a unified "
                       "social credit code."))
    if "region_id" in values and (said := regions.region_problem(
            institute.hq_id, values["region_id"], institute.region_id)):
        problems.add("region_id", said)
    director_id = values.get("director_id")
    if director_id and db.session.scalar(
            select(User.id).where(User.id == director_id, User.staff())) is None:
        problems.add("director_id", _(
            "An institute's director is an active account of the network's own staff, not an "
            "external expert's or an enterprise contact's."))
    partners, more = [], {}
    if "partner_ids" in values:  # the form's; an import leaves them as they are
        wanted = sorted(set(values.pop("partner_ids") or ()))
        partners = [p for p in co_building_partners() if p.id in wanted] if wanted else []
        if len(partners) != len(wanted):
            problems.add("partner_ids", _("Choose universities, research institutes or "
                                          "government bodies on record."))
        before = sorted(p.id for p in institute.partners) if institute.id else []
        if before != wanted:
            more["partner_ids"] = [before or None, wanted or None]
    problems.raise_any()
    values["field_id"] = techfields.classify(  # the choice made, or kept, or the text's
        values.get("field_id") or institute.field_id, values.get("field"))
    return partners, more


def co_building_partners() -> list[Partner]:
    """The partners an institute may be built with, by name."""
    return ordered(db.session.scalars(select(Partner).where(
        Partner.kind.in_(CO_BUILDING), Partner.merged_into_id.is_(None))
        .order_by(Partner.name, Partner.id)))


def save_enterprise(actor: User, enterprise: Enterprise | None, **values: Any) -> Enterprise:
    creating = enterprise is None
    enterprise = enterprise or Enterprise()
    check_enterprise(enterprise, values)
    before = {key: getattr(enterprise, key) for key in RECOGNITIONS}
    _apply(actor, enterprise, values, "enterprise", creating)
    recognitions.keep_years(enterprise, before)
    db.session.flush()
    return enterprise


def check_enterprise(enterprise: Enterprise, values: dict[str, Any],
                     taken: Callable[[type, str, Any, Any], bool] = taken) -> None:
    """What `save_enterprise` checks, every problem at once, each beside its field (Invalid);
    the credit code in `values` normalised. `taken`: as `check_institute`'s."""
    problems = Problems()
    check_uscc(values, problems, lambda code: taken(Enterprise, "uscc", code, enterprise),
               _("Another enterprise already has this code."))
    # An enterprise is recorded once: by its name too, which finds it while it has no code
    # (issue 13, F12: a file naming it without its code made a second one). A name recorded
    # twice before this rule stays editable.
    name = (values.get("name") or "").strip()
    if name and name != enterprise.name and taken(Enterprise, "name", name, enterprise):
        problems.add("name", _("Another enterprise already has this name: an enterprise is "
                               "recorded once. To change that one, give its credit code "
                               "(or, while it has none, its name alone)."))
    this_year = today().year
    for key in RECOGNITIONS:
        if (values.get(key) or 0) > this_year:
            problems.add(key, _("A recognition is granted in a year that has come (%(year)d "
                                "at the latest).", year=this_year))
    for key, needed in recognitions.unmet_requirements(enterprise, values).items():
        if key not in problems:
            problems.add(key, _("“%(recognition)s” is granted only to an enterprise recognised "
                                "as “%(required)s” in the same year or earlier: give that "
                                "year.", recognition=RECOGNITIONS[key],
                                required=RECOGNITIONS[needed]))
    problems.raise_any()


def check_uscc(values: dict[str, Any], problems: Problems, taken: Callable[[str], bool],
               another: str, *, refused: str | None = None) -> str | None:
    """The unified social credit code of `values`, normalised there (None when empty), checked
    as every holder of one checks it: a valid code, `another` beside it when `taken` says a
    record of its kind has it already; `refused`, said instead, where the holder may have none.
    Asked by the institutes', enterprises', companies' and partners' checks."""
    code = values["uscc"] = uscc.normalise(values.get("uscc") or "") or None
    if code is None:
        return None
    if refused is not None:
        problems.add("uscc", refused)
    elif not uscc.is_valid(code):
        problems.add("uscc", uscc_message(code))
    elif taken(code):
        problems.add("uscc", another)
    return code


def uscc_message(code: str) -> str:
    reason = uscc.problem(code)
    if reason == "length":
        return _("A unified social credit code has 18 characters; this has %(n)d.",
                 n=len(uscc.normalise(code)))
    if reason == "characters":
        return _("Only digits and capital letters other than I, O, S, V and Z are allowed.")
    if reason == "region":
        return _("Characters 3 to 8 are the region code and must be digits.")
    return _("The check character (the last one) does not match: a character was mistyped.")


def save_centre(
    actor: User, centre: JointInnovationCentre | None, **values: Any
) -> JointInnovationCentre:
    creating = centre is None
    check_centre(actor, values)
    return _apply(actor, centre or JointInnovationCentre(), values, "centre", creating)


def check_centre(actor: User, values: dict[str, Any]) -> None:
    """What `save_centre` checks: who may (Forbidden), then its liaison (Invalid)."""
    if not JointInnovationCentre.can_edit(actor):
        raise Forbidden()
    liaison_id = values.get("liaison_id")
    if liaison_id:
        liaison = db.session.get(User, liaison_id)
        if liaison is None or not JointInnovationCentre.may_be_liaison(
                liaison, values.get("enterprise_id")):
            raise Invalid("liaison_id", _("A liaison is one of HQ's staff or a contact of the "
                                          "centre's enterprise."))


def save_need(actor: User, need: TechnologyNeed | None, **values: Any) -> TechnologyNeed:
    """HQ's form and the needs import: a new need in the state it has reached (dated by the
    days the import gives, `recorded_on` and `matched_on`: `need_dates`), or an edit (a state
    given for a need on record moves it by `stamp_state`)."""
    state, reason, dated = check_need(actor, need, values)
    creating = need is None
    need = need or TechnologyNeed()
    matched = state == NeedState.MATCHED and need.state != NeedState.MATCHED
    if creating:
        need.state = new_need_state(state)
        for key, at in dated.items():
            setattr(need, key, at)
    elif state is not None:
        stamp_state(actor, need, state, reason)
    need = _apply(actor, need, values, "need", creating)
    if matched:
        emit(actor, "need_matched", need)
    return need


def new_need_state(state: NeedState | None) -> NeedState:
    """The state a new need is recorded in: the one it has reached, else collected."""
    return state or NeedState.COLLECTED


def check_need(actor: User, need: TechnologyNeed | None, values: dict[str, Any]
               ) -> tuple[NeedState | None, str, dict[str, datetime]]:
    """What `save_need` checks: who may (Forbidden), then every problem at once, each beside
    its field (Invalid). The state, the reason of a closing and a new need's days are taken
    out of `values`; returned with the columns those days give (`need_dates.check`). The
    field is classified."""
    if not TechnologyNeed.can_edit(actor):
        raise Forbidden()  # before anything about the need is said
    problems = Problems()  # every problem at once, each beside its field
    state = values.pop("state", None)
    reason = values.pop("close_reason", "")
    recorded_on, matched_on = values.pop("recorded_on", None), values.pop("matched_on", None)
    if "field_id" in values:
        values["field_id"] = techfields.classify(values["field_id"])
    if need is not None and (said := need_states.final_refusal(need)) is not None:
        # Kept as it was when it was contracted or closed; the same again changes nothing,
        # nor the state it had before a contract carried it on.
        if state is not None and need_states.carried_on(need, state):
            state = None
        for field in _changing(need, state, values):
            problems.add(field, said)
        problems.raise_any()
    if state is not None and (refusal := need_states.check(need and need.state, state)):
        problems.add("state", refusal)
    elif (need is not None and state is NeedState.CLOSED and need.state is not NeedState.CLOSED
          and not reason.strip()):
        problems.add("state", _("A need is closed with the reason: close it on its page."))
    if state in (NeedState.MATCHED, NeedState.CONTRACTED) and not values.get("institute_id"):
        problems.add("institute_id", _("A matched need names the institute it was matched to."))
    amount = values.get("intended_investment")
    if amount is not None and amount < 0:
        problems.add("intended_investment", _("The amount cannot be negative."))
    centre_id = values.get("centre_id")
    if centre_id:
        centre = db.session.get(JointInnovationCentre, centre_id)
        if centre is None or centre.enterprise_id != values.get("enterprise_id"):
            problems.add("centre_id", _("This centre belongs to another enterprise."))
    dated = need_dates.check(problems, state, recorded_on, matched_on) if need is None else {}
    problems.raise_any()
    return state, reason, dated


def _changing(need: TechnologyNeed, state: NeedState | None, values: dict[str, Any]) -> list[str]:
    """The fields saving `values` (and `state`) would change on `need`, as `_apply` sets them."""
    changing = ["state"] if state is not None and state is not need.state else []
    return changing + [key for key, value in values.items() if getattr(need, key) != (
        (value or None) if key.endswith("_en") else value)]


def stamp_state(actor: User | None, need: TechnologyNeed, target: NeedState, reason: str = "",
                *, by_contract: bool = False, at: datetime | None = None) -> None:
    """THE writer of a need's state: checked by the table (tracker/organisations/need_states.py;
    `by_contract`: a signed research contract, which makes any contractable need contracted),
    a closing with its reason, and when each step was reached (the times from intake to match
    and to contract, the stale-need reminder's count). The caller audits the change with the
    rest of what it changes. `at`: when it was reached, if not now (a contract's signing)."""
    if target == need.state:
        return
    if by_contract and need.state not in need_states.CONTRACTABLE:
        return
    problems = Problems()  # both at once
    if not by_contract and (refusal := need_states.check(need.state, target)):
        problems.add("state", refusal)
    if target is NeedState.CLOSED and not reason.strip():
        problems.add("reason", _("Say why the need is closed."))
    problems.raise_any()
    now = at or db.utcnow()
    if need.state is NeedState.MATCHED and target is NeedState.ANALYSED:
        need.matched_at = need.matched_by_id = None  # the match fell through
    need.state, need.state_since = target, now
    if target is NeedState.ANALYSED:
        need.analysed_at = need.analysed_at or now
    elif target is NeedState.MATCHED:
        need.matched_at, need.matched_by_id = now, actor.id if actor else None
    elif target is NeedState.CONTRACTED:
        need.contracted_at = now
    elif target is NeedState.CLOSED:
        need.closed_at, need.close_reason = now, reason.strip()
