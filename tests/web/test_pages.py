"""The web pages through the ASGI client: sign-in, CSRF, the council page and its forms."""

import re
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from app.auth import hash_password
from app.models import Action, Council, Department, Invitation, Meeting, Membership, User

PASSWORD = "pw-12345678"


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def seat_person(
    session, email="chair@example.com", role="chair", council: Council | None = None
) -> tuple[User, Council]:
    user = User(email=email, name=email.split("@")[0].title(), password_hash=hash_password(PASSWORD))
    session.add(user)
    if council is None:
        council = Council(name="Utility council")
        session.add(council)
    session.flush()
    session.add(Membership(council_id=council.id, user_id=user.id, role=role))
    session.commit()
    return user, council


def sign_in(client, email="chair@example.com", password=PASSWORD, next_path="/councils"):
    token = csrf_from(client.get("/login").text)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token, "next": next_path},
        follow_redirects=False,
    )


def test_home_is_the_login_page_with_secure_cookies(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Sign in" in response.text
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_sign_in_then_see_my_council_and_sign_out(client, session):
    seat_person(session)
    response = sign_in(client)
    assert response.status_code == 303 and response.headers["location"] == "/councils"
    session_cookie = [c for c in response.headers.get_list("set-cookie") if c.startswith("cxc_session=")]
    assert session_cookie and "httponly" in session_cookie[0].lower() and "samesite=lax" in session_cookie[0].lower()
    page = client.get("/councils")
    assert "Utility council" in page.text
    logout = client.post("/logout", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert logout.status_code == 303
    assert client.get("/councils", follow_redirects=False).status_code == 303


def test_wrong_password_keeps_the_email_and_says_why(client, session):
    seat_person(session)
    response = sign_in(client, password="wrong-password")
    assert response.status_code == 401
    assert "Incorrect email or password." in response.text
    assert 'value="chair@example.com"' in response.text


def test_forms_without_a_valid_csrf_token_are_refused(client, session):
    seat_person(session)
    client.get("/login")
    missing = client.post("/login", data={"email": "chair@example.com", "password": PASSWORD}, follow_redirects=False)
    assert missing.status_code == 403
    forged = client.post(
        "/login",
        data={"email": "chair@example.com", "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert client.get("/councils", follow_redirects=False).status_code == 303  # still signed out


def test_pages_need_a_sign_in_and_come_back_after_it(client, session):
    _, council = seat_person(session)
    response = client.get(f"/councils/{council.id}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=/councils/{council.id}"
    after = sign_in(client, next_path=f"/councils/{council.id}")
    assert after.headers["location"] == f"/councils/{council.id}"


def test_login_never_redirects_off_site(client, session):
    seat_person(session)
    for evil in ["https://evil.example/", "//evil.example/", "/\\evil.example"]:
        client.cookies.clear()
        assert sign_in(client, next_path=evil).headers["location"] == "/home"


def test_council_page_shows_members_departments_meetings_and_open_actions(client, session):
    chair, council = seat_person(session)
    billing = Department(council_id=council.id, name="Billing")
    supplier = Department(council_id=council.id, name="ContactPlus", is_external=True)
    session.add_all([billing, supplier])
    session.flush()
    member, _ = seat_person(session, "aisha@example.com", "member", council)
    seat = session.exec(select(Membership).where(Membership.user_id == member.id)).one()
    seat.department_id = billing.id
    session.add(
        Meeting(council_id=council.id, number=1, scheduled_at=datetime.now(UTC) + timedelta(days=7), location="Leeds")
    )
    session.add_all(
        [
            Action(
                council_id=council.id,
                title="Explain estimated bills",
                owner_id=seat.id,
                department_id=billing.id,
                due_on=date.today() - timedelta(days=3),
            ),
            Action(council_id=council.id, title="Closed already", owner_id=seat.id, due_on=date.today(), status="done"),
        ]
    )
    session.commit()
    sign_in(client)
    page = client.get(f"/councils/{council.id}").text
    for text in [
        "Aisha",
        "Billing",
        "ContactPlus",
        "outsourced supplier",
        "Leeds",
        "Explain estimated bills",
        "3 days overdue",
    ]:
        assert text in page, text
    assert "Closed already" not in page


def test_someone_elses_council_is_not_found(client, session):
    seat_person(session)
    other = Council(name="Secret council")
    session.add(other)
    session.commit()
    sign_in(client)
    response = client.get(f"/councils/{other.id}", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "Secret council" not in response.text


def test_text_is_escaped_in_pages(client, session):
    _, council = seat_person(session)
    council.name = '<script>alert("x")</script> & Co'
    session.add(council)
    session.commit()
    sign_in(client)
    page = client.get(f"/councils/{council.id}").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in page


def test_chair_forms_add_department_invitation_and_meeting(client, session):
    _, council = seat_person(session)
    sign_in(client)
    page = client.get(f"/councils/{council.id}").text
    token = csrf_from(page)
    base = f"/councils/{council.id}"
    client.post(f"{base}/departments", data={"csrf_token": token, "name": "Field Engineering", "is_external": "true"})
    dept = session.exec(select(Department).where(Department.council_id == council.id)).one()
    assert dept.name == "Field Engineering" and dept.is_external
    added = client.post(
        f"{base}/invitations",
        data={
            "csrf_token": token,
            "email": "tom@example.com",
            "name": "Tom",
            "role": "member",
            "department_id": str(dept.id),
        },
    )
    # Tom is invited, not seated: no account, no password to pass around (no mail server here).
    assert "Invitation saved: the mail is queued for tom@example.com; no mail server is configured" in added.text
    assert "temporary password" not in added.text
    invited = session.exec(select(Invitation).where(Invitation.council_id == council.id)).one()
    assert (invited.email, invited.name, invited.role, invited.department_id) == (
        "tom@example.com",
        "Tom",
        "member",
        dept.id,
    )
    result = client.post(
        f"{base}/meetings",
        data={"csrf_token": token, "scheduled_at": "2031-07-01T10:00", "duration_minutes": "90", "location": "Leeds"},
    )
    assert "Meeting 1 scheduled." in result.text
    session.expire_all()
    meeting = session.exec(select(Meeting).where(Meeting.council_id == council.id)).one()
    # 10:00 in London in July is 09:00 UTC.
    assert meeting.scheduled_at == datetime(2031, 7, 1, 9, 0, tzinfo=UTC)
    assert meeting.duration_minutes == 90


def test_chair_form_errors_are_shown_and_nothing_is_stored(client, session):
    _, council = seat_person(session)
    sign_in(client)
    token = csrf_from(client.get(f"/councils/{council.id}").text)
    page = client.post(f"/councils/{council.id}/meetings", data={"csrf_token": token, "scheduled_at": "next tuesday"})
    assert "scheduled at" in page.text
    page = client.post(f"/councils/{council.id}/departments", data={"csrf_token": token, "name": "  "})
    assert "name" in page.text
    session.expire_all()
    assert session.exec(select(Meeting)).all() == []
    assert session.exec(select(Department)).all() == []


def test_members_cannot_use_the_chairs_forms(client, session):
    _, council = seat_person(session)
    seat_person(session, "member@example.com", "member", council)
    sign_in(client, email="member@example.com")
    page = client.get(f"/councils/{council.id}").text
    assert "Add a department" not in page
    response = client.post(
        f"/councils/{council.id}/departments",
        data={"csrf_token": csrf_from(page), "name": "Sneaky"},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 403
    session.expire_all()
    assert session.exec(select(Department)).all() == []


def test_chair_sets_the_quorum_from_the_council_page(client, session):
    _, council = seat_person(session)
    sign_in(client)
    token = csrf_from(client.get(f"/councils/{council.id}").text)
    page = client.post(f"/councils/{council.id}/settings", data={"csrf_token": token, "quorum_members": "5"})
    assert "Quorum saved." in page.text
    session.refresh(council)
    assert (council.quorum_members, council.quorum_departments) == (5, None)
    page = client.post(f"/councils/{council.id}/settings", data={"csrf_token": token, "quorum_members": "0"})
    assert "quorum members" in page.text
    session.refresh(council)
    assert council.quorum_members == 5


def test_a_malformed_page_address_is_a_page_not_json(client, session):
    seat_person(session)
    sign_in(client)
    for path in ["/councils/abc", "/actions/0", "/meetings/99999999999/agenda"]:
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert "no such page" in response.text
    # The API keeps its 422 naming the parameter.
    assert client.get("/api/councils/abc").status_code in (401, 422)


def test_an_address_no_route_knows_is_the_error_page_for_a_browser_and_json_for_the_api(client):
    page = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in page.text and "no such page" in page.text
    for path, accept in [("/no-such-page", "application/json"), ("/api/no-such-thing", "text/html")]:
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not Found"}, path
