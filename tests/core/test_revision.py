"""The data revisions: a write replaces its own council's stamp (site data: the site's), reads and rollbacks none."""

from datetime import date, timedelta

from sqlalchemy import ForeignKey, insert, update
from sqlmodel import Session, select

from app import revision
from app.models import (
    Action,
    CouncilRevision,
    Journey,
    JourneyStep,
    LoginFailure,
    Measure,
    MinutesItem,
    Reading,
    StepDepartment,
    metadata,
    utcnow,
)
from app.purge import purge
from app.revision import in_council, stamp_for, stamps
from tests.factories import make_action, make_council, make_department, make_meeting, make_membership, make_user
from tests.helpers import auth, count_statements


def council_stamp(engine, council) -> str:
    with Session(engine) as s:
        value = stamps(s, council.id)[0]
    assert value is not None and len(value) == 32
    return value


def site_stamp(engine) -> str:
    with Session(engine) as s:
        value = stamps(s, 0)[1]  # the site's, whichever council is asked about
    assert value is not None and len(value) == 32
    return value


def two_councils(session):
    a = make_council(session, name="A", chair=make_user(session))
    b = make_council(session, name="B", chair=make_user(session))
    session.commit()
    return a, b


def test_a_committed_insert_update_or_delete_replaces_its_councils_stamp(engine, session):
    council = make_council(session, chair=make_user(session))
    session.commit()
    after_insert = council_stamp(engine, council)

    council.name = "Renamed council"
    session.add(council)
    session.commit()
    after_update = council_stamp(engine, council)
    assert after_update != after_insert

    action = make_action(session, council=council)
    session.commit()
    after_action = council_stamp(engine, council)
    session.delete(action)
    session.commit()
    assert council_stamp(engine, council) not in {after_insert, after_update, after_action}


def test_a_write_in_one_council_leaves_the_other_councils_and_the_sites_stamps(engine, session):
    a, b = two_councils(session)
    action = make_action(session, council=a)
    session.commit()
    before_a, before_b, before_site = council_stamp(engine, a), council_stamp(engine, b), site_stamp(engine)
    with Session(engine) as s:
        key_b = stamp_for(s, b.id)

    action.title = "Changed in A"
    session.add(action)
    session.commit()
    assert council_stamp(engine, a) != before_a
    assert council_stamp(engine, b) == before_b
    assert site_stamp(engine) == before_site
    with Session(engine) as s:
        assert stamp_for(s, b.id) == key_b  # B's cached documents stay valid


def test_people_are_site_wide_data_every_councils_key_changes(engine, session):
    a, b = two_councils(session)
    person = make_user(session)
    session.commit()
    before_a, before_site = council_stamp(engine, a), site_stamp(engine)
    with Session(engine) as s:
        keys = {stamp_for(s, a.id), stamp_for(s, b.id)}

    person.name = "A new name"
    session.add(person)
    session.commit()
    assert site_stamp(engine) != before_site
    assert council_stamp(engine, a) == before_a  # the council's own row is not touched
    with Session(engine) as s:
        assert not {stamp_for(s, a.id), stamp_for(s, b.id)} & keys  # an agenda shows people's names


def test_a_new_council_has_its_revision_from_the_commit_that_made_it(engine, session):
    council = make_council(session)
    session.flush()
    with Session(engine) as s:
        assert stamp_for(s, council.id) is None  # not committed: nothing to cache yet
    session.commit()
    with Session(engine) as s:
        key = stamp_for(s, council.id)
    assert key is not None and key.startswith(council_stamp(engine, council))


def test_rows_without_a_council_id_are_traced_through_their_parents(engine, session):
    a, b = two_councils(session)
    department = make_department(session, council=a)
    make_meeting(session, council=a)
    journey = Journey(council_id=a.id, name="Moving home")
    measure = Measure(council_id=a.id, name="NPS", scope="overall")
    session.add_all([journey, measure])
    session.commit()
    for write in (
        lambda s: s.add(Reading(measure_id=measure.id, period=date(2026, 1, 1), value=31.0)),
        lambda s: s.add(JourneyStep(journey_id=journey.id, position=1, name="Call")),
    ):
        before_a, before_b, before_site = council_stamp(engine, a), council_stamp(engine, b), site_stamp(engine)
        with Session(engine) as other:  # a fresh session: the parent is not in its identity map, so it is read
            write(other)
            other.commit()
        assert council_stamp(engine, a) != before_a
        assert (council_stamp(engine, b), site_stamp(engine)) == (before_b, before_site)

    # Two levels (a step's department → the step → the journey), and the whole tree deleted at once.
    step = session.exec(select(JourneyStep).where(JourneyStep.journey_id == journey.id)).one()
    session.add(StepDepartment(step_id=step.id, department_id=department.id))
    session.commit()
    before_a, before_site = council_stamp(engine, a), site_stamp(engine)
    for row in session.exec(select(StepDepartment)).all():
        session.delete(row)
    session.flush()
    session.delete(step)
    session.flush()
    session.delete(journey)
    session.commit()
    assert council_stamp(engine, a) != before_a
    assert site_stamp(engine) == before_site


def test_tracing_a_child_whose_parent_the_session_holds_reads_nothing_more(engine, session):
    council = make_council(session, chair=make_user(session))
    meeting = make_meeting(session, council=council)
    session.commit()
    session.add(MinutesItem(meeting_id=meeting.id, number=2, notes="Noted"))
    with count_statements(engine) as sent:
        session.commit()
    # The insert and the council's stamp: the meeting's council was known.
    assert len(sent) == 2, sent


def test_bulk_statements_say_their_council_or_replace_the_sites_stamp(engine, session):
    a, b = two_councils(session)
    make_action(session, council=a)
    measure = Measure(council_id=a.id, name="NPS", scope="overall")
    session.add(measure)
    session.commit()

    before_a, before_b, before_site = council_stamp(engine, a), council_stamp(engine, b), site_stamp(engine)
    statement = update(Action).where(Action.council_id == a.id).values(percent_complete=50)
    session.exec(statement, execution_options=in_council(a.id))
    session.commit()
    assert council_stamp(engine, a) != before_a
    assert (council_stamp(engine, b), site_stamp(engine)) == (before_b, before_site)

    # As the CSV import of readings writes them: the rows name their measure, which names its council.
    before_a = council_stamp(engine, a)
    session.exec(insert(Reading), params=[{"measure_id": measure.id, "period": date(2026, 1, 1), "value": 31.0}])
    session.commit()
    assert council_stamp(engine, a) != before_a
    assert (council_stamp(engine, b), site_stamp(engine)) == (before_b, before_site)

    # A statement that does not say its council: every key changes, never a stale document.
    with Session(engine) as s:
        key_b = stamp_for(s, b.id)
    session.exec(update(Action).where(Action.council_id == a.id).values(percent_complete=60))
    session.commit()
    assert site_stamp(engine) != before_site
    with Session(engine) as s:
        assert stamp_for(s, b.id) != key_b


def test_reads_rollbacks_and_sign_in_failures_keep_the_stamps(engine, session):
    council = make_council(session, chair=make_user(session))
    session.commit()
    before = council_stamp(engine, council), site_stamp(engine)

    list(session.exec(select(Action)))
    session.commit()  # a read-only transaction
    assert (council_stamp(engine, council), site_stamp(engine)) == before

    council.name = "Never saved"
    session.add(council)
    make_user(session)
    session.flush()
    session.rollback()
    session.commit()
    assert (council_stamp(engine, council), site_stamp(engine)) == before

    session.add(LoginFailure(key="email:someone@example.org", failed_at=utcnow()))
    session.commit()
    assert (council_stamp(engine, council), site_stamp(engine)) == before


def test_a_savepoint_rolled_back_keeps_the_outer_change(engine, session):
    council = make_council(session, chair=make_user(session))
    session.commit()
    before = council_stamp(engine, council)
    council.name = "Kept"
    session.add(council)
    session.flush()
    try:
        with session.begin_nested():
            make_council(session, name="Undone")
            raise RuntimeError("undo the savepoint")
    except RuntimeError:
        pass
    session.commit()
    assert council_stamp(engine, council) != before


def test_a_cache_key_is_read_in_one_statement(engine, session):
    council = make_council(session)
    session.commit()
    with Session(engine) as s, count_statements(engine) as sent:
        s.connection()  # the transaction begins outside the count
        sent.clear()
        assert stamp_for(s, council.id) is not None
    assert len(sent) == 1, sent


def test_purging_a_council_removes_its_revision_and_no_other_councils(engine, session):
    admin = make_user(session, is_site_admin=True)
    a, b = two_councils(session)
    make_action(session, council=a)
    a.archived_at = utcnow()
    session.add(a)
    session.commit()
    before_b = council_stamp(engine, b)
    purge(session=session, kind="council", record_id=a.id, by=admin.email)
    session.commit()
    assert session.get(CouncilRevision, a.id) is None
    assert council_stamp(engine, b) == before_b


def test_every_table_is_traced_to_a_council_or_is_site_wide_or_bookkeeping():
    """A new table must say where its writes go, or every write to it would fail this test."""
    models = revision._models()
    for table in metadata.sorted_tables:
        model = models[table.name]
        kinds = [issubclass(model, revision.UNTRACKED), issubclass(model, revision.SITE_WIDE)]
        try:
            attribute, parent = revision.link(model)
        except KeyError:
            assert sum(kinds) == 1, f"{table.name}: add it to app.revision PARENTS, SITE_WIDE or UNTRACKED"
            continue
        if model in revision.PARENTS:
            assert not any(kinds), table.name
            # The link is a real foreign key to the parent, and the chain ends at a council.
            targets = {fk.column.table.name for fk in table.c[attribute].foreign_keys}
            assert targets == {parent.__tablename__}, table.name
            while parent in revision.PARENTS:
                parent = revision.PARENTS[parent][1]
            assert "council_id" in parent.__table__.c, table.name
        elif table.name != "councils" and not kinds[0]:
            assert isinstance(next(iter(table.c.council_id.foreign_keys)), ForeignKey), table.name
            assert not kinds[1], table.name


def test_a_write_in_one_council_keeps_another_councils_cached_agenda(app, client, engine, session):
    agendas = {}
    for name in ("A", "B"):
        chair = make_user(session)
        council = make_council(session, name=name, chair=chair)
        seat = make_membership(session, council=council)
        meeting = make_meeting(session, council=council)
        agendas[name] = (chair, council, seat, f"/api/meetings/{meeting.id}/agenda")
    session.commit()
    chair_b, _, _, url_b = agendas["B"]
    first = client.get(url_b, headers=auth(app, chair_b))
    assert first.status_code == 200 and len(app.state.agenda_cache) == 1

    chair_a, council_a, seat_a, url_a = agendas["A"]
    site = site_stamp(engine)
    created = client.post(
        f"/api/councils/{council_a.id}/actions",
        headers=auth(app, chair_a),
        json={"title": "Only in A", "owner_id": seat_a.id, "due_on": str(date.today() + timedelta(days=5))},
    )
    assert created.status_code == 201, created.text
    assert site_stamp(engine) == site  # a request in a council writes nothing site-wide
    again = client.get(url_b, headers=auth(app, chair_b))
    assert again.headers["etag"] == first.headers["etag"]
    assert len(app.state.agenda_cache) == 1  # B's agenda came from the cache: nothing was built
    shown = client.get(url_a, headers=auth(app, chair_a)).json()
    assert "Only in A" in [a["title"] for a in shown["sections"][0]["open_actions"]]
