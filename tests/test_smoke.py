from tests.conftest import login
from tests.factories import make_user
from tracker.accounts.models import Role


def test_home_after_login(client):
    user = make_user(Role.HQ_ADMIN)
    login(client, user)
    page = client.get("/")
    assert page.status_code == 200
    assert user.name in page.get_data(as_text=True)
