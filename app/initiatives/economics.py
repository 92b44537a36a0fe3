"""Failure demand has a price: what an initiative saves a year, and how soon it pays back.

Pure. The story from the domain brief: a thin fault report on a £3 call sends an
engineer out without the right parts, and the £150 repeat visit is failure demand.
An initiative that avoids 2,000 repeat visits a year saves 2,000 × £150 = £300,000 a
year; if it costs £60,000 to put in, the first year nets £240,000 and it pays for
itself in 60,000 / (300,000 / 12) = 2.4 months.
"""

from dataclasses import dataclass

from app.common import made


@dataclass(frozen=True)
class Economics:
    # Failure demand removed a year × what each contact or visit costs.
    yearly_saving: float
    # yearly_saving − implementation_cost: what the first year is worth.
    net_first_year: float
    # implementation_cost / monthly saving; None when nothing is saved (it never pays back).
    payback_months: float | None


def initiative_economics(*, failure_volume_per_year: float, unit_cost: float, implementation_cost: float) -> Economics:
    """Yearly saving, first-year net saving and payback period of removing failure demand."""
    yearly_saving = failure_volume_per_year * unit_cost
    payback = implementation_cost / (yearly_saving / 12) if yearly_saving > 0 else None
    # Economics(...) with every field given, as its __init__ makes it but without the frozen per-field
    # setattr calls: the agenda works out every current and proposed initiative's (a hundred a build).
    fields = {
        "yearly_saving": yearly_saving,
        "net_first_year": yearly_saving - implementation_cost,
        "payback_months": payback,
    }
    return made(Economics, fields)
