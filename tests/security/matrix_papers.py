"""Permission-matrix rows for papers (see test_permissions.py).

The world's meeting has no published agenda, so observers read none of its papers yet;
its paper is the chair's, on the "actions" item. The initiative (matrix_initiatives') is
owned by `owner`.
"""

from app.models import Paper
from app.papers.store import DatabaseStore

IN_COUNCIL = {"observer", "member", "owner", "secretary", "chair"}
PDF = b"%PDF-1.4\n%%EOF\n"
ITEM_UPLOAD = {
    "file": ("pack.pdf", PDF, "application/pdf"),
    "attached_to": (None, "item"),
    "section_key": (None, "actions"),
}

RULES: dict = {
    ("GET", "/api/meetings/{meeting_id}/papers"): {"ok": IN_COUNCIL - {"observer"}},
    # Agenda items take papers from the chair and the secretary (reports, AOB and initiatives from their people too).
    ("POST", "/api/meetings/{meeting_id}/papers"): {"ok": {"secretary", "chair"}, "files": ITEM_UPLOAD},
    ("GET", "/api/initiatives/{initiative_id}/papers"): {"ok": IN_COUNCIL},
    ("POST", "/api/initiatives/{initiative_id}/papers"): {
        "ok": {"owner", "secretary", "chair"},
        "files": {"file": ("plan.pdf", PDF, "application/pdf")},
    },
    ("GET", "/api/papers/{paper_id}"): {"ok": IN_COUNCIL - {"observer"}},
    ("GET", "/api/papers/{paper_id}/about"): {"ok": IN_COUNCIL - {"observer"}},
    # The chair's paper on an agenda item: the chair and the secretary remove it.
    ("DELETE", "/api/papers/{paper_id}"): {"ok": {"secretary", "chair"}},
}


def arrange(session, world) -> dict[str, int]:
    key = DatabaseStore(session).put(PDF)
    paper = Paper(
        council_id=world.council.id,
        attached_to="item",
        meeting_id=world.meeting.id,
        section_key="actions",
        name="Circulated.pdf",
        media_type="application/pdf",
        kind="PDF",
        size=len(PDF),
        sha256=key,
        storage_key=key,
        uploaded_by_id=world.users["chair"].id,
    )
    session.add(paper)
    session.flush()
    return {"paper_id": paper.id}
