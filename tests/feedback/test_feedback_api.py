"""Feedback through the API on both engines: a hand-worked dataset, bad files, re-imports, themes, trends."""

from datetime import date

import pytest
from sqlmodel import func, select

from app.feedback import trends
from app.models import FeedbackMonth, FeedbackResponse, ThemeMention, ThemeMonth
from tests.factories import make_council, make_department, make_membership, make_user
from tests.helpers import auth, count_statements, if_match

HEADER = "response_id,responded_on,department,goal_rating,helped,hindered,comment\n"
# Four months, four responses each; worked by hand below.
ROWS = [
    "r01,2026-01-05,Field,2,,The enginer came back without the parts,",
    "r02,2026-01-12,Field,2,,Second visit needed,",
    "r03,2026-01-20,Billing,4,Clear letter,,",
    "r04,2026-01-28,Billing,4,,,",
    "r05,2026-02-03,Field,2,,Parts were missing: the engineer came back without them,",
    "r06,2026-02-10,Field,3,,needed a second visit,",
    "r07,2026-02-17,Billing,3,,Another estimated bill,",
    "r08,2026-02-24,Billing,5,Quick answer,,",
    "r09,2026-03-02,Field,3,,A visit for the second time,",
    "r10,2026-03-09,Field,4,They avoided a second visit,,",
    "r11,2026-03-16,Billing,3,,estimated bills again,",
    "r12,2026-03-23,Billing,4,,,",
    "r13,2026-04-06,Field,5,Fixed first time,,",
    "r14,2026-04-13,Field,5,,,Call me on 07700 900123 or jo@example.com",
    "r15,2026-04-20,Billing,2,,My bill was estimated,",
    "r16,2026-04-27,Billing,2,,,The estimated bill was awful and wrong",
]
CSV = HEADER + "\n".join(ROWS) + "\n"
THEMES = [
    {"name": "Repeat visit", "phrases": ["engineer came back without parts", "second visit"]},
    {"name": "Billing estimate", "phrases": ["estimated bill"]},
]
APRIL = date(2026, 4, 1)


@pytest.fixture
def world(session):
    chair = make_user(session)
    council = make_council(session, chair=chair)
    field = make_department(session, council=council, name="Field")
    billing = make_department(session, council=council, name="Billing")
    secretary = make_user(session)
    make_membership(session, council=council, user=secretary, role="secretary")
    session.commit()
    return {"council": council, "chair": chair, "secretary": secretary, "field": field, "billing": billing}


def upload(client, app, world, text: str | bytes, user="chair"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        f"/api/councils/{world['council'].id}/feedback/import",
        files={"file": ("survey.csv", data, "text/csv")},
        headers=auth(app, world[user]),
    )


def stored(session, model=FeedbackResponse) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def add_themes(client, app, world) -> dict[str, int]:
    ids = {}
    for theme in THEMES:
        response = client.post(
            f"/api/councils/{world['council'].id}/themes", json=theme, headers=auth(app, world["chair"])
        )
        assert response.status_code == 201, response.text
        ids[theme["name"]] = response.json()["id"]
    return ids


def test_hand_worked_dataset_themes_counts_polarity_and_trends(client, app, session, world):
    response = upload(client, app, world, CSV, user="secretary")
    assert response.status_code == 200, response.text
    assert response.json() == {"imported": 16, "updated": 0, "mentions": 0}
    ids = add_themes(client, app, world)
    repeat, estimate = ids["Repeat visit"], ids["Billing estimate"]

    session.expire_all()
    mentions = {(m.theme_id, m.field, m.polarity) for m in session.exec(select(ThemeMention))}
    # Polarity from the question: hindered negative, helped positive; the comment from its score.
    assert mentions == {
        (repeat, "hindered", -1),
        (repeat, "helped", 1),
        (estimate, "hindered", -1),
        (estimate, "comment", -1),
    }
    months = {
        (m.theme_id, m.department_id, m.month): (m.negative, m.positive)
        for m in session.exec(select(ThemeMonth).where(ThemeMonth.department_id.is_(None)))
    }
    assert [months.get((repeat, None, date(2026, m, 1)), (0, 0)) for m in (1, 2, 3, 4)] == [
        (2, 0),
        (2, 0),
        (1, 1),
        (0, 0),
    ]
    assert [months.get((estimate, None, date(2026, m, 1)), (0, 0)) for m in (1, 2, 3, 4)] == [
        (0, 0),
        (1, 0),
        (1, 0),
        (2, 0),
    ]
    assert stored(session, FeedbackMonth) == 4 * 3  # all departments, Field and Billing, four months

    got = client.get(
        f"/api/councils/{world['council'].id}/themes/trends?months=4", headers=auth(app, world["chair"])
    ).json()
    assert got["months"] == ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"]
    by_name = {t["name"]: t for t in got["themes"]}
    assert [p["share"] for p in by_name["Repeat visit"]["points"]] == [0.5, 0.5, 0.25, 0.0]
    assert by_name["Repeat visit"]["change"] == pytest.approx(-0.525)
    assert by_name["Repeat visit"]["direction"] == "falling"
    assert [p["share"] for p in by_name["Billing estimate"]["points"]] == [0.0, 0.25, 0.25, 0.5]
    assert by_name["Billing estimate"]["change"] == pytest.approx(0.45)
    assert by_name["Billing estimate"]["direction"] == "rising"
    assert [p["average"] for p in got["rating"]["points"]] == [3.0, 3.25, 3.5, 3.5]
    field = next(d for d in got["departments"] if d["name"] == "Field")
    assert [(t["name"], [p["share"] for p in t["points"]]) for t in field["themes"]] == [
        ("Repeat visit", [1.0, 1.0, 0.5, 0.0])
    ]

    # The read functions the scorecard uses: same figures, a fixed number of queries.
    by_department = trends.department_theme_trends(session, world["council"].id, 4, until=APRIL)
    assert by_department[world["billing"].id][0].name == "Billing estimate"
    assert by_department[world["billing"].id][0].direction == "rising"
    field_rating = trends.rating_trend(session, world["council"].id, 4, department_id=world["field"].id, until=APRIL)
    assert [p.average for p in field_rating.points] == [2.0, 2.5, 3.5, 5.0]
    assert field_rating.direction == "rising"


def count_queries(engine, fn) -> int:
    with count_statements(engine) as seen:
        fn()
    return len(seen)


def test_trends_load_with_a_fixed_number_of_queries(client, app, session, engine, world):
    upload(client, app, world, CSV)
    add_themes(client, app, world)
    council_id = world["council"].id
    small = count_queries(engine, lambda: trends.council_trends(session=session, council_id=council_id, months=12))
    more = HEADER + "\n".join(f"x{i},2026-0{1 + i % 4}-10,Billing,3,,estimated bill,awful" for i in range(300)) + "\n"
    assert upload(client, app, world, more).status_code == 200
    large = count_queries(engine, lambda: trends.council_trends(session=session, council_id=council_id, months=12))
    assert small == large <= 6


def test_pagination_counts_every_match_and_filters(client, app, session, world):
    upload(client, app, world, CSV)
    ids = add_themes(client, app, world)
    base = f"/api/councils/{world['council'].id}/feedback"
    headers = auth(app, world["chair"])
    page = client.get(f"{base}?limit=5&offset=5", headers=headers).json()
    assert page["count"] == 16 and len(page["data"]) == 5
    assert [r["response_ref"] for r in page["data"]] == ["r11", "r10", "r09", "r08", "r07"]
    negative = client.get(f"{base}?theme_id={ids['Repeat visit']}&polarity=negative", headers=headers).json()
    assert negative["count"] == 5
    march = client.get(f"{base}?theme_id={ids['Repeat visit']}&period=2026-03", headers=headers).json()
    assert sorted(r["response_ref"] for r in march["data"]) == ["r09", "r10"]
    billing = client.get(f"{base}?department_id={world['billing'].id}&limit=1", headers=headers).json()
    assert billing["count"] == 8 and len(billing["data"]) == 1
    assert client.get(f"{base}?period=2026-13", headers=headers).status_code == 422


def test_masking_on_import(client, app, session, world):
    upload(client, app, world, CSV)
    session.expire_all()
    row = session.exec(select(FeedbackResponse).where(FeedbackResponse.response_ref == "r14")).one()
    assert row.comment == "Call me on [phone] or [email]"
    assert row.comment_sentiment is not None


def test_reimport_updates_never_duplicates(client, app, session, world):
    assert upload(client, app, world, CSV).json()["imported"] == 16
    changed = CSV.replace("r16,2026-04-27,Billing,2,", "r16,2026-04-27,Billing,5,")
    again = upload(client, app, world, changed + "r17,2026-04-28,Field,4,,,\n")
    assert again.json() == {"imported": 1, "updated": 16, "mentions": 0}
    assert stored(session) == 17
    row = session.exec(select(FeedbackResponse).where(FeedbackResponse.response_ref == "r16")).one()
    assert row.goal_rating == 5


@pytest.mark.parametrize(
    ("body", "row", "column"),
    [
        (HEADER.replace(",hindered", "") + "r1,2026-01-05,Field,2,,\n", 1, "hindered"),
        (HEADER + "r1,2026-01-05,Field,2,,,\nr2,2026-02-31,Field,2,,,\n", 3, "responded_on"),
        (HEADER + "r1,2026-01-05,Field,9,,,\n", 2, "goal_rating"),
        (HEADER + "r1,2026-01-05,Field,2,,,\nr1,2026-01-06,Field,2,,,\n", 3, "response_id"),
        (HEADER + "r1,2026-01-05,Nowhere,2,,,\n", 2, "department"),
        ((HEADER + "r1,2026-01-05,Field,2,,Caf\xe9 shut,\n").encode("cp1252"), 2, "hindered"),
        # int() reads "٢" as 2 and "1_0" as 10; a rating is written in the digits 0-9.
        (HEADER + "r1,2026-01-05,Field,\u0662,,,\n", 2, "goal_rating"),
        (HEADER + "r1,2026-01-05,Field,\u00b2,,,\n", 2, "goal_rating"),
        (HEADER + "r1,2026-01-05,Field,0_3,,,\n", 2, "goal_rating"),
        (HEADER + "r1,2026-01-05,Field,NaN,,,\n", 2, "goal_rating"),
    ],
    ids=[
        "wrong columns",
        "bad date",
        "off the scale",
        "duplicate ids",
        "unknown department",
        "wrong encoding",
        "arabic-indic digit",
        "superscript",
        "underscore",
        "nan",
    ],
)
def test_bad_files_are_refused_naming_row_and_column_and_write_nothing(client, app, session, world, body, row, column):
    good = HEADER + "ok1,2026-01-05,Field,2,,,\n"
    response = upload(client, app, world, body if isinstance(body, bytes) else body + good.split("\n", 1)[1])
    assert response.status_code == 422, response.text
    assert {"row": row, "column": column} in [
        {"row": p["row"], "column": p["column"]} for p in response.json()["detail"]
    ]
    assert stored(session) == 0


def test_theme_changes_retheme_the_history(client, app, session, world):
    upload(client, app, world, CSV)
    ids = add_themes(client, app, world)
    headers = auth(app, world["chair"])
    theme = client.get(f"/api/themes/{ids['Billing estimate']}", headers=headers)
    etag = theme.headers["ETag"]
    stale = client.patch(
        f"/api/themes/{ids['Billing estimate']}", json={"phrases": ["bill"]}, headers={**headers, "If-Match": '"99"'}
    )
    assert stale.status_code == 412
    narrowed = client.patch(
        f"/api/themes/{ids['Billing estimate']}", json={"phrases": ["awful"]}, headers={**headers, "If-Match": etag}
    )
    assert narrowed.status_code == 200 and narrowed.json()["version"] == 2
    session.expire_all()
    months = session.exec(select(ThemeMonth).where(ThemeMonth.theme_id == ids["Billing estimate"])).all()
    assert {(m.month, m.department_id, m.negative) for m in months} == {
        (APRIL, None, 1),
        (APRIL, world["billing"].id, 1),
    }
    assert (
        client.delete(
            f"/api/themes/{ids['Billing estimate']}",
            headers=if_match(client, f"/api/themes/{ids['Billing estimate']}", headers),
        ).status_code
        == 204
    )
    session.expire_all()
    assert not session.exec(select(ThemeMonth).where(ThemeMonth.theme_id == ids["Billing estimate"])).all()
    duplicate = client.post(f"/api/councils/{world['council'].id}/themes", json=THEMES[0], headers=headers)
    assert duplicate.status_code == 409


def test_settings_scale_and_column_map(client, app, session, world):
    base = f"/api/councils/{world['council'].id}/feedback/settings"
    headers = auth(app, world["chair"])
    assert client.get(base, headers=headers).json()["rating_max"] == 5
    saved = client.put(
        base,
        json={"rating_min": 0, "rating_max": 10, "column_map": {"goal_rating": "Q3 Score"}},
        headers=if_match(client, base, headers),
    )
    assert saved.status_code == 200 and saved.headers["ETag"] == '"1"'
    vendor = HEADER.replace("goal_rating", "Q3 Score") + "v1,2026-01-05,Field,9,,,\n"
    assert upload(client, app, world, vendor).status_code == 200
    shrink = client.put(base, json={"rating_min": 1, "rating_max": 5}, headers=if_match(client, base, headers))
    assert shrink.status_code == 422
    assert (
        client.put(base, json={"rating_min": 5, "rating_max": 5}, headers=if_match(client, base, headers)).status_code
        == 422
    )


def test_suggestions_come_from_unmatched_texts(client, app, session, world):
    lines = [
        f"s{i},2026-03-{1 + i % 28:02d},Field,3,,Had to explain my problem again to every person,\n" for i in range(15)
    ]
    lines += [f"t{i},2026-03-{1 + i % 28:02d},Billing,3,,The smart meter display stopped working,\n" for i in range(15)]
    upload(client, app, world, HEADER + "".join(lines))
    got = client.get(
        f"/api/councils/{world['council'].id}/themes/suggestions", headers=auth(app, world["chair"])
    ).json()
    assert got["count"] >= 1
    accepted = got["data"][0]
    created = client.post(
        f"/api/councils/{world['council'].id}/themes",
        json={"name": accepted["name"], "phrases": accepted["phrases"]},
        headers=auth(app, world["chair"]),
    )
    assert created.status_code == 201
    session.expire_all()
    assert session.exec(select(func.count()).select_from(ThemeMention)).one() == 15


def test_a_file_over_the_size_limit_is_refused(client, app, session, world, monkeypatch):
    monkeypatch.setattr("app.feedback.imports.MAX_BYTES", 200)
    response = upload(client, app, world, CSV)
    assert response.status_code == 413
    assert "over" in response.json()["detail"][0]["message"]
    assert stored(session) == 0


def test_an_import_replaces_the_councils_revision_stamp(client, app, session, world):
    from app.revision import stamps

    def stamp() -> tuple:
        session.commit()  # a fresh transaction sees the request's commit
        return stamps(session, world["council"].id)

    before = stamp()
    assert upload(client, app, world, CSV).status_code == 200
    after = stamp()
    assert after[0] != before[0] and after[1] == before[1]  # the council's data, not the site's
    add_themes(client, app, world)
    assert stamp()[0] != after[0]


def test_the_page_forms_save_settings_and_remove_a_theme(client, app, session, world):
    from tests.web.test_pages import csrf_from

    ids = add_themes(client, app, world)
    token = csrf_from(client.get("/login").text)
    signed = client.post(
        "/login",
        data={"email": world["chair"].email, "password": "pw-12345678", "csrf_token": token, "next": "/councils"},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    page = client.get(f"/councils/{world['council'].id}/feedback")
    assert page.status_code == 200 and "Billing estimate" in page.text
    token = csrf_from(page.text)
    saved = client.post(
        f"/councils/{world['council'].id}/feedback/settings",
        data={"csrf_token": token, "rating_min": "0", "rating_max": "10", "map_goal_rating": "Q3 Score"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    bad = client.post(
        f"/councils/{world['council'].id}/feedback/settings",
        data={"csrf_token": token, "rating_min": "7", "rating_max": "3"},
        follow_redirects=True,
    )
    assert "rating_min must be below rating_max" in bad.text
    removed = client.post(
        f"/themes/{ids['Billing estimate']}/delete", data={"csrf_token": token}, follow_redirects=False
    )
    assert removed.status_code == 303
    got = client.get(f"/api/councils/{world['council'].id}/feedback/settings", headers=auth(app, world["chair"])).json()
    assert (got["rating_min"], got["rating_max"], got["column_map"]) == (0, 10, {"goal_rating": "Q3 Score"})
    themes = client.get(f"/api/councils/{world['council'].id}/themes", headers=auth(app, world["chair"])).json()
    assert [t["name"] for t in themes["data"]] == ["Repeat visit"]
