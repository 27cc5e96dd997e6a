from tracker import create_app


def test_healthz_reports_the_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "reachable"  # the rest: tests/ops


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    # A PostgreSQL port nobody listens on.
    app = create_app("test", DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    from tracker import db

    db.session.remove()
    db.session.configure(bind=app.extensions["engine"])
    try:
        response = app.test_client().get("/healthz")
    finally:
        db.session.remove()
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
