"""Personal access tokens: each person's own on their account, and every live one for HQ."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker import db
from tracker.apitokens import services
from tracker.apitokens.forms import TokenForm
from tracker.apitokens.models import AccessToken, TokenScope
from tracker.web.actions import press, submit
from tracker.web.permissions import acting_user, loaded, requires

bp = Blueprint("tokens", __name__)



def _page(form: TokenForm, secret: str | None = None) -> str:
    tokens, now = services.tokens_of(acting_user()), db.utcnow()
    return render_template("apitokens/tokens.html", form=form, secret=secret, tokens=tokens,
                           revocable={t.id for t in tokens
                                      if services.revoke_refusal(t, now) is None})


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def mine() -> str | Response | tuple[str, int]:
    form = TokenForm()
    return submit(
        form, lambda: services.create_token(acting_user(), form.name.data,
                                            TokenScope(form.scope.data),
                                            form.days.data),
        _("Token created. Copy it now: it is shown only this once."),
        url_for("tokens.mine"), lambda: _page(form),
        shown=lambda made: _page(TokenForm(formdata=None), secret=made[1]))


@bp.get("/admin/tokens")
@requires(AccessToken.can_list_all)
def every() -> str:
    return render_template("apitokens/every.html", tokens=services.active_tokens(db.utcnow()))


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> Response | tuple[str, int]:
    token = loaded(AccessToken, token_id, may=AccessToken.can_revoke)
    back = url_for("tokens.mine" if token.user_id == acting_user().id else "tokens.every")
    return press(lambda: services.revoke_token(acting_user(), token), _("Token revoked."), back,
                 lambda: _page(TokenForm()) if token.user_id == acting_user().id
                 else render_template("apitokens/every.html",
                                      tokens=services.active_tokens(db.utcnow())))
