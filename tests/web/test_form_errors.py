"""Form mistakes read as plain words on the measure, initiative and research pages (one shared helper)."""

from datetime import date

import pytest
from pydantic import BaseModel, Field, ValidationError, field_validator

from app.web.forms import form_errors


class Weights(BaseModel):
    customer_impact: float = Field(ge=0, allow_inf_nan=False)


class Form(BaseModel):
    title: str = Field(min_length=1)
    period: date
    value: float
    sample_size: int | None = Field(default=None, ge=0)
    whys: list[str] = Field(min_length=1)
    priority_weights: Weights | None = None
    link: str = ""

    @field_validator("link")
    @classmethod
    def http_only(cls, value: str) -> str:
        if value and not value.startswith("http"):
            raise ValueError("must be an http:// or https:// address")
        return value


def errors(**data) -> str:
    with pytest.raises(ValidationError) as caught:
        Form.model_validate({"title": "T", "period": "2026-03-01", "value": 1, "whys": ["w"], **data})
    return form_errors(caught.value)


def test_measure_and_initiative_form_mistakes_read_plainly():
    assert errors(title="") == "title: cannot be empty"
    assert errors(period="2026-13-01") == "period: '2026-13-01' is not a date; use YYYY-MM-DD"
    assert errors(period="") == "period: needs a date; use YYYY-MM-DD"
    assert errors(value="lots") == "value: 'lots' is not a number"
    assert errors(sample_size="many") == "sample size: 'many' is not a whole number"
    assert errors(sample_size=-3) == "sample size: must be greater than or equal to 0"
    assert errors(whys=[]) == "whys: cannot be empty"
    assert errors(link="ftp://x") == "link: must be an http:// or https:// address"
    # A nested field is named as the person saw it, not by its path.
    assert errors(priority_weights={"customer_impact": -1}) == "customer impact: must be greater than or equal to 0"
    with pytest.raises(ValidationError) as caught:
        Form.model_validate({})
    assert "title: is required" in form_errors(caught.value)
