"""Attendance on the minutes page saves when a control says it does: "mark everyone not recorded present"
is a real save, and a seat already recorded is not offered a "Not recorded" that would quietly change nothing."""

import re

from sqlmodel import select

from app.models import Attendance
from tests.minutes.test_minutes_page import flashes, token_for, world  # noqa: F401  (world is a fixture)
from tests.web.test_pages import sign_in

SEATS = ("chair", "secretary", "member", "supplier", "observer")


def attendance_form(page: str) -> str:
    match = re.search(r'<form method="post" action="/meetings/\d+/minutes/attendance".*?</form>', page, re.S)
    assert match, "no attendance form"
    return match.group(0)


def test_mark_everyone_not_recorded_present_saves_them(client, session, world):  # noqa: F811
    sign_in(client, "secretary@example.com")
    form = attendance_form(client.get(world.url).text)
    # A real submit button of the form, shown without any script.
    assert re.search(
        r'<button type="submit"[^>]*name="fill" value="present"[^>]*>Mark everyone not recorded present', form
    )
    assert "hidden" not in re.search(r'<button [^>]*name="fill"[^>]*>', form).group(0)
    rows = {
        "membership_id": [world.seats[k].id for k in SEATS],
        "status": ["", "absent", "", "", ""],
        "delegate_name": [""] * 5,
        "note": ["", "", "", "", ""],
    }
    saved = client.post(
        f"{world.url}/attendance",
        data={"csrf_token": token_for(client, world), "fill": "present", **rows},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"{world.url}#attendance"
    page = client.get(world.url).text
    assert flashes(page)[0].startswith("4 not recorded were marked present. Attendance saved.")
    # The reload shows what was saved: the absent seat kept, everyone else present.
    selected = re.findall(r'<option value="(\w+)" selected>', attendance_form(page))
    assert selected == ["present", "absent", "present", "present", "present"]
    session.expire_all()
    recorded = {a.membership_id: a.status for a in session.exec(select(Attendance))}
    assert recorded == {world.seats[k].id: s for k, s in zip(SEATS, selected, strict=True)}
    # Nobody is left unrecorded, so neither the button nor a "Not recorded" choice is offered.
    assert 'name="fill"' not in page and "Not recorded</option>" not in attendance_form(page)


def test_save_attendance_without_the_button_leaves_unrecorded_seats_alone(client, session, world):  # noqa: F811
    sign_in(client, "secretary@example.com")
    page = client.get(world.url).text
    assert "Attendance is saved when you press a button here, not as you choose." in page
    rows = {
        "membership_id": [world.seats[k].id for k in SEATS],
        "status": ["present", "", "", "", ""],
        "delegate_name": [""] * 5,
        "note": [""] * 5,
    }
    client.post(
        f"{world.url}/attendance", data={"csrf_token": token_for(client, world), **rows}, follow_redirects=False
    )
    page = client.get(world.url).text
    assert flashes(page)[0].startswith("Attendance saved.")
    form = attendance_form(page)
    assert form.count("Not recorded</option>") == 4  # offered only where nothing is recorded
    session.expire_all()
    assert [a.membership_id for a in session.exec(select(Attendance))] == [world.seats["chair"].id]
