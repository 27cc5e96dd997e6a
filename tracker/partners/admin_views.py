"""HQ's pages of partners: the list (searched, filtered by kind), a partner's page with what it
co-funds, and the form to record or correct one."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker import db
from tracker.display.collation import ordered
from tracker.display.formatting import aside
from tracker.errors import Refused
from tracker.export import responses as exports
from tracker.funding.models import CoFunder, FundingAgreement
from tracker.organisations.models import Institute
from tracker.partners import merging, services
from tracker.partners.agreement_models import PartnerAgreement
from tracker.partners.columns import PARTNER_COLUMNS
from tracker.partners.forms import (
    MergeForm,
    PartnerAgreementEditForm,
    PartnerAgreementForm,
    PartnerForm,
)
from tracker.partners.models import Partner, PartnerKind, institute_partners
from tracker.search import matching
from tracker.web.actions import submit
from tracker.web.navigation import choice_arg, paginate, text_arg
from tracker.web.permissions import acting_user, found, loaded, requires

bp = Blueprint("partners", __name__)



def _partner(partner_id: int) -> Partner:
    """A partner still on its own: one merged into another is changed there, which its
    refusal names and links to (409)."""
    partner = loaded(Partner, partner_id, may=None)
    if (said := merging.merged_refusal(partner)) is not None:
        raise Refused(said, back=url_for("partners.show",
                                         partner_id=merging.effective(partner).id))
    return partner


@bp.get("/partners/")
@requires(Partner.can_list)
def index() -> str | Response:
    q, kind = text_arg("q"), choice_arg("kind", _l("Kind"), {k.value for k in PartnerKind})
    query = select(Partner).where(Partner.merged_into_id.is_(None))
    if q:
        query = query.where(matching(q, Partner.name, Partner.name_en, Partner.uscc,
                                     Partner.city, Partner.city_en))
    if kind:
        query = query.where(Partner.kind == PartnerKind(kind))
    query = query.order_by(Partner.kind, Partner.name, Partner.id)
    if fmt := exports.requested():
        return exports.send(PARTNER_COLUMNS, exports.stream(query), "partners", fmt,
                            title=_("Partners"))
    return render_template("partners/index.html", page=paginate(query), q=q, kind=kind,
                           kinds=list(PartnerKind), columns=PARTNER_COLUMNS,
                           can_create=Partner.can_edit(acting_user()))


@bp.get("/partners/<int:partner_id>")
@requires(Partner.can_list)
def show(partner_id: int) -> str | Response:
    found = db.session.get(Partner, partner_id)
    if found is not None and found.merged_into_id is not None:  # merged: its page is there
        return redirect(url_for("partners.show", partner_id=merging.effective(found).id), 301)
    partner = _partner(partner_id)
    co_funding = db.session.scalars(
        select(CoFunder).join(FundingAgreement).where(CoFunder.partner_id == partner.id,
                                                      FundingAgreement.standing())
        .options(selectinload(CoFunder.payments),
                 selectinload(CoFunder.agreement).selectinload(FundingAgreement.project))
        .order_by(FundingAgreement.signed_on.desc(), CoFunder.id)).all()
    agreements = db.session.scalars(
        select(PartnerAgreement).where(PartnerAgreement.partner_id == partner.id)
        .options(selectinload(PartnerAgreement.file))
        .order_by(PartnerAgreement.signed_on.desc(), PartnerAgreement.id.desc())).all()
    institutes = db.session.scalars(
        select(Institute).join(institute_partners,
                               institute_partners.c.institute_id == Institute.id)
        .where(institute_partners.c.partner_id == partner.id).order_by(Institute.code)).all()
    return render_template("partners/show.html", partner=partner, co_funding=co_funding,
                           agreements=agreements, institutes=institutes)


@bp.route("/partners/new", methods=["GET", "POST"])
@requires(Partner.can_edit)
def new() -> Response | tuple[str, int]:
    form = PartnerForm()
    return submit(form, lambda: services.save_partner(acting_user(), None, **form.values()),
                  _("Partner recorded."),
                  lambda saved: url_for("partners.show", partner_id=saved.id),
                  lambda: render_template("partners/form.html", form=form, partner=None))


@bp.route("/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@requires(Partner.can_edit)
def edit(partner_id: int) -> Response | tuple[str, int]:
    partner = _partner(partner_id)
    form = PartnerForm(obj=partner)
    return submit(form, lambda: services.save_partner(acting_user(), partner, **form.values()),
                  _("Saved."), url_for("partners.show", partner_id=partner.id),
                  lambda: render_template("partners/form.html", form=form, partner=partner),
                  record=partner)


@bp.route("/partners/<int:partner_id>/agreements/new", methods=["GET", "POST"])
@requires(Partner.can_edit)
def new_agreement(partner_id: int) -> Response | tuple[str, int]:
    partner = _partner(partner_id)
    form = PartnerAgreementForm()
    back = url_for("partners.show", partner_id=partner.id)
    return submit(form, lambda: services.record_agreement(acting_user(), partner, **form.values()),
                  _("Agreement recorded."), back + "#agreements",
                  lambda: render_template("partners/form.html", form=form, partner=partner,
                                          title=_("New agreement with %(name)s",
                                                  name=partner.shown("name"))))


@bp.route("/partners/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@requires(Partner.can_edit)
def edit_agreement(agreement_id: int) -> Response | tuple[str, int]:
    agreement = loaded(PartnerAgreement, agreement_id, may=None)
    partner = agreement.partner
    form = PartnerAgreementEditForm(obj=agreement)
    back = url_for("partners.show", partner_id=partner.id) + "#agreements"
    return submit(form, lambda: services.save_agreement(acting_user(), partner, agreement,
                                                        **form.values()),
                  _("Saved."), back,
                  lambda: render_template("partners/form.html", form=form, partner=partner,
                                          title=_("Correct the agreement %(title)s",
                                                  title=agreement.title)),
                  record=agreement)


@bp.route("/partners/<int:partner_id>/merge", methods=["GET", "POST"])
@requires(Partner.can_edit)
def merge(partner_id: int) -> Response | tuple[str, int]:
    """Merge a partner entered twice into the one that stays: chosen, previewed (what moves),
    then confirmed."""
    partner = _partner(partner_id)
    form = MergeForm()
    others = ordered(db.session.scalars(select(Partner).where(
        Partner.id != partner.id, Partner.merged_into_id.is_(None), Partner.kind == partner.kind)
        .order_by(Partner.name, Partner.id)))
    form.into.choices = [(0, "")] + [(p.id, f"{p.shown('name')}" + (aside(p.uscc) if p.uscc
                                                                      else "")) for p in others]

    def call():
        survivor = found(db.session.get(Partner, form.into.data) if form.into.data else None,
                         may=None)  # the page's rule lets its user see every partner
        return merging.merge_partner(acting_user(), partner, survivor)

    return submit(form, call,
                  lambda moves: _("%(merged)s was merged into %(survivor)s.",
                                  merged=partner.shown("name"),
                                  survivor=moves.survivor.shown("name")),
                  lambda moves: url_for("partners.show", partner_id=moves.survivor.id),
                  lambda: render_template("partners/merge.html", form=form, partner=partner,
                                          others=others),
                  preview=merging.preview)
