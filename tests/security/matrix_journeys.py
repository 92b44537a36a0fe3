"""Rows of the permission matrix for journeys, research and root causes (merged by test_permissions.py).

RULES maps (method, path) to {"ok": who succeeds, optional "json" body, optional
per-actor overrides}; see test_permissions.MATRIX for the conventions. `arrange`
adds the records the paths need to the shared world and returns their ids by the
names used in the paths.

Here "owner" is the journey's owner, and the author of the research and the root cause.
"""

from datetime import date

from app.models import Journey, JourneyStep, Research, RootCause, StepDepartment

IN_COUNCIL = {"observer", "member", "owner", "secretary", "chair"}
CONTRIBUTORS = {"member", "owner", "secretary", "chair"}
CHAIR_OR_OWNER = {"chair", "owner"}

RULES: dict = {
    # Journeys: everyone on the council reads; the chair names journeys; chair and owner shape them.
    ("GET", "/api/councils/{council_id}/journeys"): {"ok": IN_COUNCIL},
    ("POST", "/api/councils/{council_id}/journeys"): {
        "ok": {"chair"},
        "json": {"name": "Moving home", "owner_id": "{owner_seat}"},
    },
    ("GET", "/api/journeys/{journey_id}"): {"ok": IN_COUNCIL},
    ("PATCH", "/api/journeys/{journey_id}"): {"ok": CHAIR_OR_OWNER, "json": {"description": "End to end"}},
    ("DELETE", "/api/journeys/{journey_id}"): {"ok": {"chair"}},
    ("GET", "/api/journeys/{journey_id}/steps"): {"ok": IN_COUNCIL},
    ("POST", "/api/journeys/{journey_id}/steps"): {
        "ok": CHAIR_OR_OWNER,
        "json": {
            "name": "Book engineer",
            "position": 1,
            "departments": [{"department_id": "{used_department_id}", "responsibility": "owns"}],
        },
    },
    ("PATCH", "/api/journeys/{journey_id}/steps/{step_id}"): {
        "ok": CHAIR_OR_OWNER,
        "json": {"channel": "Phone", "departments": [{"department_id": "{department_id}", "responsibility": "owns"}]},
    },
    ("DELETE", "/api/journeys/{journey_id}/steps/{step_id}"): {"ok": CHAIR_OR_OWNER},
    ("GET", "/api/journeys/{journey_id}/matrix"): {"ok": IN_COUNCIL},
    # Research: members propose it; its author and the chair change it.
    ("GET", "/api/councils/{council_id}/research"): {"ok": IN_COUNCIL},
    ("POST", "/api/councils/{council_id}/research"): {
        "ok": CONTRIBUTORS,
        "json": {"title": "Post-visit survey", "conducted_on": "2024-05-01", "method": "survey"},
    },
    ("GET", "/api/research/{research_id}"): {"ok": IN_COUNCIL},
    ("PATCH", "/api/research/{research_id}"): {"ok": CHAIR_OR_OWNER, "json": {"summary": "412 replies"}},
    ("DELETE", "/api/research/{research_id}"): {"ok": CHAIR_OR_OWNER},
    # Root causes: the same as research.
    ("GET", "/api/councils/{council_id}/root-causes"): {"ok": IN_COUNCIL},
    ("POST", "/api/councils/{council_id}/root-causes"): {
        "ok": CONTRIBUTORS,
        "json": {"theme": "Repeat visits", "whys": ["Wrong parts", "Thin job sheets"], "action_ids": ["{action_id}"]},
    },
    ("GET", "/api/root-causes/{root_cause_id}"): {"ok": IN_COUNCIL},
    ("PATCH", "/api/root-causes/{root_cause_id}"): {"ok": CHAIR_OR_OWNER, "json": {"theme": "Repeat engineer visits"}},
    ("DELETE", "/api/root-causes/{root_cause_id}"): {"ok": CHAIR_OR_OWNER},
}


def arrange(session, world) -> dict[str, int]:
    owner = world.seats["owner"]
    journey = Journey(council_id=world.council.id, name="No supply", owner_id=owner.id)
    session.add(journey)
    session.flush()
    step = JourneyStep(journey_id=journey.id, position=1, name="Report the fault", channel="Phone")
    session.add(step)
    session.flush()
    session.add(StepDepartment(step_id=step.id, department_id=world.department.id, responsibility="owns"))
    research = Research(
        council_id=world.council.id,
        title="Complaints analysis",
        conducted_on=date(2024, 4, 1),
        method="complaints_analysis",
        created_by_id=owner.user_id,
    )
    session.add(research)
    session.flush()
    root_cause = RootCause(
        council_id=world.council.id,
        theme="Engineers without parts",
        whys=["Thin job sheets"],
        root_cause="Thin job sheets",
        research_id=research.id,
        created_by_id=owner.user_id,
    )
    session.add(root_cause)
    session.flush()
    return {"journey_id": journey.id, "step_id": step.id, "research_id": research.id, "root_cause_id": root_cause.id}
