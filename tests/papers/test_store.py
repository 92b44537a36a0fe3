"""The database store and `contents()`: the bytes come back whole, archived papers included."""

from app.archive import archive_record
from app.models import Paper
from app.papers.service import contents
from app.papers.store import DatabaseStore, content_key
from tests.factories import make_council, make_user


def _paper(session, council, key: str, size: int, name: str = "a.pdf") -> Paper:
    paper = Paper(
        council_id=council.id,
        attached_to="initiative",
        name=name,
        media_type="application/pdf",
        kind="PDF",
        size=size,
        sha256=key,
        storage_key=key,
    )
    session.add(paper)
    session.flush()
    return paper


def test_contents_reads_back_each_paper_including_archived_ones(session):
    council = make_council(session)
    user = make_user(session)
    store = DatabaseStore(session)
    first, second = b"%PDF-1.4 first", b"%PDF-1.4 second"
    key1, key2 = store.put(first), store.put(second)
    assert key1 == content_key(first) and store.put(first) == key1  # the same bytes are kept once
    one, two = _paper(session, council, key1, len(first)), _paper(session, council, key2, len(second))
    archive_record(session=session, record=two, user=user, detail={})

    assert contents(session, [one.id, two.id, 999_999]) == {one.id: first, two.id: second}
    assert contents(session, []) == {}
