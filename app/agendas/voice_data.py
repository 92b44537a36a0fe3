"""Read the customer's voice for the agenda in one query, whatever the number of responses.

One UNION ALL of tagged rows (the way the actions are read in app/agendas/data.py):

- `name`: each theme of the council, with whether a five-whys workshop (a root cause) has
  started from it: once per theme, not repeated on each of its counts;
- `theme`: the stored monthly theme counts (ThemeMonth) of the window that have negative
  mentions (the agenda shows and scores negative themes only; positive-only months are
  left in the database);
- `month`: the stored monthly responses and ratings (FeedbackMonth);
- `scale`: the council's rating scale (FeedbackSettings), if it set one;
- `comment`: two short example comments (what hindered, newest first) for each of the
  top TOP_THEMES negative themes of the window, picked in SQL with ROW_NUMBER from a
  bounded pool of the newest answers, so neither the work nor the number of queries
  grows with the responses.

The council-wide counts arrive as the feedback domain's `TrendData`, so its pure trend
builders serve the agenda as they serve the trends page; a department's theme counts go
straight to its monthly lists (`Voice`), which is all the agenda reads of them.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import (
    Integer,
    String,
    bindparam,
    cast,
    exists,
    func,
    literal,
    literal_column,
    null,
    tuple_,
    type_coerce,
    union_all,
)
from sqlmodel import Session, col, select

from app.feedback.trends import NO_COUNTS, TrendData, add_months, window
from app.models import (
    Council,
    FeedbackMonth,
    FeedbackResponse,
    FeedbackSettings,
    RootCause,
    Theme,
    ThemeMention,
    ThemeMonth,
)
from app.models.feedback import SHORT_ANSWER_CHARS

MONTHS = 12  # the trend window, ending with the last complete month
TOP_THEMES = 5  # the top negative themes on the agenda, each with example comments
EXAMPLES = 2  # example comments per theme
EXAMPLE_POOL = 2000  # examples come from this many of the newest short answers
EXAMPLE_MAX_CHARS = SHORT_ANSWER_CHARS[1]  # "short": a line in the pack


@dataclass
class Voice:
    trends: TrendData
    # theme ids a five-whys workshop has started from
    workshops: set[int] = field(default_factory=set)
    # theme id → up to EXAMPLES short comments, newest first
    examples: dict[int, list[str]] = field(default_factory=dict)
    # department id → {theme id: its negative mentions month by month, in the window's order}, for
    # the themes it has some for (first named first, as the rows arrive); and department id → its
    # (responses, rating sum, rating count) month by month. The department's theme figures and its
    # scorecard's feedback parts read these lists by month index, not `trends`' dicts by
    # (theme, department, month) key. load_voice fills them as its rows arrive, and keeps a
    # department's theme counts there only: its `trends` holds the council-wide ones (and every
    # monthly response count), about 1,700 dict entries a five-year council's agenda never read.
    # A Voice made from a full `trends` alone (the feedback domain's) gets them from its dicts (the
    # same lists), so there is one way to read them.
    department_months: dict[int, dict[int, list[int]]] | None = None
    department_responses: dict[int, list[tuple[int, int, int]]] | None = None
    # department id → {theme id: its negative mentions over the window}, summed from `department_months`
    department_themes: dict[int, dict[int, int]] = field(default_factory=dict)
    # the council-wide theme trends, top negative first, built once for sections 2 and 6
    overall: list | None = None

    def __post_init__(self) -> None:
        if self.department_months is None or self.department_responses is None:
            self.department_months, self.department_responses = department_lists(self.trends)
            self.sum_department_themes()

    def sum_department_themes(self) -> None:
        self.department_themes = {
            department_id: {theme_id: sum(monthly) for theme_id, monthly in themes.items()}
            for department_id, themes in self.department_months.items()
        }


def department_lists(
    trends: TrendData,
) -> tuple[dict[int, dict[int, list[int]]], dict[int, list[tuple[int, int, int]]]]:
    """`trends`' departments' counts as load_voice lists them: month by month in the window's order, the
    themes with negative mentions only, in the order their counts were added."""
    place = {month: i for i, month in enumerate(trends.months)}
    themes: dict[int, dict[int, list[int]]] = {}
    for (theme_id, department_id, month), (negative, _, _) in trends.theme_counts.items():
        if department_id is not None and negative > 0 and (i := place.get(month)) is not None:
            themes.setdefault(department_id, {}).setdefault(theme_id, [0] * len(place))[i] = negative
    responses: dict[int, list[tuple[int, int, int]]] = {}
    for (department_id, month), counts in trends.response_counts.items():
        if department_id is not None and (i := place.get(month)) is not None:
            responses.setdefault(department_id, [NO_COUNTS] * len(place))[i] = counts
    return themes, responses


def _int(value=None):
    return cast(null(), Integer) if value is None else value


def load_voice(*, session: Session, council: Council, today: date) -> Voice:
    """The window's monthly counts, the scale, workshops and example comments: one statement."""
    last = add_months(today.replace(day=1), -1)
    months = window(last, MONTHS)
    trends = TrendData(months=months, themes={}, departments={})
    voice = Voice(trends=trends, department_months={}, department_responses={})
    counts, departments, responses = trends.theme_counts, voice.department_months, voice.department_responses
    # `day` comes as the driver gives it (SQLite's text, PostgreSQL's date): a month of the
    # window is looked up (with its place in the window), not parsed on each of thousands of rows.
    month_of = {key: (month, i) for i, month in enumerate(months) for key in (month, month.isoformat())}
    result = session.connection().execute(
        _voice_statement(),
        {"council_id": council.id, "first": months[0], "last": last, "after": add_months(last, 1)},
    )
    for kind, theme_id, department_id, text, day, a, b, c, d in driver_tuples(result):
        if kind == "theme":
            if (found := month_of.get(day)) is None:
                continue  # not the first day of a month: no trend reads it
            month, i = found
            if department_id is None:
                counts[(theme_id, None, month)] = (a, b, c)
            else:
                # A department's counts go to its monthly lists only (see Voice): every row has negative
                # mentions (the statement says so), and nothing reads a department's positive or neutral.
                themes = departments.get(department_id)
                if themes is None:
                    themes = departments[department_id] = {}
                monthly = themes.get(theme_id)
                if monthly is None:
                    monthly = themes[theme_id] = [0] * len(months)
                monthly[i] = a
        elif kind == "name":
            trends.themes[theme_id] = text
            if d:
                voice.workshops.add(theme_id)
        elif kind == "month":
            if (found := month_of.get(day)) is not None:
                month, i = found
                trends.response_counts[(department_id, month)] = (a, b, c)
                if department_id is not None:
                    monthly = responses.get(department_id)
                    if monthly is None:
                        monthly = responses[department_id] = [NO_COUNTS] * len(months)
                    monthly[i] = (a, b, c)
        elif kind == "scale":
            voice.trends = trends = TrendData(**{**trends.__dict__, "rating_min": a, "rating_max": b})
        else:
            voice.examples.setdefault(theme_id, []).append((day, a, text))
    # Newest first (the day, then the response id), as the pool is read; the day is text or a
    # date (the driver's), either of which orders as the dates do.
    voice.examples = {t: [text for *_, text in sorted(found, reverse=True)] for t, found in voice.examples.items()}
    voice.sum_department_themes()
    return voice


def driver_tuples(result) -> list[tuple]:
    """`result`'s rows as the driver's own tuples when SQLAlchemy would convert none of its columns
    (as here: integers and text, the day typed as text), without a Row object a row; its rows otherwise."""
    metadata = result._metadata
    if metadata._tuplefilter is not None or any(metadata._processors):
        return result.all()
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


@cache
def _voice_statement():
    """The UNION ALL of tagged rows, built once: the council and the window (first and last month,
    and the first day after it) are bind parameters."""
    council_id, first, last = bindparam("council_id"), bindparam("first"), bindparam("last")
    names = select(
        literal("name").label("kind"),
        Theme.id.label("theme_id"),
        _int().label("department_id"),
        Theme.name.label("text"),
        # Typed as text for SQLAlchemy: no conversion per row (load_voice looks the months up).
        type_coerce(cast(null(), ThemeMonth.month.type), String).label("day"),
        _int().label("a"),
        _int().label("b"),
        _int().label("c"),
        cast(exists().where(RootCause.theme_id == Theme.id), Integer).label("d"),
    ).where(Theme.council_id == council_id)
    themes = select(
        literal("theme"),
        ThemeMonth.theme_id,
        ThemeMonth.department_id,
        cast(null(), String),
        ThemeMonth.month,
        ThemeMonth.negative,
        ThemeMonth.positive,
        ThemeMonth.neutral,
        _int(),
    ).where(
        ThemeMonth.council_id == council_id,
        ThemeMonth.month >= first,
        ThemeMonth.month <= last,
        ThemeMonth.negative > 0,
    )
    responses = select(
        literal("month"),
        _int(),
        FeedbackMonth.department_id,
        cast(null(), String),
        FeedbackMonth.month,
        FeedbackMonth.responses,
        FeedbackMonth.rating_sum,
        FeedbackMonth.rating_count,
        _int(),
    ).where(FeedbackMonth.council_id == council_id, FeedbackMonth.month >= first, FeedbackMonth.month <= last)
    scale = select(
        literal("scale"),
        _int(),
        _int(),
        cast(null(), String),
        cast(null(), ThemeMonth.month.type),
        FeedbackSettings.rating_min,
        FeedbackSettings.rating_max,
        _int(),
        _int(),
    ).where(FeedbackSettings.council_id == council_id)
    # The top negative themes of the window (council-wide counts), numbered 1…TOP_THEMES.
    top = (
        select(
            ThemeMonth.theme_id,
            func.row_number()
            .over(order_by=(func.sum(ThemeMonth.negative).desc(), func.lower(Theme.name), ThemeMonth.theme_id))
            .label("place"),
        )
        .join(Theme, Theme.id == ThemeMonth.theme_id)
        .where(
            ThemeMonth.council_id == council_id,
            col(ThemeMonth.department_id).is_(None),
            ThemeMonth.month >= first,
            ThemeMonth.month <= last,
        )
        .group_by(ThemeMonth.theme_id, Theme.name)
        .having(func.sum(ThemeMonth.negative) > 0)
        .order_by(func.sum(ThemeMonth.negative).desc(), func.lower(Theme.name), ThemeMonth.theme_id)
        .limit(TOP_THEMES)
        .cte("top_themes")
    )
    # The candidates: the council's newest short "hindered" answers in the window, read
    # backwards along (council_id, responded_on) and cut at EXAMPLE_POOL, so the work does
    # not grow with the number of responses. `pool_end` is the oldest answer of that pool
    # (none when the window has fewer): each top theme then walks the same answers newest
    # first and stops at its EXAMPLES, instead of every answer of the pool being matched
    # against every top theme. The top themes are common by definition: a few steps each.
    newest_first = (col(FeedbackResponse.responded_on).desc(), col(FeedbackResponse.id).desc())
    short = (
        FeedbackResponse.council_id == council_id,
        FeedbackResponse.responded_on < bindparam("after"),
        # In the words of the partial index's condition, numbers inline (app/models/feedback.py):
        # the answers are walked along that index, never read from the table to be measured.
        func.length(FeedbackResponse.hindered).between(*(literal_column(str(n)) for n in SHORT_ANSWER_CHARS)),
    )
    pool_end = (
        select(FeedbackResponse.responded_on, FeedbackResponse.id)
        .where(FeedbackResponse.responded_on >= first, *short)
        .order_by(*newest_first)
        .limit(1)
        .offset(EXAMPLE_POOL - 1)
        .cte("pool_end")
    )
    # The day bounds the walk (the index range's start, so a theme with fewer examples stops
    # there; it is the window's first day when the pool is not full); the day and id together
    # cut it exactly where the pool ends.
    end_day = func.coalesce(select(pool_end.c.responded_on).scalar_subquery(), first)
    in_pool = (
        FeedbackResponse.responded_on >= end_day,
        tuple_(FeedbackResponse.responded_on, FeedbackResponse.id)
        >= tuple_(end_day, func.coalesce(select(pool_end.c.id).scalar_subquery(), 0)),
    )
    comments = []
    for place in range(1, TOP_THEMES + 1):
        theme_id = select(top.c.theme_id).where(top.c.place == place).scalar_subquery()
        mentioned = exists().where(
            ThemeMention.response_id == FeedbackResponse.id,
            ThemeMention.theme_id == theme_id,
            ThemeMention.field == "hindered",
        )
        found = (
            select(FeedbackResponse.id, FeedbackResponse.hindered, FeedbackResponse.responded_on)
            .where(theme_id.is_not(None), *short, *in_pool, mentioned)
            .order_by(*newest_first)
            .limit(EXAMPLES)
            .subquery()
        )
        comments.append(
            select(
                literal("comment"),
                theme_id,
                _int(),
                found.c.hindered,
                found.c.responded_on,
                found.c.id,
                _int(),
                _int(),
                _int(),
            )
        )
    return union_all(names, themes, responses, scale, *comments)
