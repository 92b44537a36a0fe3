"""A council with every kind of seat, a meeting with a report, an AOB item and an initiative, and small files."""

import io
from dataclasses import dataclass

import pytest
from docx import Document

from app.models import AobItem, Council, DepartmentReport, Initiative, Meeting, Membership, Role, User
from tests.factories import make_council, make_department, make_meeting, make_membership, make_user

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def docx_bytes(text: str = "Billing's board paper") -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@dataclass
class Board:
    council: Council
    meeting: Meeting
    chair: User
    secretary: User
    member: User  # sits for Billing: wrote its report, raised the AOB item, owns the initiative
    other: User  # sits for Field service
    observer: User
    outsider: User
    report: DepartmentReport
    aob: AobItem
    initiative: Initiative
    member_seat: Membership


@pytest.fixture
def board(session) -> Board:
    chair, secretary, member, other, observer, outsider = (make_user(session) for _ in range(6))
    council = make_council(session, chair=chair)
    billing = make_department(session, council=council, name="Billing")
    field = make_department(session, council=council, name="Field service")
    make_membership(session, council=council, user=secretary, role=Role.secretary)
    seat = make_membership(session, council=council, user=member, department=billing)
    make_membership(session, council=council, user=other, department=field)
    make_membership(session, council=council, user=observer, role=Role.observer)
    make_council(session, chair=outsider)
    meeting = make_meeting(session, council=council)
    report = DepartmentReport(meeting_id=meeting.id, department_id=billing.id, author_id=member.id, summary="Fine")
    aob = AobItem(meeting_id=meeting.id, submitted_by_id=seat.id, title="Parking")
    initiative = Initiative(council_id=council.id, title="Web chat", owner_id=seat.id, status="approved")
    session.add_all([report, aob, initiative])
    session.commit()
    return Board(council, meeting, chair, secretary, member, other, observer, outsider, report, aob, initiative, seat)
