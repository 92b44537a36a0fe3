"""The minutes in Word against pandoc converting the same content from Markdown."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import median_ms


def large_minutes(*, decisions: int = 60, actions: int = 80, attendees: int = 30):
    """A large meeting recorded in full, built directly as the typed MinutesDoc."""
    from app.agendas.model import SECTION_KEYS, SECTION_TITLES, ActionRow, Header, MeasureRow, Person, Point
    from app.minutes import model as mm

    at = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    seats = [
        mm.AttendanceRow(
            membership_id=n,
            name=f"Person {n:02d}",
            role="chair" if n == 1 else "secretary" if n == 2 else "member",
            department=None if n <= 2 else f"Department {n:02d}",
            is_external=n % 10 == 0,
            status=["present", "present", "present", "apologies", "delegate", "absent"][n % 6],
            delegate_name="A. Delegate" if n % 6 == 4 else "",
            note="On leave" if n % 6 == 3 else "",
        )
        for n in range(1, attendees + 1)
    ]
    decision_rows = [
        mm.DecisionRow(
            id=n,
            number=n,
            item_number=n % 9 + 1,
            text=f"Decision {n}: adopt the proposal as amended, review at the next meeting.",
            created_by="Person 02",
            created_at=at,
        )
        for n in range(1, decisions + 1)
    ]
    action_rows = [
        ActionRow(
            id=1000 + n,
            title=f"Action {n}: follow up the complaint themes with the department",
            owner_name=f"Person {n % attendees + 1:02d}",
            department=f"Department {n % 40:02d}",
            due_on=date(2026, 4, 1) + timedelta(days=n),
            status=["open", "in_progress", "blocked", "done"][n % 4],
            percent_complete=(n * 7) % 100,
            overdue=False,
            days_overdue=0,
        )
        for n in range(1, actions + 1)
    ]
    notes = (
        "The council reviewed the figures for the month.\n"
        "- Repeat contacts fell for the third month running\n"
        "- Two departments asked for more time\n\n"
        "The chair asked for the verbatims by segment before the next meeting."
    )
    items = [
        mm.MinutesItemRow(
            number=n,
            key=key,
            title=SECTION_TITLES[key],
            notes=f"Item {n}. {notes}",
            decisions=[d for d in decision_rows if d.item_number == n],
            actions_raised=[a for i, a in enumerate(action_rows) if i % 9 + 1 == n],
            updated_at=at,
        )
        for n, key in enumerate(SECTION_KEYS, start=1)
    ]
    trend = [Point(period=date(2025, month, 1), value=20 + month) for month in range(1, 13)]
    measures = [
        MeasureRow(
            id=20 + k,
            name=f"Overall measure {k}",
            kind="nps",
            category="survey_rating",
            unit="",
            direction="higher_is_better",
            target=30,
            owner_name="Person 01",
            scope="overall",
            department=None,
            journey=None,
            latest=trend[-1],
            previous=trend[-2],
            change=1.0,
            on_target=True,
            movement="improving",
            status="green",
            stale=False,
            trend=trend,
            chart_url="",
        )
        for k in range(1, 4)
    ]
    header = Header(
        council_id=1,
        council_name="Bench council",
        meeting_id=1,
        number=61,
        title="Meeting 61",
        scheduled_at=at,
        timezone="Europe/London",
        date=at.date(),
        start_time="09:00",
        end_time="11:00",
        duration_minutes=120,
        location="Room 4",
        expected_attendees=[Person(membership_id=s.membership_id, name=s.name, role=s.role) for s in seats],
        apologies=[],
        previous_meeting=None,
    )
    return mm.MinutesDoc(
        meeting=header,
        status="circulated",
        version=3,
        agenda_version=1,
        attendance=seats,
        quorum=mm.Quorum(
            met=True,
            present=15,
            required_members=15,
            departments_represented=12,
            required_departments=0,
            statement="Quorate: 15 of 28 members present (15 required).",
        ),
        previous_minutes_approved=True,
        previous_minutes_note="Approved as a true record.",
        items=items,
        decisions=decision_rows,
        aob=[
            mm.AobOutcome(id=1, title="Office move", details="From June.", submitted_by="Person 05", outcome="Noted.")
        ],
        open_actions=[a for a in action_rows if a.status != "done"],
        overall_measures=measures,
        amendments=[],
        next_meeting=date(2026, 4, 13),
        next_meeting_note="Room 4.",
        circulated_at=at + timedelta(days=2),
        approved_at=None,
        approved_by=None,
    )


def minutes_markdown(doc) -> str:
    """The same content as Markdown, for pandoc: headings, paragraphs, lists and pipe tables."""

    def table(header: list[str], rows: list[list[str]]) -> str:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"

    h = doc.meeting
    out = [f"# {h.council_name}: minutes of meeting {h.number}\n", f"{h.date:%d %B %Y}, {h.location}\n"]
    out.append("## Attendance\n")
    out.append(
        table(
            ["Name", "Role", "Department", "Status"],
            [[s.name, s.role, s.department or "", s.status or ""] for s in doc.attendance],
        )
    )
    out.append(doc.quorum.statement + "\n")
    for item in doc.items:
        out.append(f"# {item.number}. {item.title}\n")
        out.append(item.notes + "\n")
        for d in item.decisions:
            out.append(f"**D{d.number}.** {d.text}\n")
        if item.actions_raised:
            out.append(
                table(
                    ["Action", "Owner", "Due", "Status"],
                    [[a.title, a.owner_name, str(a.due_on), a.status] for a in item.actions_raised],
                )
            )
    out.append("# Decision register\n")
    out.append(
        table(["No.", "Item", "Decision"], [[f"D{d.number}", str(d.item_number), d.text] for d in doc.decisions])
    )
    out.append("# Open actions\n")
    out.append(
        table(
            ["Action", "Owner", "Department", "Due", "Status"],
            [[a.title, a.owner_name, a.department or "", str(a.due_on), a.status] for a in doc.open_actions],
        )
    )
    return "\n".join(out)


def measure_minutes_docx(runs: int) -> dict:
    """The large minutes built in process against pandoc converting the same content from Markdown.

    Timed in interleaved rounds (one build, one pandoc run), so a busy moment on a shared
    machine weighs on both alike."""
    from app.charts import measure_chart_png
    from app.docx.minutes import build_minutes_docx

    doc = large_minutes()
    build = lambda: build_minutes_docx(doc, template=None, charts=measure_chart_png)  # noqa: E731
    build()  # warms the chart cache: charts are drawn once per measure and period
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        docx_ms, docx_times = median_ms(build, runs)
        print("pandoc not found: install it (apt-get install -y --no-install-recommends pandoc) for this figure.")
        result = {"docx_median_ms": round(docx_ms, 3), "docx_runs_ms": docx_times, "docx_bytes": len(build())}
        return {**result, "pandoc_median_ms": None, "ratio": None, "note": "pandoc not installed"}
    with tempfile.TemporaryDirectory(prefix="bench-pandoc-") as tmp:
        source = Path(tmp) / "minutes.md"
        source.write_text(minutes_markdown(doc), encoding="utf-8")
        target = Path(tmp) / "minutes.docx"

        def convert() -> None:
            subprocess.run([pandoc, "-f", "markdown", "-t", "docx", "-o", str(target), str(source)], check=True)

        convert()  # the first run reads pandoc from disk
        docx_times, pandoc_times = [], []
        for _ in range(runs):
            docx_times.append(median_ms(build, 1, warmup=0)[0])
            pandoc_times.append(median_ms(convert, 1, warmup=0)[0])
    docx_ms, pandoc_ms = statistics.median(docx_times), statistics.median(pandoc_times)
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return {
        "docx_median_ms": round(docx_ms, 3),
        "docx_runs_ms": [round(t, 3) for t in docx_times],
        "docx_bytes": len(build()),
        "pandoc_median_ms": round(pandoc_ms, 3),
        "pandoc_runs_ms": [round(t, 3) for t in pandoc_times],
        "pandoc": version,
        "ratio": round(docx_ms / pandoc_ms, 3),
    }
