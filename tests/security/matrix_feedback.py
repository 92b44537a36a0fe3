"""Rows of the permission matrix for survey feedback and themes (merged by test_permissions.py).

Everyone on the council reads feedback, themes, suggestions and trends (free text is
masked on import); the chair or the secretary imports exports and keeps the survey
settings; only the chair changes the theme list, because that re-themes the history.
"""

from datetime import date

from app.models import FeedbackResponse, Theme

IN_COUNCIL = {"observer", "member", "owner", "secretary", "chair"}
WRITERS = {"secretary", "chair"}
CSV = (
    b"response_id,responded_on,department,goal_rating,helped,hindered\n"
    b"M-2,2026-02-01,Billing,4,Quick answer,My bill was estimated again\n"
)

RULES: dict = {
    ("GET", "/api/councils/{council_id}/feedback/settings"): {"ok": IN_COUNCIL},
    ("PUT", "/api/councils/{council_id}/feedback/settings"): {
        "ok": WRITERS,
        "json": {"rating_min": 0, "rating_max": 10, "column_map": {"goal_rating": "Q3 Score"}},
    },
    ("POST", "/api/councils/{council_id}/feedback/import"): {
        "ok": WRITERS,
        "files": {"file": ("feedback.csv", CSV, "text/csv")},
    },
    ("GET", "/api/councils/{council_id}/feedback"): {"ok": IN_COUNCIL},
    ("GET", "/api/councils/{council_id}/themes"): {"ok": IN_COUNCIL},
    ("POST", "/api/councils/{council_id}/themes"): {
        "ok": {"chair"},
        "json": {"name": "Late engineer", "phrases": ["engineer was late"]},
    },
    ("GET", "/api/councils/{council_id}/themes/suggestions"): {"ok": IN_COUNCIL},
    ("GET", "/api/councils/{council_id}/themes/trends"): {"ok": IN_COUNCIL},
    ("GET", "/api/themes/{theme_id}"): {"ok": IN_COUNCIL},
    ("PATCH", "/api/themes/{theme_id}"): {"ok": {"chair"}, "json": {"phrases": ["estimated bill", "bill estimate"]}},
    ("DELETE", "/api/themes/{theme_id}"): {"ok": {"chair"}},
}


def arrange(session, world) -> dict:
    theme = Theme(council_id=world.council.id, name="Billing estimate", phrases=["estimated bill"])
    session.add(theme)
    session.add(
        FeedbackResponse(
            council_id=world.council.id,
            response_ref="M-1",
            responded_on=date(2026, 1, 15),
            department_id=world.department.id,
            goal_rating=2,
            hindered="Another estimated bill",
        )
    )
    session.flush()
    return {"theme_id": theme.id}
