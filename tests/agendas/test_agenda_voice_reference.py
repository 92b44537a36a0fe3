"""The agenda's customer voice equals the feedback domain's own trends, computed afresh.

The agenda reads the voice in one statement (app/agendas/voice_data.py) and builds only
what it shows (app/agendas/voice.py). Here the same sections are computed the long way:
the trends page's loader and builders (every theme, every department, with their monthly
points), and the example comments picked in Python from every response of the window.
Checked on the demo council and on a generated one whose example pool is cut short.
"""

import random
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from app.agendas import voice_data
from app.agendas.data import load_agenda_data
from app.agendas.voice import TOP_DEPARTMENT, TOP_OVERALL, department_voice, overall_voice, theme_flags
from app.feedback.counts import retheme_council
from app.feedback.trends import add_months, build_theme_trends, load_trend_data
from app.models import Council, FeedbackResponse, Meeting, RootCause, Theme, ThemeMention
from tests.demodb import load_demo
from tests.factories import make_council, make_department, make_meeting, make_user

TODAY = date.today()


def figures(themes) -> list[tuple]:
    return [(t.theme_id, t.name, t.negative, t.share, t.change, t.direction) for t in themes]


def fresh_voice(session: Session, council_id: int, pool: int) -> dict:
    """Sections 2, 3 and 6's themes and examples from the trends page's functions and every response."""
    last = add_months(TODAY.replace(day=1), -1)
    data = load_trend_data(session=session, council_id=council_id, months=12, until=last)
    every = build_theme_trends(data)
    top = [t for t in every if t.negative > 0][:TOP_OVERALL]
    answers = session.exec(
        select(FeedbackResponse.id, FeedbackResponse.hindered, FeedbackResponse.responded_on).where(
            FeedbackResponse.council_id == council_id,
            FeedbackResponse.responded_on >= data.months[0],
            FeedbackResponse.responded_on < add_months(last, 1),
        )
    ).all()
    short = sorted(
        (a for a in answers if 10 <= len(a.hindered) <= voice_data.EXAMPLE_MAX_CHARS),
        key=lambda a: (a.responded_on, a.id),
        reverse=True,
    )[:pool]
    mentioned = {
        (m.response_id, m.theme_id) for m in session.exec(select(ThemeMention).where(ThemeMention.field == "hindered"))
    }
    return {
        "overall": figures(top),
        "examples": {t.theme_id: [a.hindered for a in short if (a.id, t.theme_id) in mentioned][:2] for t in top},
        "departments": {
            d: figures([t for t in build_theme_trends(data, d) if t.negative > 0][:TOP_DEPARTMENT])
            for d in data.departments
        },
        "rising": figures([t for t in every if t.direction == "rising" and t.negative > 0]),
    }


def agenda_voice(session: Session, council_id: int, meeting: Meeting) -> dict:
    """The same, as the agenda reads and builds them."""
    council = session.get(Council, council_id)
    data = load_agenda_data(session=session, council=council, meeting=meeting, today=TODAY)
    voice = data.voice
    overall = overall_voice(voice)
    departments = {}
    for d in data.departments:
        shown = department_voice(voice, d.id, [])
        departments[d.id] = figures(shown.themes) if shown else []
    return {
        "overall": figures(overall.themes),
        "examples": {t.theme_id: t.examples for t in overall.themes},
        "departments": departments,
        "rising": figures(theme_flags(voice).rising),
    }


def test_the_demo_councils_voice_equals_a_fresh_computation(session):
    council = load_demo(session=session, today=TODAY)
    meeting = session.exec(
        select(Meeting).where(Meeting.council_id == council.id).order_by(col(Meeting.scheduled_at).desc())
    ).first()
    fresh = fresh_voice(session, council.id, voice_data.EXAMPLE_POOL)
    assert fresh["overall"] and fresh["examples"] and any(fresh["departments"].values())
    assert agenda_voice(session, council.id, meeting) == fresh


def generated_council(session: Session) -> tuple[int, Meeting]:
    """Six themes, five departments, 900 answers over 15 months (some long, some before the window)."""
    rnd = random.Random(7)
    chair = make_user(session)
    council = make_council(session, chair=chair)
    departments = [make_department(session, council=council).id for _ in range(5)]
    meeting = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) + timedelta(days=7))
    words = ["second visit", "estimated bill", "on hold", "arrival time", "rude agent", "friendly engineer"]
    themes = []
    for word in words:
        theme = Theme(council_id=council.id, name=word.title(), phrases=[word])
        session.add(theme)
        themes.append(theme)
    session.flush()
    session.add(RootCause(council_id=council.id, theme=themes[1].name, theme_id=themes[1].id, whys=["Why?"]))
    first = add_months(TODAY.replace(day=1), -14)
    # Skewed: the first themes are named far more often, and more so as the months pass.
    for n in range(900):
        day = first + timedelta(days=rnd.randrange((TODAY - first).days))
        picked = rnd.choices(words[:5], weights=[5, 4, 3, 2, 1])[0]
        text = rnd.choice([f"A {picked} again", f"{picked} " + "and more " * 30, ""])
        session.add(
            FeedbackResponse(
                council_id=council.id,
                response_ref=f"G{n}",
                responded_on=day,
                department_id=rnd.choice(departments),
                goal_rating=rnd.randint(1, 5),
                helped=rnd.choice(["friendly engineer", ""]),
                hindered=text,
            )
        )
    session.flush()
    retheme_council(session=session, council_id=council.id)
    session.commit()
    return council.id, meeting


def test_a_generated_councils_voice_equals_a_fresh_computation_with_the_pool_cut_short(session, monkeypatch):
    council_id, meeting = generated_council(session)
    # Pools of a few answers: the cut falls inside a day (900 answers over 15 months, about
    # two a day), and the lesser top themes have fewer than two examples in them.
    try:
        for pool in (3, 7, 10, 13):
            monkeypatch.setattr(voice_data, "EXAMPLE_POOL", pool)
            voice_data._voice_statement.cache_clear()
            fresh = fresh_voice(session, council_id, pool)
            assert [len(found) for found in fresh["examples"].values()].count(2) < len(fresh["examples"])
            assert agenda_voice(session, council_id, meeting) == fresh, pool
    finally:
        monkeypatch.undo()
        voice_data._voice_statement.cache_clear()
    assert agenda_voice(session, council_id, meeting) == fresh_voice(session, council_id, voice_data.EXAMPLE_POOL)
