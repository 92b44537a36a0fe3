"""Are the Word files still the same? The minutes (and, with --db, the agenda pack), byte for byte.

A speed change to the Word export (app/docx, app/minutes) must not change the file a member
downloads. Run this on the code before the change to write the files, and after it to compare:

    python -m bench.minutes_same write /tmp/word-before --db /tmp/agenda.db
    python -m bench.minutes_same check /tmp/word-before --db /tmp/agenda.db   # exit 1 if any differs

It builds the bench's large minutes (bench/docx.py) as circulated, draft and approved, with
corrections and amendments, in our template and in a council's own (python-docx's default
document, which lacks our table and note styles, so they are copied in); and with `--db` the
agenda pack of the five-year bench council (generated on first use, as bench/agenda_same.py
does, built on its fixed day). Each is built twice, so a file that differs between two builds
of the same data is reported too. A difference names the zip member that changed.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path


def council_template() -> bytes:
    """A council's own template: python-docx's default document, with a line in its body to clear."""
    import docx

    doc = docx.Document()
    doc.add_paragraph("The council's letterhead text, cleared by the export.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def minutes_variants():
    """(name, MinutesDoc, template) for each file checked."""
    from app.minutes import model as mm
    from bench.docx import large_minutes

    doc = large_minutes()
    at = doc.circulated_at
    corrections = [
        mm.CorrectionRow(
            id=n,
            item_number=n % 9 + 1,
            text=f"Correction {n}: read 'twelve' for 'twenty'.",
            reason="A typing slip.",
            proposed_by="Person 05",
            proposed_by_id=5,
            proposed_at=at + timedelta(hours=n),
            status=["proposed", "accepted", "rejected", "withdrawn"][n % 4],
            decided_by=None if n % 4 == 0 else "Person 01",
            decided_at=None if n % 4 == 0 else at + timedelta(days=1),
            applied=n % 4 == 1,
            decision_note="Agreed at the next meeting." if n % 4 == 2 else "",
        )
        for n in range(1, 9)
    ]
    amendments = [
        mm.AmendmentRow(
            id=n,
            item_number=n,
            text=f"Amendment {n}.",
            reason="Found later.",
            made_by="Person 02",
            made_at=at + timedelta(days=5),
        )
        for n in (2, 5)
    ]
    approved = doc.model_copy(
        update={
            "status": "approved",
            "approved_at": datetime(2026, 3, 20, 10, 0, tzinfo=UTC),
            "approved_by": "Person 01",
            "corrections": corrections,
            "corrections_close_at": at + timedelta(days=7),
            "amendments": amendments,
            "decisions": [doc.decisions[0].model_copy(update={"theme_name": "Repeat contacts"}), *doc.decisions[1:]],
        }
    )
    draft = doc.model_copy(update={"status": "draft", "circulated_at": None, "aob": [], "overall_measures": []})
    council = council_template()
    return [
        ("minutes-circulated", doc, None),
        ("minutes-approved", approved, None),
        ("minutes-draft", draft, None),
        ("minutes-council-template", approved, council),
    ]


def agenda_pack(db: Path) -> bytes:
    """The agenda pack of the five-year bench council in `db` (generated if missing), built on agenda_same.TODAY."""
    from sqlmodel import Session

    from app.agendas.build import build_agenda
    from app.agendas.data import load_agenda_data
    from app.charts import measure_chart_png
    from app.db import make_engine
    from app.docx.agenda import build_agenda_docx
    from app.models import Council, Meeting
    from bench.agenda_same import TODAY, agenda_json

    agenda_json(db)  # generates the council on first use
    import json

    found = json.loads(db.with_name(db.name + ".json").read_text(encoding="utf-8"))
    engine = make_engine(f"sqlite:///{db.resolve()}")
    try:
        with Session(engine) as session:
            c, m = session.get(Council, found["council"]), session.get(Meeting, found["meeting"])
            agenda = build_agenda(load_agenda_data(session=session, council=c, meeting=m, today=TODAY))
    finally:
        engine.dispose()
    return build_agenda_docx(agenda, template=None, charts=measure_chart_png)


def built_files(db: Path | None) -> dict[str, bytes]:
    from app.charts import measure_chart_png
    from app.docx.minutes import build_minutes_docx

    files: dict[str, bytes] = {}
    for name, doc, template in minutes_variants():
        first = build_minutes_docx(doc, template=template, charts=measure_chart_png)
        again = build_minutes_docx(doc, template=template, charts=measure_chart_png)
        if first != again:
            raise SystemExit(f"{name}: two builds of the same minutes differ")
        files[name] = first
    if db is not None:
        pack = agenda_pack(db)
        if agenda_pack(db) != pack:
            raise SystemExit("agenda-pack: two builds of the same agenda differ")
        files["agenda-pack"] = pack
    return files


def _changed_members(before: bytes, after: bytes) -> list[str]:
    a, b = zipfile.ZipFile(io.BytesIO(before)), zipfile.ZipFile(io.BytesIO(after))
    names = sorted(set(a.namelist()) | set(b.namelist()))
    return [n for n in names if n not in a.namelist() or n not in b.namelist() or a.read(n) != b.read(n)] or [
        "(same contents, different zip bytes)"
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("write", "check"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--db", type=Path, help="the agenda's SQLite file (generated on first use); no pack without it")
    args = parser.parse_args()
    files = built_files(args.db)
    if args.action == "write":
        args.folder.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (args.folder / f"{name}.docx").write_bytes(content)
        print(f"wrote {len(files)} files to {args.folder}")
        return 0
    different = 0
    for name, content in files.items():
        before = (args.folder / f"{name}.docx").read_bytes()
        if before == content:
            print(f"{name}: the same ({len(content)} bytes)")
        else:
            different += 1
            print(f"{name}: DIFFERENT in {', '.join(_changed_members(before, content))}")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
