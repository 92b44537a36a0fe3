"""`council db backup` holds the papers and their bytes (the database store), and restore brings them back."""

from sqlmodel import Session

from app.db import make_engine
from app.papers.service import contents
from tests.core.test_backup import council_cli
from tests.papers.conftest import PDF, docx_bytes
from tests.papers.test_papers_api import upload


def test_a_backup_restores_every_paper_byte_for_byte(monkeypatch, app, client, board, db_url, make_database, tmp_path):
    word = docx_bytes()
    ids = [
        upload(client, app, board.chair, board.meeting.id, "pack.pdf", PDF).json()["id"],
        upload(client, app, board.chair, board.meeting.id, "note.docx", word, section_key="aob").json()["id"],
    ]
    backup_file = tmp_path / "council.backup"
    made = council_cli(monkeypatch, db_url, "db", "backup", str(backup_file))
    assert made.exit_code == 0, made.output
    assert "papers" in made.output and "paper_blobs" in made.output

    target_url = make_database(migrated=False)
    restored = council_cli(monkeypatch, target_url, "db", "restore", str(backup_file))
    assert restored.exit_code == 0, restored.output
    engine = make_engine(target_url)
    try:
        with Session(engine) as target:
            assert contents(target, ids) == {ids[0]: PDF, ids[1]: word}
    finally:
        engine.dispose()
