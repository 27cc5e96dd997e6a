"""Pages to list, view, create and edit institutes, enterprises, centres and needs."""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db, reversals
from tracker.accounts.models import User
from tracker.centres import services as centre_services
from tracker.centres.figures import CentreFigures, figures
from tracker.centres.models import CentreAgreement
from tracker.dates import today
from tracker.display.collation import ordered
from tracker.export import responses as exports
from tracker.imports import page_files
from tracker.needs import timing
from tracker.needs.views import need_page
from tracker.organisations import columns, listing, need_states, recognitions, services
from tracker.organisations.forms import CentreForm, EnterpriseForm, InstituteForm, NeedForm
from tracker.organisations.models import (
    RECOGNITIONS,
    Enterprise,
    EnterpriseSize,
    Institute,
    InstituteType,
    JointInnovationCentre,
    NeedState,
    TechnologyNeed,
)
from tracker.regions import services as regions
from tracker.regions.models import Region
from tracker.techfields import services as techfields
from tracker.web.actions import submit
from tracker.web.corrections import offered
from tracker.web.navigation import choice_arg, paginate, row_arg, text_arg, year_arg
from tracker.web.permissions import acting_user, loaded, requires

bp = Blueprint("organisations", __name__)


def _load(model: type, object_id: int, *, edit: bool = False) -> Any:
    """The object, or 404 when it does not exist or the user may not see it; 403 to edit."""
    obj = loaded(model, object_id)
    if edit and not obj.can_edit(acting_user()):
        abort(403)
    return obj




def _form_values(form, *names: str) -> dict[str, Any]:
    values = {name: getattr(form, name).data for name in names}
    # Select fields use 0 for "none".
    return {k: (None if v == 0 and k.endswith("_id") else v) for k, v in values.items()}


def _to(endpoint: str):
    """Where a saved object's form goes: the object's page."""
    return lambda saved: url_for(endpoint, object_id=saved.id)


def _form_page(template: str, form, obj) -> Callable[[], str]:
    return lambda: render_template(template, form=form, obj=obj)


def _institutes() -> list[Institute]:
    return ordered(db.session.scalars(select(Institute)))


def _listing(template: str, query: Select, columns: list, name: str, title: str,
             foot: Any = None, *, import_kind: str, **context) -> str | Response:
    """A list's page, or the whole filtered list as a file when `?export=` asks for one (or
    `?import_file=`, as the `import_kind` import reads it); `foot`, a last row of totals, ends
    both."""
    if asked := page_files.requested(acting_user(), import_kind):
        return page_files.send(asked, page_files.ids_of(query))
    if fmt := exports.requested():
        rows = exports.stream(query)
        return exports.send(columns, chain(rows, [foot]) if foot else rows, name, fmt,
                            title=title)
    return render_template(template, page=paginate(query), columns=columns, foot=foot,
                           for_import=page_files.offered(acting_user(), import_kind), **context)


# --- institutes --------------------------------------------------------------------------------

# The latest needs an institute's, an enterprise's or a centre's page shows (an institute's:
# hundreds a year at full size); the rest are on the needs list filtered by it, which the page
# links to.
NEEDS_SHOWN = 20


def _latest_needs(user: User, of: Any) -> tuple[list[TechnologyNeed], bool]:
    """The latest NEEDS_SHOWN needs `of` an organisation that `user` sees, and whether there
    are more: the rows and one more, one statement (and one for their enterprises)."""
    needs = db.session.scalars(
        select(TechnologyNeed).where(of, TechnologyNeed.visible_to(user))
        .options(selectinload(TechnologyNeed.enterprise))
        .order_by(TechnologyNeed.created_at.desc(), TechnologyNeed.id.desc())
        .limit(NEEDS_SHOWN + 1)).all()
    return needs[:NEEDS_SHOWN], len(needs) > NEEDS_SHOWN

INSTITUTE_FIELDS = ("code", "name", "name_en", "field", "field_en", "field_id", "type",
                    "founded_on", "director_id", "region_id", "city", "city_en", "legal_entity",
                    "uscc", "partner_ids")


@bp.get("/institutes/")
@login_required
def institutes() -> str | Response:
    q, kind = text_arg("q"), choice_arg("type", _l("Type"), {t.value for t in InstituteType})
    region = row_arg("region", _l("Region"), Region)
    query = (listing.institutes(q, kind, region)
             .options(selectinload(Institute.director), selectinload(Institute.partners),
                      selectinload(Institute.region))
             .order_by(Institute.code))
    return _listing("organisations/institutes.html", query, columns.INSTITUTE_COLUMNS,
                    "institutes", _("Institutes"), import_kind="institutes", q=q, kind=kind,
                    types=list(InstituteType), region=region, regions=regions.every(),
                    can_create=Institute.can_edit(acting_user()))


@bp.get("/institutes/<int:object_id>")
@login_required
def institute(object_id: int) -> str:
    obj = _load(Institute, object_id)
    needs, more = _latest_needs(acting_user(), TechnologyNeed.institute_id == obj.id)
    return render_template("organisations/institute.html", obj=obj, needs=needs,
                           more_needs=more)


@bp.route("/institutes/new", methods=["GET", "POST"])
@requires(Institute.can_edit)
def new_institute() -> Response | tuple[str, int]:
    hq = services.the_hq_or_none()
    form = InstituteForm(users=listing.staff_choices(), fields=techfields.offered(),
                         partners=services.co_building_partners(),
                         regions=regions.offered(hq.id) if hq is not None else ())
    return submit(
        form, lambda: services.save_institute(acting_user(), None,
                                              **_form_values(form, *INSTITUTE_FIELDS)),
        _("Saved."), _to("organisations.institute"),
        _form_page("organisations/institute_form.html", form, None))


@bp.route("/institutes/<int:object_id>/edit", methods=["GET", "POST"])
@login_required
def edit_institute(object_id: int) -> Response | tuple[str, int]:
    obj = _load(Institute, object_id, edit=True)
    form = InstituteForm(obj=obj, users=listing.staff_choices(),
                         fields=techfields.offered(obj.field_id),
                         partners=services.co_building_partners(),
                         regions=regions.offered(obj.hq_id, obj.region_id))
    if request.method == "GET":
        form.partner_ids.data = [p.id for p in obj.partners]
        form.region_id.data = obj.region_id or 0
        form.director_id.data = obj.director_id or 0
        form.field_id.data = obj.field_id or 0
    return submit(
        form, lambda: services.save_institute(acting_user(), obj,
                                              **_form_values(form, *INSTITUTE_FIELDS)),
        _("Saved."), _to("organisations.institute"),
        _form_page("organisations/institute_form.html", form, obj), record=obj)


# --- enterprises -------------------------------------------------------------------------------

ENTERPRISE_FIELDS = ("name", "name_en", "uscc", "city", "city_en", "industry", "industry_en",
                     "size", *RECOGNITIONS)


@bp.get("/enterprises/")
@login_required
def enterprises() -> str | Response:
    q = text_arg("q")
    size = choice_arg("size", _l("Enterprise size"), {s.value for s in EnterpriseSize})
    recognition = choice_arg("recognition", _l("Recognitions"), RECOGNITIONS)
    query = listing.enterprises(q, size, recognition).order_by(Enterprise.name)
    return _listing("organisations/enterprises.html", query, columns.ENTERPRISE_COLUMNS,
                    "enterprises", _("Enterprises"), import_kind="enterprises", q=q, size=size,
                    sizes=list(EnterpriseSize), recognition=recognition, recognitions=RECOGNITIONS,
                    can_create=Enterprise.can_edit(acting_user()))


@bp.get("/enterprises/<int:object_id>")
@login_required
def enterprise(object_id: int) -> str:
    obj = _load(Enterprise, object_id)
    centres = db.session.scalars(
        select(JointInnovationCentre).where(JointInnovationCentre.enterprise_id == obj.id)
    ).all()
    user = acting_user()
    needs, more_needs = [], False
    if TechnologyNeed.can_list(user):
        needs, more_needs = _latest_needs(user, TechnologyNeed.enterprise_id == obj.id)
    return render_template("organisations/enterprise.html", obj=obj, centres=centres,
                           needs=needs, more_needs=more_needs,
                           recognition_history=recognitions.history(obj))


@bp.route("/enterprises/new", methods=["GET", "POST"])
@requires(Enterprise.can_edit)
def new_enterprise() -> Response | tuple[str, int]:
    form = EnterpriseForm()
    return submit(
        form, lambda: services.save_enterprise(acting_user(), None,
                                               **_form_values(form, *ENTERPRISE_FIELDS)),
        _("Saved."), _to("organisations.enterprise"),
        _form_page("organisations/enterprise_form.html", form, None))


@bp.route("/enterprises/<int:object_id>/edit", methods=["GET", "POST"])
@login_required
def edit_enterprise(object_id: int) -> Response | tuple[str, int]:
    obj = _load(Enterprise, object_id, edit=True)
    form = EnterpriseForm(obj=obj)
    return submit(
        form, lambda: services.save_enterprise(acting_user(), obj,
                                               **_form_values(form, *ENTERPRISE_FIELDS)),
        _("Saved."), _to("organisations.enterprise"),
        _form_page("organisations/enterprise_form.html", form, obj), record=obj)


# --- joint innovation centres ------------------------------------------------------------------

CENTRE_FIELDS = ("name", "name_en", "enterprise_id", "established_on", "city", "city_en",
                 "liaison_id")


@bp.get("/centres/")
@login_required
def centres() -> str | Response:
    q = text_arg("q")
    query = (listing.centres(q).options(selectinload(JointInnovationCentre.enterprise))
             .order_by(JointInnovationCentre.name))
    return _listing("organisations/centres.html", query, columns.CENTRE_COLUMNS,
                    "joint-innovation-centres", _("Joint innovation centres"),
                    import_kind="centres", q=q,
                    can_create=JointInnovationCentre.can_edit(acting_user()),
                    can_see_status=CentreAgreement.can_see(acting_user()))


@bp.get("/centres/<int:object_id>")
@login_required
def centre(object_id: int) -> str:
    obj = _load(JointInnovationCentre, object_id)
    user = acting_user()
    needs, more_needs = [], False
    if TechnologyNeed.can_list(user):
        needs, more_needs = _latest_needs(user, TechnologyNeed.centre_id == obj.id)
    shown = figures(today(), [obj.id], payments=True).get(obj.id) or CentreFigures()
    return render_template(
        "organisations/centre.html", obj=obj, needs=needs, more_needs=more_needs, figures=shown,
        can_see_agreement=CentreAgreement.can_see(user),
        can_record=CentreAgreement.can_record(user),
        paid_in_full={a.id: said for a in shown.agreements
                      if (said := centre_services.pay_refusal(a)) is not None},
        reversible=reversals.offered_to(user, [p for a in shown.agreements for p in a.payments],
                                        centre_services.payment_refusal))


@bp.route("/centres/new", methods=["GET", "POST"])
@requires(JointInnovationCentre.can_edit)
def new_centre() -> Response | tuple[str, int]:
    form = CentreForm(enterprises=listing.enterprise_choices(), users=listing.liaison_choices())
    return submit(
        form, lambda: services.save_centre(acting_user(), None, **_form_values(form,
                                                                               *CENTRE_FIELDS)),
        _("Saved."), _to("organisations.centre"),
        _form_page("organisations/centre_form.html", form, None))


@bp.route("/centres/<int:object_id>/edit", methods=["GET", "POST"])
@login_required
def edit_centre(object_id: int) -> Response | tuple[str, int]:
    obj = _load(JointInnovationCentre, object_id, edit=True)
    form = CentreForm(obj=obj, enterprises=listing.enterprise_choices(),
                      users=listing.liaison_choices())
    if request.method == "GET":
        form.liaison_id.data = obj.liaison_id or 0
    return submit(
        form, lambda: services.save_centre(acting_user(), obj, **_form_values(form,
                                                                              *CENTRE_FIELDS)),
        _("Saved."), _to("organisations.centre"),
        _form_page("organisations/centre_form.html", form, obj), record=obj)


# --- technology needs --------------------------------------------------------------------------

NEED_FIELDS = ("title", "description", "enterprise_id", "centre_id", "institute_id",
               "intended_investment", "state", "field_id")
# A need on record moves by the actions of its page (tracker/needs): its form has no state.
NEED_EDIT_FIELDS = tuple(name for name in NEED_FIELDS if name != "state")


# The `state` choice for needs matched, whether contracted since or not.
MATCHED = listing.MATCHED


@bp.get("/needs/")
@requires(TechnologyNeed.can_list)
def needs() -> str | Response:
    user = acting_user()
    q = text_arg("q")
    state = choice_arg("state", _l("State"), {MATCHED, *(s.value for s in NeedState)})
    institute_id, year = row_arg("institute", _l("Institute"), Institute), year_arg()
    # An enterprise's or a centre's page links here for the needs beyond its latest.
    of = {"enterprise": row_arg("enterprise", _l("Enterprise"), Enterprise),
          "centre": row_arg("centre", _l("Joint innovation centre"), JointInnovationCentre)}
    seen = TechnologyNeed.institutes_seen_by(user)  # the filter names no other institute
    query = (listing.needs(user, q, state, institute_id, year, of["enterprise"], of["centre"])
             .options(selectinload(TechnologyNeed.enterprise),
                      selectinload(TechnologyNeed.institute))
             .order_by(TechnologyNeed.created_at.desc(), TechnologyNeed.id.desc()))
    listed = query.order_by(None).subquery()
    foot = columns.needs_total(*db.session.execute(select(
        func.sum(listed.c.intended_investment), func.count())).one())
    return _listing(
        "organisations/needs.html", query, columns.NEED_COLUMNS, "technology-needs",
        _("Technology needs"), foot, import_kind="needs", q=q, state=state, states=list(NeedState),
        institute_id=institute_id, year=year, matched=MATCHED, of=of, of_name=_named(of),
        institutes=[i for i in _institutes() if seen is None or i.id in seen],
        can_create=TechnologyNeed.can_edit(user), can_submit=TechnologyNeed.can_submit(user),
        medians=timing.medians(query),
    )


@bp.get("/needs/<int:object_id>")
@login_required
def need(object_id: int) -> str:
    return need_page(_load(TechnologyNeed, object_id))


def _named(of: dict[str, int]) -> str:
    """The name of the enterprise or centre the needs list is limited to ("" if none)."""
    for model, object_id in ((Enterprise, of["enterprise"]),
                             (JointInnovationCentre, of["centre"])):
        if object_id:
            return db.session.get(model, object_id).shown("name")
    return ""


def _need_form(obj: TechnologyNeed | None = None) -> NeedForm:
    centres = ordered(db.session.scalars(select(JointInnovationCentre)))
    form = NeedForm(obj=obj, enterprises=listing.enterprise_choices(), centres=centres,
                    institutes=_institutes(),
                    fields=techfields.offered(obj.field_id if obj is not None else None),
                    states=need_states.choices(obj.state if obj is not None else None))
    if obj is not None:
        # A need on record moves by the actions of its page (tracker/needs), never here.
        del form.state
    if obj is not None and request.method == "GET":
        form.centre_id.data = obj.centre_id or 0
        form.institute_id.data = obj.institute_id or 0
        form.field_id.data = obj.field_id or 0
    return form


@bp.route("/needs/new", methods=["GET", "POST"])
@requires(TechnologyNeed.can_edit)
def new_need() -> Response | tuple[str, int]:
    form = _need_form()
    return submit(
        form, lambda: services.save_need(acting_user(), None, **_form_values(form, *NEED_FIELDS)),
        _("Saved."), _to("organisations.need"),
        _form_page("organisations/need_form.html", form, None))


@bp.route("/needs/<int:object_id>/edit", methods=["GET", "POST"])
@login_required
def edit_need(object_id: int) -> Response | tuple[str, int]:
    obj = _load(TechnologyNeed, object_id, edit=True)
    offered(need_states.final_refusal(obj), url_for("organisations.need", object_id=obj.id),
            keep_input=True)
    form = _need_form(obj)
    return submit(
        form, lambda: services.save_need(acting_user(), obj, **_form_values(form,
                                                                            *NEED_EDIT_FIELDS)),
        _("Saved."), _to("organisations.need"),
        _form_page("organisations/need_form.html", form, obj), record=obj)
