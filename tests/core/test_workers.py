"""Several worker processes on PostgreSQL: `council serve --workers 2`, many clients, no write lost."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import httpx
import pytest
from sqlmodel import select

from app.config import Settings
from app.models import Action, ActionEvent, Role
from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_action, make_council, make_membership, make_user
from tests.helpers import access_token
from tests.serve import council_serve

# More than one worker needs PostgreSQL; without it this fails in CI like every PostgreSQL test.
pytestmark = pytest.mark.parametrize("db_backend", ["postgresql"])

WRITERS, WRITES_EACH = 6, 2


def test_two_workers_every_concurrent_write_lands(db_url, session, tmp_path):
    chair = make_user(session)
    council = make_council(session, chair=chair)
    owner = make_membership(session, council=council, role=Role.member)
    action = make_action(session, council=council, owner=owner)
    session.commit()
    settings = Settings(_env_file=None, ENVIRONMENT="test", DATABASE_URL=db_url, SECRET_KEY=TEST_SECRET_KEY)
    headers = {"Authorization": f"Bearer {access_token(user=chair, settings=settings)}"}

    with council_serve(db_url, tmp_path, "--workers", "2") as (_process, base):
        url = f"/api/actions/{action.id}"

        def write(n: int) -> list[str]:
            created = []
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                for k in range(WRITES_EACH):
                    title = f"writer {n} action {k}"
                    response = client.post(
                        f"/api/councils/{council.id}/actions",
                        json={"title": title, "owner_id": owner.id, "due_on": str(date.today() + timedelta(days=9))},
                    )
                    assert response.status_code == 201, response.text
                    created.append(title)
                    # Everyone updates the same action: retry on a stale version until it lands.
                    for _attempt in range(200):
                        etag = client.get(url).headers["ETag"]
                        patched = client.patch(url, headers={"If-Match": etag}, json={"note": f"writer {n} write {k}"})
                        if patched.status_code == 200:
                            break
                        assert patched.status_code == 412, patched.text
                    else:
                        raise AssertionError("a writer never got through")
            return created

        with ThreadPoolExecutor(WRITERS) as pool:
            created = [title for titles in pool.map(write, range(WRITERS)) for title in titles]
        final = httpx.get(f"{base}{url}", headers=headers, timeout=10)

    expected = sorted(f"writer {n} write {k}" for n in range(WRITERS) for k in range(WRITES_EACH))
    notes = session.exec(select(ActionEvent.note).where(ActionEvent.action_id == action.id)).all()
    assert sorted(n for n in notes if n) == expected
    titles = set(session.exec(select(Action.title).where(Action.council_id == council.id)).all())
    assert titles >= set(created) and len(created) == WRITERS * WRITES_EACH
    assert final.headers["ETag"] == f'"{1 + WRITERS * WRITES_EACH}"'
