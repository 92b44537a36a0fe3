"""The display helpers on the templates' Jinja environment, registered once where it is created.

Filters format a value (`{{ m.target|measured(m.unit) }}`, `{{ i.yearly_saving|money }}`);
globals hold the words keyed by enum values (`action_statuses[a.status]`). Pages pass data
only: no context carries helpers of its own.
"""

from jinja2 import Environment

from app import display

# Defined in app.display beside the words, so the PDF pack's templates share them.
FILTERS = display.TEMPLATE_FILTERS
GLOBALS = display.TEMPLATE_GLOBALS


def register_filters(env: Environment) -> Environment:
    """Add the display filters and words to a Jinja environment (once, where it is made)."""
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env
