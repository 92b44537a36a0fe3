"""An API user generates a client from /openapi.json: nothing of the API may be dropped.

openapi-python-client prints a warning for every model or response it cannot turn into
code (two schemas with one title, a reference it cannot resolve). The only ones allowed
are responses in a binary media type (Word, PNG, SVG, iCalendar), which it leaves to the
caller as raw bytes.
"""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET_KEY, unavailable

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv-openapi" / "bin"
GENERATOR = VENV_BIN / "openapi-python-client"
BINARY_MEDIA_TYPES = {
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "image/png",
    "image/svg+xml",
    "text/calendar",
    # A paper's download (app/papers): one of the kinds of file a paper may be.
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "image/jpeg",
}
# Each warning starts a paragraph with one of these; what follows it explains it.
WARNING_START = re.compile(r"^(WARNING|Unable to|Cannot parse|Could not|Skipping|Failure)", re.MULTILINE)
UNSUPPORTED_TYPE = re.compile(r"\(Unsupported content_type ([^)]+)\)")


def openapi_document() -> dict:
    from app.config import Settings
    from app.main import create_app

    # No database is opened: the engine connects lazily and the schema never asks it.
    settings = Settings(_env_file=None, ENVIRONMENT="test", DATABASE_URL="sqlite://", SECRET_KEY=TEST_SECRET_KEY)
    app = create_app(settings)
    try:
        return app.openapi()
    finally:
        app.state.engine.dispose()


def media_types_in(block: str) -> set[str]:
    """The media types a warning names ("(Unsupported content_type a/b, c/d)" for a response that has several)."""
    return {t.strip() for found in UNSUPPORTED_TYPE.findall(block) for t in found.split(",")}


def unexpected_warnings(output: str) -> list[str]:
    """The generator's warnings, each with its explanation, less those about binary responses."""
    starts = [match.start() for match in WARNING_START.finditer(output)]
    blocks = [output[start:end].strip() for start, end in zip(starts, [*starts[1:], len(output)], strict=True)]
    found = []
    for index, block in enumerate(blocks):
        media_types = media_types_in(block)
        if media_types and media_types <= BINARY_MEDIA_TYPES:
            continue
        # "WARNING parsing GET …" heads the "Cannot parse response …" that explains it.
        following = blocks[index + 1] if index + 1 < len(blocks) else ""
        if block.startswith("WARNING parsing") and "\n" not in block:
            following_types = media_types_in(following)
            if following_types and following_types <= BINARY_MEDIA_TYPES:
                continue
        found.append(block)
    return found


def test_binary_responses_are_the_only_warnings_allowed():
    output = """Generating c
Warning(s) encountered while generating. Client was generated, but some pieces may be missing

WARNING parsing GET /api/meetings/{meeting_id}/agenda.docx within meetings.

Cannot parse response for status code <x> (Unsupported content_type image/png), response will be omitted

{"description": "A chart"}

Unable to parse schema /components/schemas/Scorecard

Attempted to generate duplicate models with name "Scorecard"
"""
    first_lines = [warning.splitlines()[0] for warning in unexpected_warnings(output)]
    assert first_lines == ["Unable to parse schema /components/schemas/Scorecard"]


def test_a_client_generated_from_openapi_keeps_every_model(tmp_path: Path):
    if not GENERATOR.exists():
        unavailable(f"{GENERATOR} not found (make .venv-openapi/.installed)")
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(openapi_document()))
    # Its own venv first on PATH: the generator formats the client with the ruff it pins.
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(spec), "--output-path", str(tmp_path / "client")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    warnings = unexpected_warnings(output)
    if warnings:
        pytest.fail("openapi-python-client dropped parts of the API:\n\n" + "\n\n".join(warnings), pytrace=False)
    assert (tmp_path / "client" / "cx_council_client" / "models").is_dir(), output
