"""Rows of the permission matrix for this domain (merged by test_permissions.py).

RULES maps (method, path) to {"ok": who succeeds, optional "json" body, optional
per-actor overrides}; see test_permissions.MATRIX for the conventions. `arrange`
adds the records the paths need to the shared world and returns their ids by the
names used in the paths, e.g. {"measure_id": 3}.

Initiatives, their prioritisation, department reports to meetings and the
department scorecard. Everyone on the council reads all of them (observers too:
what they read is what the agenda circulates); writing needs a voice.
"""

from app.models import Department, DepartmentReport, Initiative

IN_COUNCIL = {"observer", "member", "owner", "secretary", "chair"}
WITH_A_VOICE = IN_COUNCIL - {"observer"}

RULES: dict = {
    ("GET", "/api/councils/{council_id}/initiatives"): {"ok": IN_COUNCIL},
    # Anyone on the council but an observer may propose.
    ("POST", "/api/councils/{council_id}/initiatives"): {
        "ok": WITH_A_VOICE,
        "json": {"title": "Fault-diagnosis checklist", "customer_impact": 4},
    },
    ("GET", "/api/initiatives/{initiative_id}"): {"ok": IN_COUNCIL},
    # The initiative is approved, owned by `owner`, proposed by `member`: only its owner
    # and the chair edit it now (the proposer could while it was proposed).
    ("PATCH", "/api/initiatives/{initiative_id}"): {"ok": {"owner", "chair"}, "json": {"rag": "amber"}},
    ("DELETE", "/api/initiatives/{initiative_id}"): {"ok": {"chair"}},
    ("GET", "/api/councils/{council_id}/priorities"): {"ok": IN_COUNCIL},
    ("GET", "/api/meetings/{meeting_id}/reports"): {"ok": IN_COUNCIL},
    # Every seat but the spare sits for Billing (the used department): its members and
    # the chair may report for it; an observer may not.
    ("POST", "/api/meetings/{meeting_id}/reports"): {
        "ok": WITH_A_VOICE,
        "json": {"department_id": "{used_department_id}", "summary": "Repeat visits down 8%."},
    },
    ("GET", "/api/meetings/{meeting_id}/reports/{report_id}"): {"ok": IN_COUNCIL},
    # The report is the Unused department's, which nobody sits for: only the chair.
    ("PATCH", "/api/meetings/{meeting_id}/reports/{report_id}"): {
        "ok": {"chair"},
        "json": {"improvements": "Weekly call-back review."},
    },
    ("GET", "/api/councils/{council_id}/scorecard"): {"ok": IN_COUNCIL},
}


def arrange(session, world) -> dict[str, int]:
    initiative = Initiative(
        council_id=world.council.id,
        title="Arrival window by SMS",
        status="approved",
        owner_id=world.seats["owner"].id,
        proposed_by_id=world.seats["member"].id,
    )
    # Its own department: the "unused" one must stay deletable, which a report prevents.
    reporting = Department(council_id=world.council.id, name="Reporting")
    session.add(reporting)
    session.flush()
    report = DepartmentReport(meeting_id=world.meeting.id, department_id=reporting.id, summary="Nothing to report yet.")
    session.add_all([initiative, report])
    session.flush()
    return {"initiative_id": initiative.id, "report_id": report.id}
