"""Uploads are bounded and validated: the tests live next to the features; this checks they exist.

Word template (tests/councils/test_word_template_api.py): over 5 MB → 413; a text file named .docx → 422.
Readings CSV (tests/measures/test_readings_import.py): over the limit → 413; bad files → 422.
Papers (tests/papers/test_papers_api.py): over the council's limit → 413; content not as named → 422.
The page upload of readings is also checked here: the same limit through the form.
"""

import ast
from pathlib import Path

from app.measures.csvfile import MAX_BYTES
from tests.web.test_pages import csrf_from, seat_person, sign_in

TESTS = Path(__file__).resolve().parents[1]
REQUIRED = {
    "councils/test_word_template_api.py": {
        "test_template_upload_refuses_a_file_over_the_limit",
        "test_template_upload_refuses_a_text_file_renamed_docx",
    },
    "feedback/test_feedback_api.py": {
        "test_a_file_over_the_size_limit_is_refused",
        "test_bad_files_are_refused_naming_row_and_column_and_write_nothing",
    },
    "papers/test_papers_api.py": {
        "test_a_file_over_the_councils_limit_is_refused_naming_it_and_nothing_is_stored",
        "test_content_that_is_not_what_the_name_says_is_refused_naming_what_it_is",
    },
    "measures/test_readings_import.py": {
        "test_a_file_over_the_size_limit_is_refused_without_reading_it_all",
        "test_a_bad_file_is_refused_with_its_problems_and_nothing_changes",
    },
}


def test_upload_limit_tests_exist():
    for path, names in REQUIRED.items():
        tree = ast.parse((TESTS / path).read_text())
        defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert names <= defined, f"{path} lost {names - defined}"


def test_readings_page_upload_refuses_an_oversize_or_wrong_type_file(client, session):
    _, council = seat_person(session)
    assert sign_in(client).status_code == 303
    token = csrf_from(client.get(f"/councils/{council.id}/measures").text)
    url = f"/councils/{council.id}/readings/import"
    too_big = client.post(
        url,
        data={"csrf_token": token},
        files={"file": ("readings.csv", b"a" * (MAX_BYTES + 1), "text/csv")},
        follow_redirects=False,
    )
    assert too_big.status_code in (303, 413, 422), too_big.status_code
    binary = client.post(
        url,
        data={"csrf_token": token},
        files={"file": ("readings.csv", b"\x89PNG\r\n\x1a\n\0\0\0", "image/png")},
        follow_redirects=False,
    )
    assert binary.status_code in (303, 413, 422), binary.status_code
