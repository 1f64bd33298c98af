"""Erlang C against published figures, and the forecast from a history of sessions."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from handoff.control.settings import Staffing
from handoff.insights.desk_side import DeskSession
from handoff.insights.erlang import agents_needed, service_level, wait_probability
from handoff.insights.staffing import forecast, week_start


@pytest.mark.parametrize("agents, waits", [(11, 0.6821), (12, 0.4494), (13, 0.2853), (14, 0.1741), (15, 0.1020)])
def test_wait_probability_matches_the_erlang_c_table_for_10_erlangs(agents: int, waits: float) -> None:
    assert round(wait_probability(agents, 10.0), 4) == waits


def test_the_classic_example_needs_14_agents() -> None:
    """100 calls in 30 minutes, 3 minutes each (10 Erlangs), 80 % answered within 20 s: 13 agents reach
    79.6 %, 14 reach 88.8 % with a mean wait of 7.8 s (Call Centre Helper's worked Erlang C example)."""
    assert round(service_level(13, 10.0, 180, 20), 3) == 0.796
    needed = agents_needed(200, 180, 0.8, 20)
    assert (needed.agents, round(needed.service_level, 3), round(needed.mean_wait_seconds, 1)) == (14, 0.888, 7.8)


def test_no_arrivals_need_no_agents_and_more_traffic_never_fewer() -> None:
    assert agents_needed(0, 300, 0.8, 60).agents == 0
    needs = [agents_needed(rate, 300, 0.8, 60).agents for rate in (1, 5, 10, 20, 40, 80)]
    assert needs == sorted(needs) and needs[0] >= 1


def session(at: datetime, wait: float = 30, handle: float = 600) -> DeskSession:
    return DeskSession("general", "resolved", at, at + timedelta(seconds=wait),
                       at + timedelta(seconds=wait + handle), None, None, False)


def test_the_forecast_averages_the_weeks_before_and_sets_the_week_beside_it() -> None:
    start = week_start(datetime(2026, 11, 30, 15, tzinfo=timezone.utc))
    assert start == datetime(2026, 11, 30, tzinfo=timezone.utc)  # a Monday
    monday_10 = start + timedelta(hours=10)
    history = [session(monday_10 - timedelta(weeks=w) + timedelta(minutes=m)) for w in (1, 2) for m in range(0, 60, 5)]
    week = [session(monday_10 + timedelta(minutes=1), wait=20), session(monday_10 + timedelta(minutes=2), wait=400)]
    found = forecast(history, week, start, Staffing(service_level=0.8, answer_within_seconds=60, weeks=2), 480)
    hour = found["hours"][10]
    assert hour["label"] == "Mon 10:00" and hour["forecast_arrivals"] == 12.0  # 24 over two weeks
    assert found["handle_seconds"] == 600.0 and found["handle_time_from"] == "history"
    assert hour["agents_needed"] == agents_needed(12, 600, 0.8, 60).agents
    assert (hour["actual_arrivals"], hour["actual_answered_within_share"]) == (2, 0.5)
    assert found["hours"][11]["agents_needed"] == 0 and found["peak_agents"] == hour["agents_needed"]
