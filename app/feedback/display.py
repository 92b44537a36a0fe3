"""How feedback reads on a page: shares as percentages, changes in points, small bar charts."""

from collections.abc import Sequence
from datetime import date

DIRECTION_LABELS = {"rising": "▲ rising", "falling": "▼ falling", "steady": "■ steady", "no data": "no data"}
POLARITY_LABELS = {-1: "negative", 0: "neutral", 1: "positive"}


def percent(share: float | None) -> str:
    """0.1234 → 12.3%; None → —."""
    return "—" if share is None else f"{share * 100:.1f}%"


def signed_points(change: float | None) -> str:
    """A change of share in percentage points: +4.2 pts, −3.0 pts."""
    if change is None:
        return "—"
    value = change * 100
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value):.1f} pts"


def bars(
    values: Sequence[float | None],
    months: Sequence[date],
    *,
    width: int = 180,
    height: int = 40,
    low: float = 0.0,
    high: float | None = None,
) -> dict:
    """Bars for an inline SVG chart, one per month; a month without data has none (and says so)."""
    present = [v for v in values if v is not None]
    top = high if high is not None else max(present, default=0.0)
    span = (top - low) or 1.0
    slot = width / max(1, len(values))
    out = []
    for i, (value, month) in enumerate(zip(values, months, strict=True)):
        label = month.strftime("%b %Y")
        if value is None:
            out.append(
                {
                    "x": round(i * slot, 1),
                    "y": height - 1,
                    "w": round(slot * 0.7, 1),
                    "h": 1,
                    "title": f"{label}: no responses",
                    "empty": True,
                }
            )
            continue
        h = max(1.0, (value - low) / span * (height - 2))
        out.append(
            {
                "x": round(i * slot, 1),
                "y": round(height - h, 1),
                "w": round(slot * 0.7, 1),
                "h": round(h, 1),
                "title": label,
                "value": value,
                "empty": False,
            }
        )
    return {"width": width, "height": height, "bars": out}
