"""2f839f1a814e: invitations and users.can_create_councils, with today's chairs keeping what they could do."""

from sqlalchemy import inspect, text

from tests.migrations.helpers import COUNCIL, NOW, execute, roundtrip

BEFORE, AFTER = "c0315263993b", "2f839f1a814e"


def _seed(engine) -> None:
    execute(
        engine,
        *(
            "INSERT INTO users (id, email, name, password_hash, is_active, is_site_admin, created_at) "
            f"VALUES ({user_id}, '{email}', 'N', 'x', :yes, :no, '{NOW}')"
            for user_id, email in [(1, "chair@example.com"), (2, "member@example.com"), (3, "loner@example.com")]
        ),
        yes=True,
        no=False,
    )
    execute(
        engine,
        COUNCIL,
        "INSERT INTO memberships (id, council_id, user_id, role, created_at) VALUES "
        f"(1, 1, 1, 'chair', '{NOW}'), (2, 1, 2, 'member', '{NOW}')",
    )


def _upgraded(engine) -> None:
    with engine.begin() as conn:
        flags = dict(conn.execute(text("SELECT email, can_create_councils FROM users")).all())
        assert {email: bool(flag) for email, flag in flags.items()} == {
            "chair@example.com": True,
            "member@example.com": False,
            "loner@example.com": False,
        }
        conn.execute(
            text(
                "INSERT INTO invitations (council_id, email, name, role, invited_by_id, token_hash, created_at, "
                f"expires_at) VALUES (1, 'new@example.com', 'New', 'member', 1, 'h', '{NOW}', '{NOW}')"
            )
        )


def _downgraded(engine) -> None:
    assert "invitations" not in inspect(engine).get_table_names()
    assert "can_create_councils" not in {c["name"] for c in inspect(engine).get_columns("users")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM memberships")).scalar() == 2
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 3


def test_chairs_keep_the_right_to_start_councils_and_downgrade_keeps_seats(empty_db_url):
    roundtrip(empty_db_url, before=BEFORE, after=AFTER, seed=_seed, upgraded=_upgraded, downgraded=_downgraded)
