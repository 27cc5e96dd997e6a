"""/admin/regions/: HQ admins keep their headquarters' list of regions, each with how many
institutes are in it; a region no institute is in may be deleted, one in use is retired."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.organisations.services import hq_refusal, the_hq, the_hq_or_none
from tracker.regions import services
from tracker.regions.forms import RegionForm
from tracker.regions.models import Region
from tracker.web.actions import press, submit
from tracker.web.permissions import acting_user, found, requires

bp = Blueprint("regions", __name__, url_prefix="/admin/regions")
FIELDS = ("code", "name", "name_en", "position", "active")


def _page() -> str:
    hq = the_hq_or_none()
    regions = services.of_hq(hq.id) if hq is not None else []
    counts = services.institutes_by_region()
    return render_template("regions/index.html", hq=hq, regions=regions, counts=counts,
                           no_hq=hq_refusal(), deletable={
                               r.id for r in regions
                               if services.delete_refusal(r, counts.get(r.id, 0)) is None})


@bp.get("/")
@requires(Region.can_edit)
def index() -> str:
    return _page()


def _region_or_404(region_id: int) -> Region:
    """A region of the list the page keeps, the headquarters' (`the_hq`): another
    headquarters' region answers 404, as one never made, whatever the admin asks of it."""
    hq = the_hq_or_none()
    return found(services.of_the_list(hq.id if hq is not None else None, region_id), may=None)


def _values(form: RegionForm) -> dict:
    return {name: getattr(form, name).data for name in FIELDS}


@bp.route("/new", methods=["GET", "POST"])
@requires(Region.can_edit)
def new() -> str | Response | tuple[str, int]:
    form = RegionForm()
    return submit(form, lambda: services.save_region(acting_user(), the_hq(), None,
                                                     **_values(form)),
                  _("Region added."), url_for("regions.index"),
                  lambda: render_template("regions/form.html", form=form, region=None))


@bp.route("/<int:region_id>/edit", methods=["GET", "POST"])
@requires(Region.can_edit)
def edit(region_id: int) -> str | Response | tuple[str, int]:
    region = _region_or_404(region_id)
    form = RegionForm(obj=region)
    return submit(form, lambda: services.save_region(acting_user(), region.hq, region,
                                                     **_values(form)),
                  _("Saved."), url_for("regions.index"),
                  lambda: render_template("regions/form.html", form=form, region=region),
                  record=region)


@bp.post("/<int:region_id>/delete")
@requires(Region.can_edit)
def delete(region_id: int) -> Response | tuple[str, int]:
    region = _region_or_404(region_id)
    return press(lambda: services.delete_region(acting_user(), region),
                 _("Region deleted."), url_for("regions.index"), _page)
