"""Is the agenda still the same? The five-year bench council's agenda JSON, byte for byte.

A speed change to the agenda's load or build must not change what it shows. Run this on
the code before the change to write the JSON, and after it to compare:

    python -m bench.agenda_same write /tmp/agenda-before.json --db /tmp/agenda.db
    python -m bench.agenda_same check /tmp/agenda-before.json --db /tmp/agenda.db   # exit 1 if it differs

The first run generates the council into the SQLite file `--db` (with its ids beside it, in
`<db>.json`); later runs read that same file, since the generator stamps some records with
the time it ran. Every run builds the agenda with a fixed `today`.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from sqlmodel import Session

from bench.data import SIZES, generate

TODAY = date(2026, 11, 30)


def agenda_json(db: Path, size: str = "small") -> str:
    """`model_dump_json()` of the agenda of the bench council of `size` in `db` (generated if
    missing), built on TODAY."""
    from app.agendas.build import build_agenda
    from app.agendas.data import load_agenda_data
    from app.db import make_engine
    from app.models import Council, Meeting

    url, ids = f"sqlite:///{db.resolve()}", db.with_name(db.name + ".json")
    if not db.exists():
        council = generate(url, SIZES[size], today=TODAY)
        ids.write_text(json.dumps({"council": council.council_id, "meeting": council.meeting_id}), encoding="utf-8")
    found = json.loads(ids.read_text(encoding="utf-8"))
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            c, m = session.get(Council, found["council"]), session.get(Meeting, found["meeting"])
            data = load_agenda_data(session=session, council=c, meeting=m, today=TODAY)
            return build_agenda(data).model_dump_json()
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("write", "check"))
    parser.add_argument("path", type=Path)
    parser.add_argument("--db", type=Path, required=True, help="the SQLite file (generated on first use)")
    parser.add_argument("--size", default="small", choices=sorted(SIZES), help="the council generated")
    args = parser.parse_args()
    built = agenda_json(args.db, args.size)
    if args.action == "write":
        args.path.write_text(built, encoding="utf-8")
        print(f"wrote {len(built)} characters to {args.path}")
        return 0
    before = args.path.read_text(encoding="utf-8")
    if before == built:
        print(f"the same agenda ({len(built)} characters)")
        return 0
    at = next((i for i, (a, b) in enumerate(zip(before, built, strict=False)) if a != b), min(len(before), len(built)))
    print(f"DIFFERENT from character {at}: {before[at - 80 : at + 80]!r} became {built[at - 80 : at + 80]!r}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
