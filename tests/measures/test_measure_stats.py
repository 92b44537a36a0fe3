"""Measure statistics on plain values, with hand-checked numbers."""

import pickle
from datetime import date, timedelta

import pytest

from app.measures.stats import Point, measure_stats, points, slope


def months(*values: float) -> list[Point]:
    return [Point(date(2026, m + 1, 1), v) for m, v in enumerate(values)]


def test_no_readings():
    stats = measure_stats(direction="higher_is_better", target=40, readings=[])
    assert (stats.latest, stats.change, stats.on_target, stats.status, stats.slope) == (None, None, None, None, None)


def test_latest_previous_change_regardless_of_input_order():
    readings = months(30, 32, 35)
    stats = measure_stats(direction="higher_is_better", target=40, readings=list(reversed(readings)))
    assert stats.latest == Point(date(2026, 3, 1), 35)
    assert stats.previous == Point(date(2026, 2, 1), 32)
    assert stats.change == 3
    assert stats.movement == "improving"
    assert stats.on_target is False
    assert stats.status == "amber"  # off target but improving


@pytest.mark.parametrize(
    ("direction", "target", "values", "status", "movement"),
    [
        ("higher_is_better", 40, (38, 41), "green", "improving"),
        ("higher_is_better", 40, (45, 41), "green", "worsening"),  # on target wins
        ("higher_is_better", 40, (39, 35), "red", "worsening"),
        ("higher_is_better", 40, (35, 35), "amber", "flat"),
        ("lower_is_better", 5.0, (6.0, 4.5), "green", "improving"),
        ("lower_is_better", 5.0, (6.0, 7.5), "red", "worsening"),
        ("lower_is_better", 5.0, (8.0, 7.0), "amber", "improving"),
        ("higher_is_better", None, (8.0, 7.0), "amber", "worsening"),
        ("higher_is_better", None, (7.0, 8.0), "green", "improving"),
    ],
)
def test_status(direction, target, values, status, movement):
    stats = measure_stats(direction=direction, target=target, readings=months(*values))
    assert (stats.status, stats.movement) == (status, movement)


def test_one_reading_on_target_is_green():
    stats = measure_stats(direction="lower_is_better", target=12, readings=months(10))
    assert (stats.change, stats.movement, stats.on_target, stats.status) == (None, None, True, "green")


def test_trend_keeps_the_last_twelve_periods():
    readings = [Point(date(2025 + (m // 12), m % 12 + 1, 1), float(m)) for m in range(15)]
    stats = measure_stats(direction="higher_is_better", target=None, readings=readings)
    assert [p.value for p in stats.trend] == [float(m) for m in range(3, 15)]
    assert stats.slope == pytest.approx(1.0)


def test_slope_by_hand():
    # x = 0, 1, 2; y = 10, 8, 9 → mean x 1, mean y 9; Σ(dx·dy) = (-1)(1) + 0 + (1)(0) = -1; Σdx² = 2.
    assert slope([10, 8, 9]) == pytest.approx(-0.5)
    assert slope([5]) is None


def test_points_read_from_the_database_are_the_same_points():
    made = points([(date(2026, 1, 1), 30.0), (date(2026, 2, 1), 31.5)])
    assert made == months(30.0, 31.5) and hash(made[0]) == hash(Point(date(2026, 1, 1), 30.0))
    with pytest.raises(AttributeError):
        made[0].value = 1.0  # frozen, as Point(…) is


def test_points_kept_in_a_pickle_come_back_the_same_points():
    # The agendas the shared folder keeps are pickles holding their Points (a file written by other code is never
    # read: tests/agendas/test_agenda_cache_shared.py).
    made = points([(date(2026, 1, 1), 30.0)])[0]
    assert pickle.loads(pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL)) == made


def test_presorted_readings_give_the_same_stats():
    readings = [Point(date(2026, 1, 1) + timedelta(days=7 * i), v) for i, v in enumerate([3, 1.5, 2.25, 7, 0.1] * 3)]
    sorted_stats = measure_stats(direction="lower_is_better", target=2, readings=readings, presorted=True)
    assert sorted_stats == measure_stats(direction="lower_is_better", target=2, readings=list(reversed(readings)))
