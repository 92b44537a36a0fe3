"""Seats by invitation: the chair invites, only the invited person can take the seat, and the
answer to the chair never tells who has an account. Mail goes through a real SMTP server on loopback."""

import re
from datetime import timedelta

import pytest
from sqlmodel import func, select

from app.models import Invitation, Membership, OutboxMessage, User, utcnow
from app.outbox.deliver import deliver_all
from tests.factories import PASSWORD, make_council, make_department, make_membership, make_user
from tests.helpers import auth, error_fields
from tests.web.test_pages import csrf_from, sign_in

# What may differ between two invitations apart from whom they are for.
OWN = {"id", "email", "name", "created_at", "expires_at", "mailed_at"}


@pytest.fixture
def world(session):
    chair = make_user(session, email="chair@example.com", name="Helen Carter")
    council = make_council(session, name="Utility council", chair=chair)
    billing = make_department(session, council=council, name="Billing")
    known = make_user(session, email="known@example.com", name="Known Person")
    session.commit()
    return {"chair": chair, "council": council, "billing": billing, "known": known}


def invite(app, client, w, email: str, **fields):
    """Invite by the API, then run the deliverer (as `council deliver` would) so the mail arrives."""
    answer = client.post(
        f"/api/councils/{w['council'].id}/invitations", headers=auth(app, w["chair"]), json={"email": email, **fields}
    )
    deliver_all(app.state.engine, app.state.settings)
    return answer


def count(session, model, *where) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def link_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"http://council\.example(/invitations/[A-Za-z0-9_-]+)", text).group(1)


def test_the_chair_hears_the_same_whether_or_not_the_email_has_an_account(mail_app, inbox, session, world):
    app, client = mail_app
    fields = {"role": "secretary", "department_id": world["billing"].id, "name": "Someone"}
    known = invite(app, client, world, "Known@Example.com", **fields)
    unknown = invite(app, client, world, "stranger@example.com", **fields)
    assert known.status_code == unknown.status_code == 201
    a, b = known.json(), unknown.json()
    assert a.keys() == b.keys() and "temporary_password" not in a
    assert {k: v for k, v in a.items() if k not in OWN | {"mail_detail"}} == {
        k: v for k, v in b.items() if k not in OWN | {"mail_detail"}
    }
    assert (a["status"], a["mail"], a["department_name"]) == ("pending", "queued", "Billing")
    assert a["invited_by_name"] == "Helen Carter"
    # Nobody is seated and no account is made by inviting.
    assert count(session, Membership) == 1
    assert count(session, User) == 2  # the chair and the known person
    # The two people get the same words, each with a link of their own.
    one, two = inbox.to("known@example.com")[0], inbox.to("stranger@example.com")[0]
    assert one["Subject"] == two["Subject"] == "Invitation to Utility council"
    text_one = one.get_body(("plain",)).get_content().replace(link_in(one), "LINK")
    text_two = two.get_body(("plain",)).get_content().replace(link_in(two), "LINK")
    assert text_one == text_two and "Helen Carter invites you to sit on Utility council as secretary" in text_one
    assert link_in(one) != link_in(two)
    # Only the SHA-256 of the link's secret is stored.
    token = link_in(one).rsplit("/", 1)[1]
    session.expire_all()
    assert session.exec(select(Invitation).where(Invitation.token_hash == token)).first() is None


def test_a_person_with_an_account_accepts_from_their_invitations(app, client, session, world):
    invitation = invite(app, client, world, "known@example.com", role="secretary", department_id=world["billing"].id)
    mine = client.get("/api/me/invitations", headers=auth(app, world["known"])).json()
    assert [(i["council_name"], i["role"], i["department_name"], i["invited_by_name"]) for i in mine["data"]] == [
        ("Utility council", "secretary", "Billing", "Helen Carter")
    ]
    accepted = client.post(f"/api/invitations/{invitation.json()['id']}/accept", headers=auth(app, world["known"]))
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    member = client.get(
        f"/api/councils/{world['council'].id}/members/{accepted.json()['membership_id']}",
        headers=auth(app, world["known"]),
    ).json()
    assert (member["email"], member["role"], member["department_name"]) == ("known@example.com", "secretary", "Billing")
    assert client.get("/api/me/invitations", headers=auth(app, world["known"])).json()["count"] == 0
    # Answered once: accepting or declining again is a conflict, not a second seat.
    again = client.post(f"/api/invitations/{invitation.json()['id']}/accept", headers=auth(app, world["known"]))
    assert again.status_code == 409 and "already accepted" in again.json()["detail"]
    assert (
        client.post(
            f"/api/invitations/{invitation.json()['id']}/decline", headers=auth(app, world["known"])
        ).status_code
        == 409
    )
    # The chair's record: who invited whom, when, and that it was accepted.
    [row] = client.get(f"/api/councils/{world['council'].id}/invitations", headers=auth(app, world["chair"])).json()[
        "data"
    ]
    assert (row["status"], row["invited_by_name"]) == ("accepted", "Helen Carter") and row["accepted_at"]


def test_declining_seats_nobody(app, client, session, world):
    invitation = invite(app, client, world, "known@example.com").json()
    declined = client.post(f"/api/invitations/{invitation['id']}/decline", headers=auth(app, world["known"]))
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    refused = client.post(f"/api/invitations/{invitation['id']}/accept", headers=auth(app, world["known"]))
    assert refused.status_code == 409
    assert count(session, Membership, Membership.user_id == world["known"].id) == 0


def test_someone_elses_invitation_does_not_exist_for_me(app, client, session, world):
    invitation = invite(app, client, world, "known@example.com").json()
    other = make_user(session, email="other@example.com")
    session.commit()
    for answer in ("accept", "decline"):
        response = client.post(f"/api/invitations/{invitation['id']}/{answer}", headers=auth(app, other))
        assert response.status_code == 404 and response.json()["detail"] == "Invitation not found."
    # The chair who sent it cannot take it either.
    assert (
        client.post(f"/api/invitations/{invitation['id']}/accept", headers=auth(app, world["chair"])).status_code == 404
    )
    assert client.get("/api/me/invitations", headers=auth(app, other)).json()["count"] == 0
    assert count(session, Membership) == 1


def test_expired_and_revoked_invitations_are_gone_and_resending_renews(app, client, session, world):
    invitation = invite(app, client, world, "known@example.com").json()
    row = session.get(Invitation, invitation["id"])
    row.expires_at = utcnow() - timedelta(minutes=1)
    session.add(row)
    session.commit()
    base = f"/api/councils/{world['council'].id}/invitations/{invitation['id']}"
    expired = client.post(f"/api/invitations/{invitation['id']}/accept", headers=auth(app, world["known"]))
    assert expired.status_code == 410 and "expired" in expired.json()["detail"]
    assert client.get("/api/me/invitations", headers=auth(app, world["known"])).json()["count"] == 0

    resent = client.post(f"{base}/resend", headers=auth(app, world["chair"]))
    assert resent.status_code == 200 and resent.json()["status"] == "pending"
    assert resent.json()["mail"] == "queued" and "SMTP_URL" in resent.json()["mail_detail"]
    revoked = client.post(f"{base}/revoke", headers=auth(app, world["chair"]))
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    gone = client.post(f"/api/invitations/{invitation['id']}/accept", headers=auth(app, world["known"]))
    assert gone.status_code == 410 and "withdrawn" in gone.json()["detail"]
    assert client.post(f"{base}/revoke", headers=auth(app, world["chair"])).status_code == 409
    assert client.post(f"{base}/resend", headers=auth(app, world["chair"])).status_code == 409
    # Another council's invitation id is not this council's.
    elsewhere = make_council(session, chair=world["chair"])
    session.commit()
    assert (
        client.post(
            f"/api/councils/{elsewhere.id}/invitations/{invitation['id']}/revoke", headers=auth(app, world["chair"])
        ).status_code
        == 404
    )


def test_accepting_for_a_council_i_already_sit_on_is_refused(app, client, session, world):
    invitation = invite(app, client, world, "known@example.com").json()
    make_membership(session, council=world["council"], user=world["known"])
    session.commit()
    refused = client.post(f"/api/invitations/{invitation['id']}/accept", headers=auth(app, world["known"]))
    assert refused.status_code == 409 and refused.json()["detail"] == "You already sit on this council."
    assert invite(app, client, world, "known@example.com").status_code == 409


def test_reinviting_replaces_the_pending_invitation_and_its_link(mail_app, inbox, session, world):
    app, client = mail_app
    first = invite(app, client, world, "new@example.com", name="New Person").json()
    second = invite(app, client, world, "new@example.com", name="New Person", role="observer").json()
    old_link, new_link = (link_in(m) for m in inbox.to("new@example.com"))
    assert client.get(old_link).status_code == 410  # superseded: withdrawn
    assert client.get(new_link).status_code == 200
    statuses = {
        i["id"]: i["status"]
        for i in client.get(
            f"/api/councils/{world['council'].id}/invitations", headers=auth(app, world["chair"])
        ).json()["data"]
    }
    assert statuses == {first["id"]: "revoked", second["id"]: "pending"}


def test_a_new_person_accepts_by_the_emailed_link_and_is_signed_in(mail_app, inbox, session, world):
    app, client = mail_app
    invite(app, client, world, "new@example.com", name="Nia Jones", role="member", department_id=world["billing"].id)
    link = link_in(inbox.to("new@example.com")[0])
    page = client.get(link)
    assert page.status_code == 200 and 'value="Nia Jones"' in page.text
    token = csrf_from(page.text)
    # A password too short is named, and the name typed is kept; nothing is created.
    short = client.post(link, data={"csrf_token": token, "name": "Nia J", "password": "short"})
    assert short.status_code == 422 and "password" in short.text and 'value="Nia J"' in short.text
    assert count(session, User, User.email == "new@example.com") == 0
    done = client.post(
        link, data={"csrf_token": token, "name": "Nia J", "password": "a-good-password"}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == f"/councils/{world['council'].id}"
    council_page = client.get(done.headers["location"])
    assert council_page.status_code == 200 and "you joined Utility council as member" in council_page.text
    session.expire_all()
    user = session.exec(select(User).where(User.email == "new@example.com")).one()
    assert user.name == "Nia J"
    seat = session.exec(select(Membership).where(Membership.user_id == user.id)).one()
    assert (seat.role, seat.department_id) == ("member", world["billing"].id)
    # The link is used up.
    assert client.get(link).status_code == 409
    assert (
        client.post("/api/auth/token", data={"username": "new@example.com", "password": "a-good-password"}).status_code
        == 200
    )


def test_the_link_of_an_existing_account_asks_them_to_sign_in(mail_app, inbox, session, world):
    app, client = mail_app
    invite(app, client, world, "known@example.com")
    link = link_in(inbox.to("known@example.com")[0])
    page = client.get(link)
    assert page.status_code == 200 and "Sign in</a> to accept" in page.text and 'name="password"' not in page.text
    # Posting a password through the link makes no second account.
    refused = client.post(
        link, data={"csrf_token": csrf_from(page.text), "name": "Impostor", "password": "long-enough-pw"}
    )
    assert refused.status_code == 409 and "sign in to accept" in refused.text
    assert count(session, User, User.email == "known@example.com") == 1
    assert count(session, Membership, Membership.user_id == world["known"].id) == 0
    assert client.get("/invitations/" + "x" * 43).status_code == 404


def test_the_link_can_decline(mail_app, inbox, session, world):
    app, client = mail_app
    invite(app, client, world, "new@example.com")
    link = link_in(inbox.to("new@example.com")[0])
    token = csrf_from(client.get(link).text)
    declined = client.post(link, data={"csrf_token": token, "answer": "decline"}, follow_redirects=False)
    assert declined.status_code == 303
    assert client.get(link).status_code == 409
    assert count(session, User, User.email == "new@example.com") == 0


def test_a_refusing_mail_server_keeps_the_invitation_and_resend_sends_it(mail_app, inbox, session, world):
    app, client = mail_app
    inbox.refuse = {"new@example.com"}
    sent = invite(app, client, world, "new@example.com")
    assert sent.status_code == 201
    assert sent.json()["mail"] == "queued" and sent.json()["mail_detail"] == "queued for new@example.com"
    assert count(session, Invitation) == 1  # the invitation stands
    # The deliverer was refused for good (550): the message is given up, for the Mail page to show.
    [row] = session.exec(select(OutboxMessage)).all()
    assert (row.kind, row.status, row.council_id) == ("account", "failed", world["council"].id)
    assert "550" in row.last_error
    inbox.refuse = set()
    base = f"/api/councils/{world['council'].id}/invitations/{sent.json()['id']}"
    again = client.post(f"{base}/resend", headers=auth(app, world["chair"]))
    assert again.status_code == 200 and again.json()["mail"] == "queued" and again.json()["mailed_at"]
    deliver_all(app.state.engine, app.state.settings)
    assert len(inbox.to("new@example.com")) == 1


def test_an_invitation_whose_request_fails_after_queuing_mails_nobody(mail_app, inbox, session, world, monkeypatch):
    """The mail is a row of the request's transaction: the request fails, the row goes with it."""
    from fastapi.testclient import TestClient
    from sqlalchemy.exc import OperationalError

    from app.councils import invitation_service

    app, client = mail_app

    def database_gone(**_):
        # What the database says when it goes away between two statements of the request.
        raise OperationalError("UPDATE invitations", {}, Exception("server closed the connection unexpectedly"))

    # The step right after the mail is queued (recording when it was queued) fails.
    monkeypatch.setattr(invitation_service, "mark_mailed", database_gone)
    with TestClient(app, raise_server_exceptions=False) as failing:
        failed = failing.post(
            f"/api/councils/{world['council'].id}/invitations",
            headers=auth(app, world["chair"]),
            json={"email": "new@example.com"},
        )
    assert failed.status_code >= 500
    assert count(session, OutboxMessage) == 0 and count(session, Invitation) == 0
    monkeypatch.undo()
    assert deliver_all(app.state.engine, app.state.settings).claimed == 0
    assert inbox.messages == []


def test_invitation_validation_names_the_field(app, client, session, world):
    for body, field in [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@example.com", "role": "boss"}, "role"),
        ({"email": "a@example.com", "department_id": 0}, "department_id"),
        ({"email": "a@example.com", "department_id": 999999}, "department_id"),
        ({"email": "a@example.com", "name": "x" * 121}, "name"),
        ({"email": "a@example.com", "password": "secret-123"}, "password"),
    ]:
        response = client.post(
            f"/api/councils/{world['council'].id}/invitations", headers=auth(app, world["chair"]), json=body
        )
        assert response.status_code == 422, body
        assert field in error_fields(response), response.json()
    assert count(session, Invitation) == 0


# -- the pages ------------------------------------------------------------------------


def test_the_chair_invites_resends_and_revokes_on_the_council_page(client, session, world):
    sign_in(client, email="chair@example.com", password=PASSWORD)
    page = client.get(f"/councils/{world['council'].id}")
    token = csrf_from(page.text)
    sent = client.post(
        f"/councils/{world['council'].id}/invitations",
        data={
            "csrf_token": token,
            "email": "known@example.com",
            "name": "Known",
            "role": "observer",
            "department_id": "",
        },
    )
    # Honest about the mail: it is queued, and no mail server is configured in this app.
    assert "Invitation saved: the mail is queued for known@example.com; no mail server is configured" in sent.text
    assert "Invited by" in sent.text and "Helen Carter" in sent.text and "mail queued" in sent.text
    invitation = session.exec(select(Invitation)).one()
    first_hash = invitation.token_hash
    resent = client.post(
        f"/councils/{world['council'].id}/invitations/{invitation.id}/resend", data={"csrf_token": token}
    )
    assert "Invitation sent again: the mail is queued for known@example.com" in resent.text
    session.expire_all()
    assert session.get(Invitation, invitation.id).token_hash != first_hash  # the old link no longer works
    revoked = client.post(
        f"/councils/{world['council'].id}/invitations/{invitation.id}/revoke", data={"csrf_token": token}
    )
    assert "Invitation to known@example.com withdrawn." in revoked.text
    session.expire_all()
    assert session.get(Invitation, invitation.id).revoked_at is not None
    bad = client.post(
        f"/councils/{world['council'].id}/invitations",
        data={"csrf_token": token, "email": "nope", "name": "Kept Name", "role": "member"},
    )
    assert "email:" in bad.text and 'value="Kept Name"' in bad.text


def test_the_invited_person_accepts_on_their_councils_page(app, client, session, world):
    invite(app, client, world, "known@example.com", role="member")
    sign_in(client, email="known@example.com", password=PASSWORD)
    page = client.get("/councils")
    assert "Utility council" in page.text and "invited by Helen Carter" in page.text
    # Not allowed to start councils: no form to do so.
    assert "Start a new council" not in page.text
    invitation = session.exec(select(Invitation)).one()
    accepted = client.post(f"/invitations/{invitation.id}/accept", data={"csrf_token": csrf_from(page.text)})
    assert accepted.status_code == 200 and "You joined Utility council as member." in accepted.text
    assert count(session, Membership, Membership.user_id == world["known"].id) == 1
    again = client.post(f"/invitations/{invitation.id}/accept", data={"csrf_token": csrf_from(page.text)})
    assert "This invitation was already accepted." in again.text
    # The chair's members list says how the seat came to be.
    client.cookies.clear()
    sign_in(client, email="chair@example.com", password=PASSWORD)
    members = client.get(f"/councils/{world['council'].id}").text
    assert re.search(r"known@example.com</span><br><span[^>]*>invited by Helen Carter on [^<]+, joined ", members)
