"""The display helpers on the templates' Jinja environment, registered once where it is created.

Filters format a value (`{{ m.target|measured(m.unit) }}`, `{{ i.yearly_saving|money }}`);
globals hold the words keyed by enum values (`action_statuses[a.status]`). Pages pass data
only: no context carries helpers of its own.
"""

from jinja2 import Environment

from app import display

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
    "movement_text": display.movement_text,
    "judgement": display.judgement,
    "note_blocks": display.note_blocks,
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
    "statuses": display.STATUSES,
    "negative_theme_trends": display.NEGATIVE_THEME_TRENDS,
    "negative_theme_judgements": display.NEGATIVE_THEME_JUDGEMENTS,
    "rating_trends": display.RATING_TRENDS,
    "rating_judgements": display.RATING_JUDGEMENTS,
    "initiative_moves": display.INITIATIVE_MOVES,
    "polarities": display.POLARITY_LABELS,
}


def register_filters(env: Environment) -> Environment:
    """Add the display filters and words to a Jinja environment (once, where it is made)."""
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env
