"""`council import-feedback FILE --council ID`: the web import's checks, from a terminal."""

import pytest
from sqlmodel import func, select
from typer.testing import CliRunner

from app.cli import app as cli
from app.models import FeedbackResponse
from tests.factories import make_council, make_department

runner = CliRunner()
HEADER = "response_id,responded_on,department,goal_rating,helped,hindered\n"


@pytest.fixture
def env(monkeypatch, db_url):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret-" + "x" * 32)
    return db_url


@pytest.fixture
def council(session):
    council = make_council(session, name="Utility council")
    make_department(session, council=council, name="Billing")
    session.commit()
    return council


def responses(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(FeedbackResponse)).one()


def test_imports_with_progress_then_updates_on_the_second_run(env, council, session, tmp_path):
    rows = [f"R{i},2026-0{1 + i % 9}-15,Billing,{1 + i % 5},Quick answer,My bill was estimated" for i in range(3000)]
    path = tmp_path / "survey.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["import-feedback", str(path), "--council", str(council.id)])
    assert result.exit_code == 0, result.output
    assert "Imported 3000 new response(s), updated 0 into “Utility council”" in result.output
    assert "Checking rows" in result.output and "Writing responses" in result.output
    assert responses(session) == 3000
    again = runner.invoke(cli, ["import-feedback", str(path), "--council", str(council.id)])
    assert "Imported 0 new response(s), updated 3000" in again.output
    assert responses(session) == 3000


def test_lists_every_problem_and_writes_nothing(env, council, session, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "R1,2026-01-05,Billing,7,,\nR1,2026-01-06,Biling,3,,\n", encoding="utf-8")
    result = runner.invoke(cli, ["import-feedback", str(path), "--council", str(council.id)])
    assert result.exit_code == 1
    assert "row 2, goal_rating: 7 is off the council's rating scale of 1 to 5." in result.output
    assert "row 3, response_id" in result.output and "row 3, department" in result.output
    assert "Did you mean 'Billing'?" in result.output
    assert responses(session) == 0
