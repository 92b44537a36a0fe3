"""The demo council's customer measures: a year of monthly readings for the utility story.

Some measures are on target, some are red (off target and getting worse), one has no
target and one is stale: the outsourced contact centre has not sent last month's figure.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert
from sqlmodel import Session

from app.measures.figures import add_months
from app.models import Council, Department, Measure, Membership, Reading, utcnow

MONTHS = 12


@dataclass(frozen=True)
class DemoMeasure:
    name: str
    kind: str
    category: str
    unit: str
    direction: str
    target: float | None
    owner: str  # the owner's email
    department: str | None
    description: str
    values: tuple[float, ...]  # oldest first, one a month
    sample: tuple[int, int]  # sample size: first month, last month
    stale: bool = False
    notes: tuple[tuple[int, str], ...] = ()  # (index into values, note)


UP, DOWN = "higher_is_better", "lower_is_better"
FIELD = "Field Engineering"
SUPPLIER = "ContactPlus (outsourced contact centre)"

MEASURES = [
    DemoMeasure(
        "Net Promoter Score",
        "nps",
        "survey_rating",
        "",
        UP,
        30,
        "chair@example.com",
        None,
        "Relationship survey: how likely are you to recommend us? Promoters minus detractors, −100 to 100.",
        (18, 19, 17, 21, 22, 24, 23, 26, 27, 28, 29, 31),
        (820, 910),
        notes=((11, "First month above target since the survey began."),),
    ),
    DemoMeasure(
        "Customer satisfaction (CSAT)",
        "csat",
        "survey_rating",
        "%",
        UP,
        85,
        "chair@example.com",
        None,
        "Share of customers rating their last contact 4 or 5 out of 5, across every channel.",
        (81.5, 80.9, 81.2, 80.4, 79.8, 80.6, 81.0, 80.2, 80.8, 81.7, 82.3, 83.1),
        (2400, 2650),
    ),
    DemoMeasure(
        "Customer effort score",
        "ces",
        "survey_rating",
        "",
        UP,
        5.5,
        "secretary@example.com",
        None,
        "“The company made it easy to handle my issue”, 1 (strongly disagree) to 7 (strongly agree).",
        (5.4, 5.5, 5.5, 5.6, 5.5, 5.4, 5.4, 5.3, 5.3, 5.2, 5.2, 5.1),
        (640, 700),
        notes=((9, "Effort rises with repeat visits: customers take another day off work."),),
    ),
    DemoMeasure(
        "First-contact resolution",
        "fcr",
        "operational",
        "%",
        UP,
        75,
        "callcentre@example.com",
        "Call Centre",
        "Calls about a fault resolved without the customer calling back within 7 days.",
        (66, 67, 66, 68, 69, 68, 70, 71, 72, 73, 74, 76),
        (38000, 35500),
        notes=((9, "Fault-diagnosis checklist trialled with one team."),),
    ),
    DemoMeasure(
        "Repeat engineer visits",
        "repeat_contact",
        "operational",
        "%",
        DOWN,
        8,
        "field@example.com",
        FIELD,
        "Jobs needing a second visit within 28 days. Each repeat visit costs about £150, against about £3 "
        "for the call that could have diagnosed the fault.",
        (9.1, 9.0, 9.4, 9.3, 9.8, 10.2, 10.1, 10.6, 10.9, 11.2, 11.5, 11.8),
        (4100, 4350),
        notes=(
            (5, "New boiler model: engineers arriving without the right parts."),
            (11, "Thin fault reports from the call centre are the top reason given."),
        ),
    ),
    DemoMeasure(
        "Cost of repeat visits",
        "cost_to_serve",
        "operational",
        "£",
        DOWN,
        45000,
        "field@example.com",
        FIELD,
        "Repeat visits in the month × £150 a visit: the failure demand the council wants to remove.",
        # round(jobs × repeat-visit rate) × £150, month by month: the two measures tell one story.
        (55950, 55650, 58500, 58200, 61650, 64500, 64200, 67650, 70050, 72300, 74700, 76950),
        (4100, 4350),
    ),
    DemoMeasure(
        "Comments about estimated bills",
        "custom",
        "comment_theme",
        "%",
        DOWN,
        10,
        "billing@example.com",
        "Billing",
        "Share of negative survey comments that mention an estimated bill. Lower is better.",
        (18.2, 17.9, 18.5, 17.1, 16.8, 16.2, 15.9, 15.1, 14.8, 14.2, 13.9, 13.5),
        (1200, 1320),
    ),
    DemoMeasure(
        "App store rating",
        "custom",
        "survey_rating",
        "stars",
        UP,
        None,
        "digital@example.com",
        "Digital",
        "Average rating of the customer app over the month (App Store and Google Play).",
        (3.9, 3.9, 4.0, 4.0, 4.1, 4.0, 4.1, 4.2, 4.2, 4.1, 4.2, 4.3),
        (310, 420),
    ),
    DemoMeasure(
        "ContactPlus calls answered in 60 seconds",
        "custom",
        "operational",
        "%",
        UP,
        80,
        "supplier@example.com",
        SUPPLIER,
        "Overflow and evening calls answered by the supplier within a minute. Last month's figure is late.",
        (78, 81, 83, 82, 80, 79, 82, 84, 83, 85, 84, 86),
        (9800, 10400),
        stale=True,
    ),
]


def load_measures_demo(
    *,
    session: Session,
    council: Council,
    seats: dict[str, Membership],
    departments: dict[str, Department],
    today: date,
) -> dict[str, Measure]:
    """Create the demo measures with twelve monthly readings each, ending last month."""
    now = utcnow()
    measures: dict[str, Measure] = {}
    readings = []
    for spec in MEASURES:
        department = departments[spec.department] if spec.department else None
        measure = Measure(
            council_id=council.id,
            name=spec.name,
            description=spec.description,
            kind=spec.kind,
            category=spec.category,
            unit=spec.unit,
            direction=spec.direction,
            target=spec.target,
            owner_id=seats[spec.owner].id,
            scope="department" if department else "overall",
            department_id=department.id if department else None,
        )
        session.add(measure)
        session.flush()
        measures[spec.name] = measure
        # The stale measure's year ends a month earlier: last month's figure never came.
        last = add_months(today, -2 if spec.stale else -1)
        notes = dict(spec.notes)
        low, high = spec.sample
        for i, value in enumerate(spec.values):
            readings.append(
                {
                    "measure_id": measure.id,
                    "period": add_months(last, i - len(spec.values) + 1),
                    "value": value,
                    "sample_size": round(low + (high - low) * i / (len(spec.values) - 1)),
                    "note": notes.get(i, ""),
                    "created_at": now,
                    "updated_at": now,
                }
            )
    session.exec(insert(Reading), params=readings)
    session.flush()
    return measures
