"""How measures read on a page and in a chart: values with units, labels, sparklines."""

from collections.abc import Sequence

KIND_LABELS = {
    "nps": "Net Promoter Score",
    "csat": "Customer satisfaction",
    "ces": "Customer effort",
    "fcr": "First-contact resolution",
    "repeat_contact": "Repeat contact",
    "cost_to_serve": "Cost to serve",
    "custom": "Other",
}
CATEGORY_LABELS = {
    "survey_rating": "Survey rating",
    "comment_theme": "Comment theme",
    "operational": "Operational",
}
DIRECTION_LABELS = {"higher_is_better": "Higher is better", "lower_is_better": "Lower is better"}
STATUS_LABELS = {"green": "On track", "amber": "Watch", "red": "Off track"}
CURRENCIES = ("£", "$", "€")


def format_number(value: float) -> str:
    """42, 42.5, 0.125 or 1,234.57: no trailing zeros, thousands separated."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) < 1:
        return f"{value:.3g}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_value(value: float | None, unit: str = "") -> str:
    """A value with its unit where a reader expects it: £3.20, 82%, 4.1 pts."""
    if value is None:
        return "—"
    if unit in CURRENCIES:
        sign = "-" if value < 0 else ""
        amount = f"{abs(value):,.2f}" if value != int(value) else f"{int(abs(value)):,}"
        return f"{sign}{unit}{amount}"
    text = format_number(value)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def format_change(change: float | None, unit: str = "") -> str:
    """A signed change: +3, −1.5 pts (a real minus sign)."""
    if change is None:
        return "—"
    if change == 0:
        return "no change"
    text = format_value(abs(change), unit)
    return ("+" if change > 0 else "\u2212") + text


def sparkline(values: Sequence[float], *, width: int = 96, height: int = 24, pad: float = 2.0) -> dict | None:
    """Points for an inline SVG polyline (and the last point), scaled into width × height."""
    if len(values) < 2:
        return None
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 2 * pad) / (len(values) - 1)
    coords = [(pad + i * step, height - pad - (v - low) / span * (height - 2 * pad)) for i, v in enumerate(values)]
    return {
        "width": width,
        "height": height,
        "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in coords),
        "last": {"x": round(coords[-1][0], 1), "y": round(coords[-1][1], 1)},
    }
