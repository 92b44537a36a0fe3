"""The customer's voice on the agenda: sections 2, 3 and 6 from stored feedback counts, and in the Word pack."""

import io
from datetime import UTC, date, datetime, timedelta

from docx2python import docx2python

from app.agendas.data import load_agenda_data
from app.agendas.voice import department_voice
from app.agendas.voice_data import Voice
from app.feedback.trends import TrendData, add_months, build_theme_trends
from app.models import (
    FeedbackMonth,
    FeedbackResponse,
    Measure,
    Reading,
    Role,
    RootCause,
    RootCauseMeasure,
    Theme,
    ThemeMention,
    ThemeMonth,
)
from tests.factories import make_council, make_department, make_meeting, make_membership, make_user
from tests.helpers import auth, count_statements

LAST = add_months(date.today().replace(day=1), -1)  # the last complete month ends the window
MONTHS = [add_months(LAST, i - 11) for i in range(12)]


def arrange(session, *, extra_responses: int = 0):
    chair = make_user(session, name="Helen Carter")
    council = make_council(session, chair=chair, name="Utility council")
    field = make_department(session, council=council, name="Field Engineering")
    billing = make_department(session, council=council, name="Billing")
    make_membership(session, council=council, role=Role.member, department=field)
    meeting = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) + timedelta(days=10))
    repeat = Theme(council_id=council.id, name="Repeat visit", phrases=["second visit"])
    estimate = Theme(council_id=council.id, name="Estimated bill", phrases=["estimated bill"])
    session.add_all([repeat, estimate])
    session.flush()
    for i, month in enumerate(MONTHS):
        # 100 responses a month (60 about Field Engineering, 40 about Billing), rated 3.5 on 1–5.
        for department_id, n in ((None, 100), (field.id, 60), (billing.id, 40)):
            session.add(
                FeedbackMonth(
                    council_id=council.id,
                    department_id=department_id,
                    month=month,
                    responses=n,
                    rating_sum=int(3.5 * n),
                    rating_count=n,
                )
            )
        # Repeat visits fall 20 → 9 a month (Field Engineering); estimated bills rise 2 → 13 (Billing).
        for theme, department_id, negative in ((repeat, field.id, 20 - i), (estimate, billing.id, 2 + i)):
            for d in (None, department_id):
                session.add(
                    ThemeMonth(
                        council_id=council.id, theme_id=theme.id, department_id=d, month=month, negative=negative
                    )
                )
    texts = [
        (LAST + timedelta(days=3), "The engineer came back for a second visit"),
        (LAST + timedelta(days=9), "Needed a second visit for a part"),
        (LAST + timedelta(days=12), "A second visit again, " + "and again " * 20),  # too long to quote
        (LAST + timedelta(days=1), "Oldest second visit comment"),
    ]
    texts += [(MONTHS[0] + timedelta(days=1), f"Old second visit {n}") for n in range(extra_responses)]
    for n, (day, text) in enumerate(texts):
        response = FeedbackResponse(
            council_id=council.id, response_ref=f"R{n}", responded_on=day, department_id=field.id, hindered=text
        )
        session.add(response)
        session.flush()
        session.add(ThemeMention(response_id=response.id, theme_id=repeat.id, field="hindered", polarity=-1))
    checklist = Measure(
        council_id=council.id,
        name="Diagnosis checklist completed",
        department_id=field.id,
        scope="department",
        target=90,
        unit="%",
    )
    session.add(checklist)
    session.flush()
    session.add(Reading(measure_id=checklist.id, period=LAST, value=60))
    workshop = RootCause(council_id=council.id, theme="Repeat visits", theme_id=repeat.id, whys=["Why?"])
    session.add(workshop)
    session.flush()
    session.add(RootCauseMeasure(root_cause_id=workshop.id, measure_id=checklist.id))
    session.commit()
    return chair, council, meeting


def sections(client, app, chair, meeting) -> dict:
    body = client.get(f"/api/meetings/{meeting.id}/agenda", headers=auth(app, chair)).json()
    return {s["key"]: s for s in body["sections"]}


def test_section_2_rating_trend_and_top_negative_themes_with_examples(app, client, session):
    chair, _, meeting = arrange(session)
    voice = sections(client, app, chair, meeting)["overall_measures"]["voice"]
    assert (voice["months"], voice["rating_min"], voice["rating_max"]) == (12, 1, 5)
    assert [p["month"] for p in voice["rating"]] == [m.isoformat() for m in MONTHS]
    assert voice["rating_average"] == 3.5 and voice["rating_direction"] == "steady"
    themes = {t["name"]: t for t in voice["themes"]}
    assert list(themes) == ["Repeat visit", "Estimated bill"]  # 174 negative against 90
    repeat = themes["Repeat visit"]
    assert (repeat["negative"], repeat["direction"], repeat["has_workshop"]) == (174, "falling", True)
    # Two short ones, newest first; the long one is not quoted.
    assert repeat["examples"] == ["Needed a second visit for a part", "The engineer came back for a second visit"]
    estimate = themes["Estimated bill"]
    assert (estimate["direction"], estimate["has_workshop"], estimate["examples"]) == ("rising", False, [])
    assert estimate["change"] > 0 > repeat["change"]


def test_section_3_each_department_has_its_themes_and_metrics(app, client, session):
    chair, _, meeting = arrange(session)
    reports = sections(client, app, chair, meeting)["department_reports"]
    departments = {d["name"]: d for d in reports["departments"]}
    field = departments["Field Engineering"]["voice"]
    assert [t["name"] for t in field["themes"]] == ["Repeat visit"]
    [metric] = field["plan_metrics"]
    assert (metric["name"], metric["latest"], metric["target"], metric["on_target"]) == (
        "Diagnosis checklist completed",
        60,
        90,
        False,
    )
    assert metric["since"] == date.today().isoformat()
    billing = departments["Billing"]["voice"]
    assert [t["name"] for t in billing["themes"]] == ["Estimated bill"] and billing["plan_metrics"] == []
    # Field Engineering's scorecard scores its metric: 60 of 90, no reading since today's workshop → 66.7.
    action_plan = departments["Field Engineering"]["scorecard"]["components"][0]
    assert (action_plan["component"], action_plan["value"]) == ("action_plan", 66.7)
    # Billing has no metric: said once for the section, in no department's own table.
    left_out = [n for n in reports["notes"] if n.startswith("A part with no data")]
    assert left_out == [
        "A part with no data is left out and the other weights re-normalised to 100: action-plan metrics for Billing."
    ]
    assert all(d["scorecard"]["note"] == "" for d in reports["departments"])


def test_section_6_flags_rising_themes_and_themes_without_a_workshop(app, client, session):
    chair, _, meeting = arrange(session)
    review = sections(client, app, chair, meeting)["measures_review"]
    assert [t["name"] for t in review["themes"]["rising"]] == ["Estimated bill"]
    assert [t["name"] for t in review["themes"]["no_workshop"]] == ["Estimated bill"]
    assert "Rising negative themes: Estimated bill." in review["notes"]
    assert "Top negative themes with no five-whys workshop yet: Estimated bill." in review["notes"]


def test_the_word_pack_carries_the_voice(app, client, session):
    chair, _, meeting = arrange(session)
    response = client.get(f"/api/meetings/{meeting.id}/agenda.docx", headers=auth(app, chair))
    assert response.status_code == 200
    with docx2python(io.BytesIO(response.content)) as doc:
        text = doc.text
    for expected in (
        "Goal-support rating",
        "3.50 on the 1–5 scale over the last 12 months",
        "Top negative themes",
        "Needed a second visit for a part",
        "Action-plan metrics",
        "Diagnosis checklist completed: 60% against a target of 90%",
        "Rising negative themes (1)",
        # The rising theme has no workshop either: named once, under rising, saying so.
        "; no five-whys workshop yet",
    ):
        assert expected in text, expected


def test_the_agenda_reads_the_voice_in_the_same_number_of_queries_whatever_the_responses(engine, session):
    counts = []
    for extra in (0, 40):
        _, council, meeting = arrange(session, extra_responses=extra)
        with count_statements(engine) as statements:
            load_agenda_data(session=session, council=council, meeting=meeting)
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 15


def test_a_department_shows_its_three_most_mentioned_negative_themes_ranked_as_the_trends_page():
    # Ties on mentions go by name (case aside), then id; a theme with no negative mention is not shown.
    names = {1: "billing", 2: "Access", 3: "delays", 4: "Calls", 5: "praise", 6: "access"}
    negatives = {1: [4, 1], 2: [3, 2], 3: [1, 0], 4: [2, 3], 5: [0, 0], 6: [5, 0]}
    counts = {(t, 7, MONTHS[i]): (n, 1, 0) for t, pair in negatives.items() for i, n in zip((3, 9), pair, strict=True)}
    counts[(3, None, MONTHS[0])] = (40, 0, 0)  # the council-wide count is not the department's
    responses = {(7, m): (10, 0, 0) for m in MONTHS}
    data = TrendData(tuple(MONTHS), names, {7: "Billing"}, theme_counts=counts, response_counts=responses)
    shown = department_voice(Voice(trends=data), 7, [])
    assert [(t.name, t.negative) for t in shown.themes] == [("Access", 5), ("access", 5), ("billing", 5)]
    every = build_theme_trends(data, 7)  # the trends page's own ranking, every theme in full
    assert [t.theme_id for t in shown.themes] == [t.theme_id for t in every if t.negative > 0][:3]
