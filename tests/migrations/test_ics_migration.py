"""5a1d7c3e9b20: a random UID namespace per database, and existing meetings keep the UIDs calendars hold."""

import uuid
from types import SimpleNamespace

from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import Session

from app.agendas.ics import meeting_uid
from app.meetings.site_identity import uid_namespace
from tests.databases import alembic_config
from tests.migrations.helpers import COUNCIL, NOW, execute, roundtrip

BEFORE, REVISION = "9e9e734b49b0", "5a1d7c3e9b20"


def _two_meetings(engine) -> None:
    execute(
        engine,
        COUNCIL,
        *(
            "INSERT INTO meetings (id, council_id, number, title, scheduled_at, duration_minutes, location, "
            f"status, version, created_at, updated_at) VALUES ({meeting_id}, 1, {meeting_id}, '', "
            f"'{NOW}', 120, '', 'scheduled', 2, '{NOW}', '{NOW}')"
            for meeting_id in (3, 14)
        ),
    )


def _uids(engine) -> dict[int, str]:
    # Raw rows, not the Meeting model: later migrations add columns this revision lacks.
    with Session(engine) as session:
        namespace = uid_namespace(session=session)
        rows = session.execute(text("SELECT id, ical_uid FROM meetings ORDER BY id")).all()
        return {row.id: meeting_uid(SimpleNamespace(id=row.id, ical_uid=row.ical_uid), namespace) for row in rows}


def test_with_base_url_known_existing_meetings_keep_their_uids(empty_db_url, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)  # no .env here: the environment alone says where the site was
    monkeypatch.setenv("BASE_URL", "https://council.example.org/cx")

    def upgraded(engine) -> None:
        assert "kept the UIDs calendars hold for the 2 existing meeting(s)" in capsys.readouterr().err
        assert _uids(engine) == {3: "meeting-3@council.example.org", 14: "meeting-14@council.example.org"}
        with engine.begin() as conn:
            (namespace,) = conn.execute(text("SELECT namespace FROM site_identity")).one()
            assert uuid.UUID(namespace).version == 4
            # The versions are untouched: no calendar is told the meetings changed.
            assert conn.execute(text("SELECT DISTINCT version FROM meetings")).scalars().all() == [2]
            conn.execute(
                text(
                    "INSERT INTO meetings (id, council_id, number, title, scheduled_at, duration_minutes, location, "
                    f"status, version, created_at, updated_at) VALUES (15, 1, 15, '', '{NOW}', 120, '', "
                    f"'scheduled', 1, '{NOW}', '{NOW}')"
                )
            )
        # A meeting made after the migration gets its UID from the namespace, not the address.
        assert _uids(engine)[15] == f"{uuid.uuid5(uuid.UUID(namespace), 'meeting-15')}@cx-council"

    def downgraded(engine) -> None:
        assert "site_identity" not in inspect(engine).get_table_names()
        assert "ical_uid" not in {c["name"] for c in inspect(engine).get_columns("meetings")}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM meetings")).scalar() == 3

    roundtrip(empty_db_url, before=BEFORE, after=REVISION, seed=_two_meetings, upgraded=upgraded, downgraded=downgraded)


def test_without_base_url_it_says_what_people_will_see(empty_db_url, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BASE_URL", raising=False)

    def upgraded(engine) -> None:
        said = capsys.readouterr().err
        assert "BASE_URL is not set" in said and "2 existing meeting(s)" in said
        assert "show each of them once more" in said
        uids = _uids(engine)
        assert all(u.endswith("@cx-council") for u in uids.values()) and len(set(uids.values())) == 2

    def downgraded(engine) -> None:
        # Upgrading again with the old address: the old UIDs come back.
        (tmp_path / ".env").write_text("BASE_URL=https://old.example.org\n")

    def again(engine) -> None:
        assert _uids(engine) == {3: "meeting-3@old.example.org", 14: "meeting-14@old.example.org"}

    roundtrip(
        empty_db_url,
        before=BEFORE,
        after=REVISION,
        seed=_two_meetings,
        upgraded=upgraded,
        downgraded=downgraded,
        again=again,
    )


def test_an_empty_database_says_nothing(empty_db_url, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BASE_URL", raising=False)
    command.upgrade(alembic_config(url=empty_db_url), REVISION)
    assert "Calendar UIDs" not in capsys.readouterr().err
