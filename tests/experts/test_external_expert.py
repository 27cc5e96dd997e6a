"""An expert from outside scores through a limited account: they sign in, see the reviews
they sit on, declare, score and read the review's material, and every other page is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import login, post
from tests.experts.helpers import make_expert
from tests.factories import install_gates, make_project, make_user
from tests.gates import helpers
from tracker.accounts.models import Role
from tracker.accounts.walls import MACHINES, OPEN
from tracker.dates import today
from tracker.gates import services as gates


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _on_a_panel():
    expert = make_expert(name="Guest Expert")
    review = helpers.submit(make_project())
    chair, other = make_user(Role.EVALUATOR), make_user(Role.EVALUATOR)
    gates.name_panel(make_user(Role.HQ_ADMIN), review, chair, [chair, other, expert.user],
                     today() + timedelta(days=10))
    helpers._commit()
    return expert, review


def _scorecard(review):
    data = {"recommendation": "go", "comment": "Sound work"}
    for c in review.criteria:
        data[f"c{c.id}"] = "1" if c.kind.value == "must" else "4"
    return data


def test_the_expert_declares_and_scores_their_review(client):
    expert, review = _on_a_panel()
    signed_in = login(client, expert.user)
    assert client.get(signed_in.headers["Location"]).headers["Location"].endswith("/my/reviews")
    mine = client.get("/my/reviews").get_data(as_text=True)
    assert f"/reviews/{review.id}" in mine
    material = review.deliverables[0].file_id
    assert client.get(f"/files/{material}").status_code == 404  # not before declaring
    assert post(client, f"/reviews/{review.id}/declare", {"conflict": "no"}).status_code == 302
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Your scorecard" in page and f"/files/{material}" in page
    assert client.get(f"/files/{material}").status_code == 200
    assert post(client, f"/reviews/{review.id}/scores", _scorecard(review)).status_code == 302
    assert review.member(expert.user).submitted_at is not None


def test_the_expert_sees_only_their_review(client):
    expert, review = _on_a_panel()
    other = helpers.submit(make_project())
    login(client, expert.user)
    post(client, f"/reviews/{review.id}/declare", {"conflict": "no"})
    assert client.get(f"/reviews/{other.id}").status_code == 404
    assert client.get(f"/projects/{review.project_id}").status_code == 403
    evidence = other.deliverables[0].file_id
    assert client.get(f"/files/{evidence}").status_code == 404
    page = client.get("/my/reviews").get_data(as_text=True)
    assert f"/reviews/{other.id}" not in page
    # The menu offers their reviews alone.
    assert 'href="/projects/"' not in page and 'href="/institutes/"' not in page


def _url(rule, values: dict) -> str:
    url = rule.rule
    for argument in rule.arguments:
        url = url.replace(f"<int:{argument}>", str(values.get(argument, 1)))
        url = url.replace(f"<{argument}>", "projects")
        url = url.replace(f"<path:{argument}>", "x")
    return url


def test_every_other_page_is_refused(client, app):
    """Each page of the application but those of `wall.OPEN`, with the ids of the expert's
    own review, project and account where a page takes one: 403, every one."""
    expert, review = _on_a_panel()
    login(client, expert.user)
    values = {"review_id": review.id, "project_id": review.project_id, "object_id": 1,
              "user_id": expert.user_id, "expert_id": expert.id}
    let_in = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in OPEN | MACHINES or rule.endpoint == "web.home":
            continue
        url = _url(rule, values)
        if "GET" in rule.methods:
            status = client.get(url).status_code
        else:
            status = post(client, url, {}).status_code
        # The API reads no cookie: without a token it answers 401 (a token: the test below);
        # its description is public.
        refused = (401 if rule.rule.startswith("/api/") else 403)
        if status != refused and rule.endpoint != "api.openapi":
            let_in.append((rule.endpoint, url, status))
    assert let_in == []


def test_the_api_refuses_their_token(client):
    """They make no token; one made for the account all the same opens nothing."""
    from datetime import timedelta as days

    from tracker import db
    from tracker.apitokens import services as tokens
    from tracker.apitokens.models import AccessToken, TokenScope
    from tracker.errors import Forbidden
    from tracker.tokens import new_token, token_hash

    expert, _review = _on_a_panel()
    with pytest.raises(Forbidden):
        tokens.create_token(expert.user, "tool", TokenScope.READ, 30)
    secret = tokens.SECRET_PREFIX + new_token()
    now = db.utcnow()
    db.session.add(AccessToken(user_id=expert.user_id, name="tool", prefix=secret[:12],
                               token_hash=token_hash(secret), scope=TokenScope.READ,
                               created_at=now, expires_at=now + days(days=30)))
    helpers._commit()
    answer = client.get("/api/v1/projects", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 403
