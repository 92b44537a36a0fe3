"""Failure-demand economics on plain numbers, checked by hand."""

import pytest

from app.initiatives.economics import initiative_economics


def test_the_repeat_visit_story():
    # 2,000 repeat visits avoided a year × £150 a visit = £300,000 a year; it costs
    # £60,000 to put in, so the first year nets £240,000 and the monthly saving of
    # £25,000 pays it back in 60,000 / 25,000 = 2.4 months.
    economics = initiative_economics(failure_volume_per_year=2_000, unit_cost=150, implementation_cost=60_000)
    assert economics.yearly_saving == 300_000
    assert economics.net_first_year == 240_000
    assert economics.payback_months == pytest.approx(2.4)


def test_the_three_pound_call():
    # 12,000 repeat calls a year × £3 = £36,000; a £9,000 script change pays back in 3 months.
    economics = initiative_economics(failure_volume_per_year=12_000, unit_cost=3, implementation_cost=9_000)
    assert economics.yearly_saving == 36_000
    assert economics.net_first_year == 27_000
    assert economics.payback_months == pytest.approx(3.0)


def test_costing_more_than_a_year_saves_is_a_negative_first_year_and_a_long_payback():
    economics = initiative_economics(failure_volume_per_year=100, unit_cost=150, implementation_cost=30_000)
    assert economics.yearly_saving == 15_000
    assert economics.net_first_year == -15_000
    assert economics.payback_months == pytest.approx(24.0)


@pytest.mark.parametrize(("volume", "unit_cost"), [(0, 150), (2_000, 0), (0, 0)])
def test_no_saving_never_pays_back(volume, unit_cost):
    economics = initiative_economics(failure_volume_per_year=volume, unit_cost=unit_cost, implementation_cost=5_000)
    assert economics.yearly_saving == 0
    assert economics.net_first_year == -5_000
    assert economics.payback_months is None


def test_a_free_change_pays_back_at_once():
    economics = initiative_economics(failure_volume_per_year=500, unit_cost=3, implementation_cost=0)
    assert (economics.yearly_saving, economics.net_first_year, economics.payback_months) == (1_500, 1_500, 0)
