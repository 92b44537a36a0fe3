"""The Word renderer is pure: typed models in, bytes out. Imported on its own, it brings
in no domain service and no database layer (checked in a fresh interpreter, so what the
rest of the suite has imported does not hide an arrow pointing the wrong way)."""

import subprocess
import sys

MODULES = [
    "agenda",
    "agenda_actions",
    "agenda_measures",
    "agenda_voice",
    "minutes",
    "minutes_front",
    "template",
    "word",
    "words",
]


def test_the_word_renderer_imports_no_domain_service_and_no_database():
    code = "; ".join(
        [f"import app.docx.{name}" for name in MODULES]
        + [
            "import sys",
            "print('\\n'.join(sorted(m for m in sys.modules if m.startswith(('app.', 'sqlmodel', 'sqlalchemy')))))",
        ]
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert [m for m in loaded if m.startswith(("sqlmodel", "sqlalchemy"))] == []
    assert [m for m in loaded if m.rsplit(".", 1)[-1] in {"service", "api", "pages", "data", "db"}] == []
    # Only typed models and format helpers from outside app.docx.
    assert {m for m in loaded if not m.startswith("app.docx")} <= {
        "app.agendas",
        "app.agendas.model",
        "app.agendas.voice_model",
        "app.councils",
        "app.councils.sections",  # the section keys: plain constants
        "app.minutes",
        "app.minutes.model",
        "app.measures",
        "app.measures.display",
        "app.measures.stats",
        "app.display",
        "app.meetings",
        "app.meetings.forecast",  # the quorum forecast in the agenda's header: a plain model
    }
