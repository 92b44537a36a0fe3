"""Permission-matrix rows for the agenda, AOB and apologies (see test_permissions.py)."""

from app.docx.template import default_template
from app.models import AobItem
from app.web.downloads import DOCX_MEDIA_TYPE

IN_COUNCIL = {"observer", "member", "owner", "secretary", "chair"}
SEATED = {"member", "owner", "secretary", "chair"}

RULES: dict = {
    # Observers read the agenda once published; the world's meeting has none yet.
    ("GET", "/api/meetings/{meeting_id}/agenda"): {"ok": SEATED},
    ("POST", "/api/meetings/{meeting_id}/agenda/publish"): {"ok": {"chair"}},
    # The Word pack follows the agenda's rule; the council's Word template is the chair's.
    ("GET", "/api/meetings/{meeting_id}/agenda.docx"): {"ok": SEATED},
    ("GET", "/api/meetings/{meeting_id}/agenda.pdf"): {"ok": SEATED},
    ("GET", "/api/councils/{council_id}/template"): {"ok": IN_COUNCIL},
    ("PUT", "/api/councils/{council_id}/template"): {
        "ok": {"chair"},
        "files": {"file": ("house-style.docx", default_template(), DOCX_MEDIA_TYPE)},
    },
    ("DELETE", "/api/councils/{council_id}/template"): {"ok": {"chair"}},
    ("GET", "/api/meetings/{meeting_id}/aob"): {"ok": IN_COUNCIL},
    ("POST", "/api/meetings/{meeting_id}/aob"): {"ok": SEATED, "json": {"title": "Winter readiness"}},
    # The item was submitted by "member"; the chair and secretary may withdraw it too.
    ("DELETE", "/api/meetings/{meeting_id}/aob/{item_id}"): {"ok": {"member", "secretary", "chair"}},
    # Apologies are answers, which close at the start: a meeting to come (matrix_responses.arrange).
    ("PUT", "/api/meetings/{meeting_id}/apologies"): {
        "ok": IN_COUNCIL,
        "ids": {"meeting_id": "upcoming_meeting_id"},
        "json": {"note": "On leave"},
    },
    ("DELETE", "/api/meetings/{meeting_id}/apologies"): {
        "ok": IN_COUNCIL,
        "ids": {"meeting_id": "upcoming_meeting_id"},
    },
    # Calendars: every seat; an observer's invite leaves out an agenda not yet published.
    ("GET", "/api/meetings/{meeting_id}/invite.ics"): {"ok": IN_COUNCIL},
    ("GET", "/api/councils/{council_id}/calendar.ics"): {"ok": IN_COUNCIL},
    # Each seat its own link: any seat may see, make, reset or stop its own.
    ("GET", "/api/councils/{council_id}/calendar-link"): {"ok": IN_COUNCIL},
    ("POST", "/api/councils/{council_id}/calendar-link"): {"ok": IN_COUNCIL},
    ("DELETE", "/api/councils/{council_id}/calendar-link"): {"ok": IN_COUNCIL},
}


def arrange(session, world) -> dict[str, int]:
    item = AobItem(meeting_id=world.meeting.id, submitted_by_id=world.seats["member"].id, title="Storm plan")
    session.add(item)
    session.flush()
    return {"item_id": item.id}
