"""`council import-readings FILE --council ID`: the web import's checks, from a terminal."""

from datetime import date

import pytest
from sqlmodel import func, select
from typer.testing import CliRunner

from app.cli import app as cli
from app.models import Measure, Reading
from tests.factories import make_council

runner = CliRunner()


@pytest.fixture
def env(monkeypatch, db_url):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret-" + "x" * 32)
    return db_url


@pytest.fixture
def council(session):
    council = make_council(session, name="Utility council")
    session.add_all(
        [
            Measure(council_id=council.id, name="Net Promoter Score", kind="nps"),
            Measure(council_id=council.id, name="Repeat engineer visits", direction="lower_is_better"),
        ]
    )
    session.commit()
    return council


def readings(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Reading)).one()


def test_imports_a_large_file_with_progress_and_prints_the_counts(env, council, session, tmp_path):
    start = date(2000, 1, 1).toordinal()
    rows = [
        f"{'Net Promoter Score' if i % 2 else 'Repeat engineer visits'},{date.fromordinal(start + i // 2)},{i % 50},"
        for i in range(5000)
    ]
    path = tmp_path / "readings.csv"
    path.write_text("measure,period,value,sample_size\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["import-readings", str(path), "--council", str(council.id)])
    assert result.exit_code == 0, result.output
    assert "Imported 5000 new reading(s), updated 0 into “Utility council”." in result.output
    assert "Checking rows" in result.output and "Writing readings" in result.output
    assert readings(session) == 5000
    again = runner.invoke(cli, ["import-readings", str(path), "--council", str(council.id)])
    assert "Imported 0 new reading(s), updated 5000" in again.output


def test_lists_every_problem_and_writes_nothing(env, council, session, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("measure,period,value\nNet Promoter Score,2026-01-01,31\nNPS,2026-13-01,high\n", encoding="utf-8")
    result = runner.invoke(cli, ["import-readings", str(path), "--council", str(council.id)])
    assert result.exit_code == 1
    assert "bad.csv was not imported (3 problem(s)); nothing was written." in result.output
    assert "row 3, measure: No measure called 'NPS'" in result.output
    assert "row 3, period:" in result.output and "row 3, value:" in result.output
    assert readings(session) == 0


def test_file_level_problems_and_a_missing_council(env, council, session, tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("measure,period,value\nCafé,2026-01-01,1\n".encode("latin-1"))
    result = runner.invoke(cli, ["import-readings", str(latin), "--council", str(council.id)])
    assert result.exit_code == 1 and "CSV UTF-8" in result.output
    missing = runner.invoke(cli, ["import-readings", str(latin), "--council", "999"])
    assert missing.exit_code == 1 and "No council with id 999." in missing.output
    nowhere = runner.invoke(cli, ["import-readings", str(tmp_path / "nope.csv"), "--council", str(council.id)])
    assert nowhere.exit_code == 2
    assert readings(session) == 0
