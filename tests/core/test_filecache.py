"""Files kept for every process (app/filecache.py): whole, private, bounded; the charts' tests cover the charts."""

import os

from app import filecache


def whole(content: bytes) -> bool:
    return content.endswith(b"END")


def test_a_kept_file_is_read_back_whole_and_a_damaged_one_is_not(tmp_path):
    folder = str(tmp_path / "kept")
    filecache.write(folder, "pack.docx", b"the pack END", files=10)
    assert filecache.read(folder, "pack.docx", whole) == b"the pack END"
    (tmp_path / "kept" / "pack.docx").write_bytes(b"the pa")  # as a crash mid-write would leave it, were it not renamed
    assert filecache.read(folder, "pack.docx", whole) is None
    assert filecache.read(folder, "missing.docx", whole) is None
    assert os.stat(folder).st_mode & 0o777 == 0o700


def test_a_folder_another_could_write_in_is_neither_read_nor_written(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "pack.docx").write_bytes(b"planted END")
    shared.chmod(0o777)
    assert filecache.read(str(shared), "pack.docx", whole) is None
    filecache.write(str(shared), "other.docx", b"ours END", files=10)
    assert sorted(p.name for p in shared.iterdir()) == ["pack.docx"]
    shared.chmod(0o700)
    assert filecache.read(str(shared), "pack.docx", whole) == b"planted END"


def test_the_least_recently_used_go_beyond_the_bound(tmp_path):
    folder = str(tmp_path)
    for n in range(4):
        filecache.write(folder, f"{n}.docx", b"END", files=2, prune_every=1)
        os.utime(tmp_path / f"{n}.docx", (n, n))
    filecache.prune(folder, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2.docx", "3.docx"]
