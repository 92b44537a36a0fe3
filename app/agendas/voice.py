"""The customer's voice on the agenda: pure pieces built from the rows app/agendas/voice_data.py read.

- Section 2 (`overall_voice`): the goal-support rating's monthly trend and the top
  negative themes, each with its change over the window and two short example comments.
- Section 3 (`department_voice`): each department's own top negative themes and its
  action-plan metrics (measures picked in five-whys workshops) against their targets.
- Section 6 (`theme_flags`): rising negative themes, and top ones no workshop has
  started from yet.

Trends are the feedback domain's (app/feedback/trends.py): "change" is the fitted
change of the monthly share across the window, "rising" a change of at least a fifth
of the level. The typed pieces themselves are in app/agendas/voice_model.py: pure models
the Word renderer may read without loading these builders (or the feedback domain).
"""

from collections.abc import Iterable
from datetime import date
from math import floor

from app.agendas.built import built
from app.agendas.voice_data import TOP_THEMES
from app.agendas.voice_model import CustomerVoice, DepartmentVoice, PlanMetric, RatingMonth, ThemeFlags, VoiceTheme
from app.common import made
from app.feedback.trends import (
    MIN_SHARE_CHANGE,
    ThemeTrend,
    build_rating_trend,
    build_theme_trends,
    direction_of,
)
from app.reports.facts import LoopFacts
from app.reports.score_parts import FeedbackSums, MeasureFact, measure_fact, windows

TOP_OVERALL = TOP_THEMES  # section 2: as many as have example comments
TOP_DEPARTMENT = 3


def _theme(trend: ThemeTrend, voice, examples: bool = False) -> VoiceTheme:
    return VoiceTheme(
        theme_id=trend.theme_id,
        name=trend.name,
        negative=trend.negative,
        share=trend.share,
        change=trend.change,
        direction=trend.direction,
        has_workshop=trend.theme_id in voice.workshops,
        examples=voice.examples.get(trend.theme_id, []) if examples else [],
    )


def _top(trends: Iterable[ThemeTrend], n: int) -> list[ThemeTrend]:
    return [t for t in trends if t.negative > 0][:n]


def _overall(voice) -> list[ThemeTrend]:
    """The council-wide theme trends, top negative first: built once for sections 2 and 6."""
    if voice.overall is None:
        voice.overall = build_theme_trends(voice.trends, points=False)
    return voice.overall


def overall_voice(voice) -> CustomerVoice | None:
    """Section 2's rating trend and top negative themes; None when the council has no feedback."""
    data = voice.trends
    if not data.response_counts:
        return None
    rating = build_rating_trend(data)
    themes = [_theme(t, voice, examples=True) for t in _top(_overall(voice), TOP_OVERALL)]
    notes = [] if themes else ["No negative themes found in the feedback of the last 12 months."]
    return CustomerVoice(
        months=len(data.months),
        rating_min=data.rating_min,
        rating_max=data.rating_max,
        rating=[RatingMonth(month=p.month, average=p.average, rated=p.rated) for p in rating.points],
        rating_average=rating.average,
        rating_change=rating.change,
        rating_direction=rating.direction,
        themes=themes,
        notes=notes,
    )


def department_voice(voice, department_id: int, plan_metrics: list[PlanMetric]) -> DepartmentVoice | None:
    """One department's top negative themes and action-plan metrics; None with neither."""
    data = voice.trends
    # Ranked as the trends page ranks them (most negative mentions, then name), by the same
    # window total build_theme_trend counts; only the top few are shown, so only they are built
    # (a trend a department × theme costs most of a large council's agenda otherwise).
    ranked = sorted(
        (-negative, data.themes.get(theme_id, "").lower(), theme_id)
        for theme_id, negative in voice.department_themes.get(department_id, {}).items()
        if negative > 0
    )
    top = ranked[:TOP_DEPARTMENT]
    themes = department_themes(voice, department_id, [theme_id for _, _, theme_id in top]) if top else []
    if not themes and not plan_metrics:
        return None
    return built(DepartmentVoice, {"themes": themes, "plan_metrics": plan_metrics})


def department_themes(voice, department_id: int, theme_ids: list[int]) -> list[VoiceTheme]:
    """The themes' window figures for one department, as `build_theme_trend(points=False)` and `_theme` make
    them (the same floats: the same shares, sums and `fitted_change`), with the department's monthly
    responses read once for all its themes rather than once a theme, and no trend object on the way.

    Every theme given has negative mentions in the window (the caller ranked them by those)."""
    data = voice.trends
    asked = [n for n, _, _ in voice.department_responses.get(department_id, ())] or [0] * len(data.months)
    by_theme = voice.department_months[department_id]
    responses = sum(asked)
    fit = WindowFit.of(asked)
    themes = []
    for theme_id in theme_ids:
        negatives = by_theme[theme_id]
        negative = sum(negatives)
        share = share_of(negative, responses) if responses else None  # round(negative / responses, 6)
        change = fit.change(negatives) if fit else None
        fields = {
            "theme_id": theme_id,
            "name": data.themes.get(theme_id, ""),
            "negative": negative,
            "share": share,
            "change": change,
            "direction": direction_of(change, share, MIN_SHARE_CHANGE),
            "has_workshop": theme_id in voice.workshops,
            "examples": [],
        }
        themes.append(built(VoiceTheme, fields))
    return themes


def share_of(count: int, asked: int) -> float:
    """`round(count / asked, 6)` for whole counts (asked > 0), the same float, at under half the cost.

    `round` writes the float out in decimal and reads it back (~0.5 µs; the agenda rounds ~1,500
    monthly shares). Here the nearest integer k to share × 10⁶ is found in binary instead, which
    is round's digits unless share × 10⁶ is within 10⁻⁶ of a half (its error is under 10⁻⁹; those
    go to `round` itself), and k / 10⁶ is the float nearest k × 10⁻⁶, as reading it back gives
    (both exact in a double, division correctly rounded). Tested against `round` on every
    count up to a few hundred responses and on random large ones (tests/agendas/test_agenda_records.py).
    `WindowFit.change` does the same inline."""
    scaled = count / asked * 1e6
    whole = floor(scaled)
    part = scaled - whole
    if -1e-6 < part - 0.5 < 1e-6:
        return round(count / asked, 6)
    return (whole + (part > 0.5)) / 1e6


class WindowFit:
    """`fitted_change` of a department's monthly shares weighted by its monthly responses, with
    the parts that depend only on the responses (the months with some, their weighted mean month,
    the spread about it) worked out once for all the department's themes.

    Each float comes from the same operations in the same order as `fitted_change(shares, asked)`
    with `shares[i] = round(negatives[i] / asked[i], 6)` (None where nobody was asked): the same
    value to the bit (tests/agendas/test_agenda_records.py)."""

    __slots__ = ("months", "asked", "levers", "total", "span", "spread")

    def __init__(self, months: list[int], asked: list[int], levers: list[float], total: int, spread: float):
        self.months, self.asked, self.levers, self.total, self.spread = months, asked, levers, total, spread
        self.span = months[-1] - months[0]

    @classmethod
    def of(cls, asked: list[int]) -> "WindowFit | None":
        """None with fewer than two months with responses (`fitted_change` gives None then)."""
        # One pass for the months with responses and their sums, one for the spread and the levers.
        months, weights = [], []
        total = sum_x = 0
        for i, n in enumerate(asked):
            if n > 0:
                months.append(i)
                weights.append(n)
                total += n
                sum_x += i * n
        if len(months) < 2:
            return None
        mean_x = sum_x / total
        spread = 0
        levers = []
        for i, n in zip(months, weights, strict=True):
            offset = i - mean_x
            spread += n * offset**2
            # Each month's n × (i − mean) is the left factor of fitted_change's moment term.
            levers.append(n * offset)
        return cls(months, weights, levers, total, spread)

    def change(self, negatives: list[int]) -> float:
        """The fitted change of `negatives[i] / asked[i]` (rounded to 6 places, as the trends do)."""
        # share_of inlined, and the weighted sum added as each share is made (in the months'
        # order, as the two passes added it): a call a month costs as much as the share itself.
        shares = []
        append = shares.append
        sum_y = 0
        for i, n in zip(self.months, self.asked, strict=True):
            count = negatives[i]
            scaled = count / n * 1e6
            whole = floor(scaled)
            part = scaled - whole
            share = round(count / n, 6) if -1e-6 < part - 0.5 < 1e-6 else (whole + (part > 0.5)) / 1e6
            append(share)
            sum_y += share * n
        mean_y = sum_y / self.total
        moment = 0
        for share, lever in zip(shares, self.levers, strict=True):
            moment += lever * (share - mean_y)
        return round(moment / self.spread * self.span, 6)


def theme_flags(voice) -> ThemeFlags | None:
    """Rising negative themes, and the top ones with no five-whys workshop yet; None without feedback."""
    if not voice.trends.response_counts:
        return None
    trends = _overall(voice)
    rising = [_theme(t, voice) for t in trends if t.direction == "rising" and t.negative > 0]
    waiting = [_theme(t, voice) for t in _top(trends, TOP_OVERALL) if t.theme_id not in voice.workshops]
    return ThemeFlags(rising=rising, no_workshop=waiting)


def flag_notes(flags: ThemeFlags | None) -> list[str]:
    """Section 6's notes: what the chair should act on, in words."""
    if flags is None:
        return []
    notes = []
    if flags.rising:
        notes.append(f"Rising negative themes: {', '.join(t.name for t in flags.rising)}.")
    if flags.no_workshop:
        names = ", ".join(t.name for t in flags.no_workshop)
        notes.append(f"Top negative themes with no five-whys workshop yet: {names}.")
    return notes


def plan_metric(row, since: date | None) -> PlanMetric:
    """An action-plan metric from the agenda's measure row (latest reading, status)."""
    return PlanMetric(
        measure_id=row.id,
        name=row.name,
        unit=row.unit,
        direction=row.direction,
        target=row.target,
        latest=row.latest.value if row.latest else None,
        on_target=row.on_target,
        status=row.status,
        since=since,
    )


def loop_facts(data) -> LoopFacts:
    """The scorecard's loop facts from what the agenda loaded: no query of its own."""
    metrics: dict[int, list[MeasureFact]] = {}
    for x in data.measures:
        since = getattr(x, "plan_since", None)
        if since is not None and x.department_id is not None:
            fact = measure_fact(x.name, x.direction, x.target, tuple(data.readings.get(x.id, ())), since.date())
            metrics.setdefault(x.department_id, []).append(fact)
    return LoopFacts(plan_metrics=metrics, plan_metric_ids=set(), feedback=department_feedback_sums(data))


def department_feedback_sums(data) -> dict[int, FeedbackSums]:
    """department id → what its scorecard's feedback parts read (`FeedbackSums`), summed straight from the
    voice's monthly lists, for the departments with responses or negative themes in the window: the sums
    `feedback_sums(feedback_facts_from_trends(trends)[id])` gives (whole counts; the themes named in the
    council, in the order their first count arrived), without the month dicts of every department.

    The scorecard's months are the last six of the voice's window whenever both are of `data.today`, as
    load_agenda_data reads them; a ValueError says they are not."""
    voice = data.voice
    if voice is None:
        return {}
    months = voice.trends.months
    recent, before = windows(data.today)
    if not set(before + recent) <= set(months):
        raise ValueError(f"the scorecard's months of {data.today} are not in the voice's window")
    start, end = months.index(recent[0]), months.index(recent[-1]) + 1
    first, last = months.index(before[0]), months.index(before[-1]) + 1
    if end - start != len(recent) or last - first != len(before):
        raise ValueError(f"the scorecard's months of {data.today} are not consecutive in the voice's window")
    trends = voice.trends
    names, low, high = trends.themes, trends.rating_min, trends.rating_max
    no_themes: dict[int, list[int]] = {}
    sums = {}
    for department_id in voice.department_responses.keys() | voice.department_months.keys():
        themes = [
            (names[theme_id], sum(monthly[start:end]), sum(monthly[first:last]))
            for theme_id, monthly in voice.department_months.get(department_id, no_themes).items()
            if theme_id in names
        ]
        asked_recent = asked_before = total = count = 0
        if (monthly := voice.department_responses.get(department_id)) is not None:
            for n, rating_sum, rated in monthly[start:end]:
                asked_recent += n
                total += rating_sum
                count += rated
            for n, _, _ in monthly[first:last]:
                asked_before += n
        # As FeedbackSums(...) makes it (every field given), without its frozen __init__'s setattr a field.
        sums[department_id] = made(
            FeedbackSums,
            {
                "asked_recent": asked_recent,
                "asked_before": asked_before,
                "themes": themes,
                "rating_total": total,
                "rating_count": count,
                "rating_min": low,
                "rating_max": high,
            },
        )
    return sums


def plan_metrics_by_department(data, rows: dict) -> dict[int, list[PlanMetric]]:
    """department id → its action-plan metrics' rows, grouped in one pass over the measures."""
    metrics: dict[int, list[PlanMetric]] = {}
    for x in data.measures:
        if x.department_id is not None and (since := getattr(x, "plan_since", None)) is not None:
            metrics.setdefault(x.department_id, []).append(plan_metric(rows[x.id], since.date()))
    return metrics


def department_entry_voice(
    data, department_id: int, rows: dict, metrics: list[PlanMetric] | None = None
) -> DepartmentVoice | None:
    """Section 3's voice for one department: its themes, and its action-plan metrics' rows
    (`metrics`, from plan_metrics_by_department, when the caller has grouped them already)."""
    if metrics is None:
        metrics = plan_metrics_by_department(data, rows).get(department_id, [])
    if data.voice is None:
        return DepartmentVoice(themes=[], plan_metrics=metrics) if metrics else None
    return department_voice(data.voice, department_id, metrics)
