"""The measures pages through the ASGI client: the list, CSV import by form, one measure and its forms."""

from datetime import date
from html import unescape
from types import SimpleNamespace

import pytest
from sqlmodel import select

from app.measures.figures import add_months
from app.measures.pages import default_period
from app.models import Measure, Reading, Role
from tests.factories import make_council, make_department, make_membership, make_user
from tests.web.test_pages import csrf_from, sign_in


@pytest.fixture
def council(session):
    """A chair, Tom in Field Engineering (owner of the repeat-visits measure), Aisha in Billing, an observer."""
    council = make_council(session, name="Utility council")
    field = make_department(session, council=council, name="Field Engineering")
    billing = make_department(session, council=council, name="Billing")
    seats = {}
    for name, role, department in [
        ("chair", Role.chair, None),
        ("tom", Role.member, field),
        ("aisha", Role.member, billing),
        ("olga", Role.observer, None),
    ]:
        user = make_user(session, email=f"{name}@example.com", name=name.title())
        seats[name] = make_membership(session, council=council, user=user, role=role, department=department)
    visits = Measure(
        council_id=council.id,
        name="Repeat engineer visits",
        unit="%",
        direction="lower_is_better",
        target=8,
        scope="department",
        department_id=field.id,
        owner_id=seats["tom"].id,
    )
    nps = Measure(council_id=council.id, name="Net Promoter Score", kind="nps", category="survey_rating", target=30)
    session.add_all([visits, nps])
    session.flush()
    last = add_months(date.today(), -1)
    for i, value in enumerate([9.0, 9.5, 10.2]):
        session.add(Reading(measure_id=visits.id, period=add_months(last, i - 2), value=value, sample_size=4000 + i))
    session.commit()
    return SimpleNamespace(id=council.id, measures={"visits": visits, "nps": nps})


def test_the_list_shows_figures_status_and_forms_by_role(client, council):
    sign_in(client, "chair@example.com")
    page = client.get(f"/councils/{council.id}/measures")
    assert page.status_code == 200
    html = unescape(page.text)
    assert "Repeat engineer visits" in html and "10.2%" in html and "+0.7 pts" in html
    assert 'class="tag status-red" title="Off target and getting worse">Off track<' in html  # off target, worsening
    assert '<svg class="spark red"' in html
    assert "No readings yet" in html  # NPS
    assert "Add a measure" in html and "Import readings from CSV" in html
    assert 'enctype="multipart/form-data"' in html
    # Overall measures come first, as on the agenda.
    assert html.index("Net Promoter Score") < html.index("Repeat engineer visits")
    red_only = unescape(client.get(f"/councils/{council.id}/measures?status=red&applies_to=bogus").text)
    assert "Repeat engineer visits" in red_only and "Net Promoter Score</a>" not in red_only


def test_observers_read_but_neither_import_nor_add(client, council):
    sign_in(client, "olga@example.com")
    html = client.get(f"/councils/{council.id}/measures").text
    assert "Repeat engineer visits" in html
    assert "Import readings from CSV" not in html and "Add a measure" not in html


def test_chair_adds_a_measure_and_a_mistake_is_explained(client, session, council):
    sign_in(client, "chair@example.com")
    url = f"/councils/{council.id}/measures"
    token = csrf_from(client.get(url).text)
    added = client.post(
        url,
        data={
            "csrf_token": token,
            "name": "First-contact resolution",
            "kind": "fcr",
            "unit": "%",
            "target": "75",
            "applies_to": f"d:{council.measures['visits'].department_id}",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    measure = session.exec(select(Measure).where(Measure.name == "First-contact resolution")).one()
    assert (measure.scope, measure.target, measure.category) == ("department", 75.0, "operational")
    assert added.headers["location"] == f"/measures/{measure.id}"
    duplicate = client.post(url, data={"csrf_token": token, "name": "net promoter score"})
    assert "already has a measure called" in unescape(duplicate.text)
    bad_target = client.post(url, data={"csrf_token": token, "name": "Effort", "target": "high"})
    assert "target" in unescape(bad_target.text).lower()
    assert client.post(url, data={"name": "No token"}, follow_redirects=False).status_code == 403


def test_a_member_cannot_add_measures(client, council):
    sign_in(client, "tom@example.com")
    url = f"/councils/{council.id}/measures"
    token = csrf_from(client.get(url).text)
    assert client.post(url, data={"csrf_token": token, "name": "Mine"}).status_code == 403


def test_import_form_lists_every_problem_then_imports_a_good_file(client, session, council):
    sign_in(client, "chair@example.com")
    url = f"/councils/{council.id}/measures"
    token = csrf_from(client.get(url).text)
    bad = b"measure,period,value\nNet Promoter Score,2026-02-01,thirty\nNobody,2026-02-01,1\n"
    refused = client.post(
        f"/councils/{council.id}/readings/import",
        data={"csrf_token": token},
        files={"file": ("march.csv", bad, "text/csv")},
    )
    assert refused.status_code == 422
    html = unescape(refused.text)
    assert "march.csv was not imported" in html
    assert "Row 2" in html and "Row 3" in html and "'thirty' is not a number" in html
    assert session.exec(select(Reading).where(Reading.measure_id == council.measures["nps"].id)).all() == []
    good = b"measure,period,value,sample_size\nNet Promoter Score,2026-02-01,30,900\n"
    imported = client.post(
        f"/councils/{council.id}/readings/import",
        data={"csrf_token": token},
        files={"file": ("march.csv", good, "text/csv")},
    )
    assert imported.status_code == 200 and "Imported march.csv: 1 new reading." in unescape(imported.text)
    empty = client.post(
        f"/councils/{council.id}/readings/import", data={"csrf_token": token}, files={"file": ("", b"", "text/csv")}
    )
    assert "Choose a CSV file" in empty.text
    no_token = client.post(
        f"/councils/{council.id}/readings/import", files={"file": ("a.csv", good, "text/csv")}, follow_redirects=False
    )
    assert no_token.status_code == 403


def test_the_measure_page_shows_the_chart_readings_and_export(client, council):
    visits = council.measures["visits"]
    sign_in(client, "aisha@example.com")
    html = unescape(client.get(f"/measures/{visits.id}").text)
    assert f'src="/api/measures/{visits.id}/chart.svg"' in html
    assert f"/api/councils/{council.id}/readings.csv?measure_id={visits.id}" in html
    assert "4,002" in html and "10.2%" in html
    # Aisha is in Billing: she reads, but records nothing for Field Engineering.
    assert "Read-only" in html and "Save reading" not in html and "Change the measure" not in html


def test_a_department_member_records_replaces_and_deletes_a_reading(client, session, council):
    visits = council.measures["visits"]
    sign_in(client, "tom@example.com")
    page = client.get(f"/measures/{visits.id}").text
    token = csrf_from(page)
    assert "Save reading" in page and "Edit target and description" in page
    url = f"/measures/{visits.id}/readings"
    saved = client.post(url, data={"csrf_token": token, "period": "2025-01-01", "value": "9.9", "sample_size": "12"})
    assert "Reading for Jan 2025 saved." in unescape(saved.text)
    replaced = client.post(url, data={"csrf_token": token, "period": "2025-01-01", "value": "9.7", "note": "Recount"})
    assert "Reading for Jan 2025 replaced." in unescape(replaced.text)
    reading = session.exec(select(Reading).where(Reading.period == date(2025, 1, 1))).one()
    assert (reading.value, reading.sample_size, reading.note) == (9.7, None, "Recount")
    bad = client.post(url, data={"csrf_token": token, "period": "2025-02-01", "value": "nan"})
    assert "value: 'nan' is not a number" in unescape(bad.text).lower()
    deleted = client.post(f"{url}/2025-01-01/delete", data={"csrf_token": token})
    assert "Reading for Jan 2025 deleted." in unescape(deleted.text)
    session.expire_all()
    assert session.exec(select(Reading).where(Reading.period == date(2025, 1, 1))).first() is None


def test_the_owner_edits_the_target_and_a_stale_form_is_refused(client, session, council):
    visits = council.measures["visits"]
    sign_in(client, "tom@example.com")
    token = csrf_from(client.get(f"/measures/{visits.id}").text)
    url = f"/measures/{visits.id}"
    saved = client.post(
        url, data={"csrf_token": token, "version": "1", "target": "7.5", "description": "Within 28 days"}
    )
    assert "Measure saved." in saved.text
    session.refresh(visits)
    assert (visits.target, visits.description, visits.version) == (7.5, "Within 28 days", 2)
    stale = client.post(url, data={"csrf_token": token, "version": "1", "target": "7", "description": ""})
    assert "changed since you loaded it" in unescape(stale.text)
    # The owner's form carries only target and description; a forged name is ignored.
    client.post(url, data={"csrf_token": token, "version": "2", "target": "7", "description": "", "name": "Mine"})
    session.refresh(visits)
    assert visits.name == "Repeat engineer visits" and visits.target == 7


def test_chair_deletes_a_measure_without_readings_and_archives_one_with_them(client, session, council):
    nps_id, visits_id = council.measures["nps"].id, council.measures["visits"].id
    sign_in(client, "chair@example.com")
    page = client.get(f"/measures/{nps_id}").text
    assert "Delete measure" in page and "Archive measure" not in page
    deleted = client.post(f"/measures/{nps_id}/delete", data={"csrf_token": csrf_from(page)})
    assert "Measure deleted." in deleted.text
    session.expire_all()
    assert session.get(Measure, nps_id) is None

    page = client.get(f"/measures/{visits_id}").text
    assert "Archive measure" in page and "You can restore it from the council" in unescape(page)
    archived = client.post(f"/measures/{visits_id}/delete", data={"csrf_token": csrf_from(page)})
    assert "Measure archived with its readings" in unescape(archived.text)
    assert "Repeat engineer visits" not in archived.text
    assert len(session.exec(select(Reading).where(Reading.measure_id == visits_id)).all()) == 3


def test_another_councils_measure_is_not_found(client, session, council):
    other = make_council(session, name="Other")
    make_membership(session, council=other, user=make_user(session, email="x@example.com"), role=Role.chair)
    session.commit()
    sign_in(client, "x@example.com")
    response = client.get(f"/measures/{council.measures['visits'].id}", headers={"Accept": "text/html"})
    assert response.status_code == 404


def test_the_reading_form_never_defaults_to_a_period_already_recorded():
    # Regression: the form defaulted to last month even when last month was in, so a
    # value typed into the default silently replaced the reading already there.
    today = date(2026, 11, 22)
    assert default_period(today, set()) == date(2026, 10, 1)
    assert default_period(today, {date(2026, 10, 1)}) == date(2026, 11, 1)
    assert default_period(today, {date(2026, 10, 1), date(2026, 11, 1)}) == date(2026, 10, 1)


def test_the_measure_page_offers_this_month_once_last_month_is_recorded(client, council):
    visits = council.measures["visits"]  # its readings end last month
    sign_in(client, "tom@example.com")
    html = client.get(f"/measures/{visits.id}").text
    this_month = add_months(date.today(), 0).isoformat()
    assert f'name="period" value="{this_month}"' in html


def test_a_reading_form_mistake_names_the_field_in_plain_words(client, council):
    # Regression: "-3" reached the schema as text and came back as "Input should be a valid integer".
    visits = council.measures["visits"]
    sign_in(client, "tom@example.com")
    token = csrf_from(client.get(f"/measures/{visits.id}").text)
    url = f"/measures/{visits.id}/readings"
    negative = unescape(
        client.post(url, data={"csrf_token": token, "period": "2025-02-01", "value": "9", "sample_size": "-3"}).text
    )
    assert "sample size: must be greater than or equal to 0" in negative
    words = unescape(client.post(url, data={"csrf_token": token, "period": "2025-02-01", "value": "lots"}).text)
    assert "value: 'lots' is not a number" in words
    no_date = unescape(client.post(url, data={"csrf_token": token, "period": "2025-13-01", "value": "9"}).text)
    assert "period: '2025-13-01' is not a date; use YYYY-MM-DD" in no_date
    assert "Value error" not in negative + words + no_date and "Input should" not in negative + words + no_date


def test_the_measures_page_links_to_the_other_customer_data_pages(client, council):
    sign_in(client, "chair@example.com")
    html = client.get(f"/councils/{council.id}/measures").text
    assert 'aria-label="Customer data"' in html
    assert f'href="/councils/{council.id}/journeys"' in html and f'href="/councils/{council.id}/research"' in html
