"""The display helpers on the templates' Jinja environment, registered once where it is created.

Filters format a value (`{{ m.target|measured(m.unit) }}`, `{{ i.yearly_saving|money }}`);
globals hold the words keyed by enum values (`action_statuses[a.status]`). Pages pass data
only: no context carries helpers of its own.
"""

from jinja2 import Environment
from markupsafe import Markup, escape

from app import display


def status_tag(key: str | None, help_text: str | None = None) -> Markup:
    """The one tag for a status: `<span class="tag status-amber">Watch</span>` (style.css colours it)."""
    if key not in display.STATUSES:
        return Markup('<span class="muted">{}</span>').format(display.NONE)
    title = Markup(' title="{}"').format(help_text) if help_text else ""
    return Markup('<span class="tag status-{}"{}>{}</span>').format(key, title, display.status_word(key))


def movement(change: float | None, unit: str = "", direction: str = "higher_is_better") -> Markup:
    """A measure's change as every page shows it: `▼ −0.4 pts, better`, coloured by the judgement."""
    judged = display.judgement(change, direction) or "none"
    text = display.movement_text(change, unit, direction)
    return Markup('<span class="movement {}">{}</span>').format(judged, text)


def trend(direction: str | None, rating: bool = False) -> Markup:
    """A negative theme's trend (or, with rating=True, the goal-support rating's): `▲ rising, worse`."""
    key = direction or "no data"
    words = display.RATING_TRENDS if rating else display.NEGATIVE_THEME_TRENDS
    judged = (display.RATING_JUDGEMENTS if rating else display.NEGATIVE_THEME_JUDGEMENTS).get(key, "none")
    return Markup('<span class="movement {}">{}</span>').format(judged, words.get(key, key))


def notes(text: str | None, lead: str = "") -> Markup:
    """Typed text as the Word documents render it: `<p>` per paragraph (line breaks kept), `<ul>` for "- " lines.

    `lead` ("Outcome:") starts the first paragraph in bold, or stands alone when the text opens with a bullet."""
    out = []
    first = [Markup("<strong>{}</strong> ").format(lead)] if lead else []
    for block in display.note_blocks(text):
        if block.kind == "list" and first:
            out.append(Markup("<p>{}</p>").format(first.pop().rstrip()))
        if block.kind == "list":
            out.append(
                Markup("<ul>{}</ul>").format(Markup("").join(Markup("<li>{}</li>").format(i) for i in block.lines))
            )
        else:
            body = Markup("<br>").join(escape(line) for line in block.lines)
            out.append(Markup("<p>{}{}</p>").format(first.pop() if first else "", body))
    return Markup("").join(out)


FILTERS = {
    "money": display.money,
    "number": display.format_number,
    "measured": display.format_value,
    "signed": display.format_change,
    "months": display.months,
    "plain": display.plain_number,
    "period": display.period_label,
    "short_date": display.short_date,
    "full_date": display.full_date,
    "long_date": display.long_date,
    "weekday_date": display.weekday_date,
    "month_year": display.month_year,
    "local_time": display.local_time,
    "local_date": display.local_date,
    "label": display.label,
    "percent": display.percent,
    "signed_points": display.signed_points,
    "status_tag": status_tag,
    "movement": movement,
    "trend": trend,
    "notes": notes,
}
GLOBALS = {
    "action_statuses": display.ACTION_STATUSES,
    "initiative_statuses": display.INITIATIVE_STATUSES,
    "criteria_labels": display.CRITERIA_LABELS,
    "measure_kinds": display.KIND_LABELS,
    "measure_categories": display.CATEGORY_LABELS,
    "directions": display.DIRECTION_LABELS,
    "measure_statuses": display.MEASURE_STATUS_LABELS,
    "measure_status_help": display.MEASURE_STATUS_HELP,
    "rag_heading": display.RAG_HEADING,
    "initiative_moves": display.INITIATIVE_MOVES,
    "polarities": display.POLARITY_LABELS,
}


def register_filters(env: Environment) -> Environment:
    """Add the display filters and words to a Jinja environment (once, where it is made)."""
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env
