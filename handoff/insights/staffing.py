"""The staffing forecast: from the desk's history, customers arriving (sessions opened)
per hour of the week, averaged over the weeks before the week forecast, and the mean
handle time; then the agents each hour needs for handoff.yml's service level by Erlang
C (handoff.insights.erlang). Beside each hour, what happened that week: arrivals and
the share answered within the target time. Pure: sessions in, hours out."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Sequence

from handoff.control.settings import Staffing
from handoff.insights.desk_side import DeskSession
from handoff.insights.erlang import agents_needed

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS_PER_WEEK = 168


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 UTC of the moment's week."""
    day = moment.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def hour_of_week(moment: datetime) -> int:
    moment = moment.astimezone(timezone.utc)
    return moment.weekday() * 24 + moment.hour


def forecast(history: Sequence[DeskSession], week: Sequence[DeskSession], start: datetime,
             staffing: Staffing, default_handle_seconds: float) -> Dict[str, Any]:
    """`history`: sessions of the `staffing.weeks` weeks before `start`; `week`: the sessions from `start` on."""
    arrivals = [0] * HOURS_PER_WEEK
    for session in history:
        arrivals[hour_of_week(session.created_at)] += 1
    handled = [h for s in history if (h := s.handle_seconds) is not None and h > 0]
    handle = sum(handled) / len(handled) if handled else default_handle_seconds
    actual = [0] * HOURS_PER_WEEK
    answered = [0] * HOURS_PER_WEEK
    for session in week:
        hour = hour_of_week(session.created_at)
        actual[hour] += 1
        if session.assigned_at and (session.assigned_at - session.created_at).total_seconds() <= \
                staffing.answer_within_seconds:
            answered[hour] += 1
    hours: List[Dict[str, Any]] = []
    for hour in range(HOURS_PER_WEEK):
        expected = arrivals[hour] / staffing.weeks
        need = agents_needed(expected, handle, staffing.service_level, staffing.answer_within_seconds,
                             staffing.max_agents)
        hours.append({"hour_of_week": hour, "label": f"{DAYS[hour // 24]} {hour % 24:02d}:00",
                      "forecast_arrivals": round(expected, 3), "agents_needed": need.agents,
                      "forecast_service_level": round(need.service_level, 4),
                      "actual_arrivals": actual[hour],
                      "actual_answered_within_share": round(answered[hour] / actual[hour], 4) if actual[hour] else None})
    return {"week_start": start.isoformat(), "history_weeks": staffing.weeks,
            "service_level": staffing.service_level, "answer_within_seconds": staffing.answer_within_seconds,
            "handle_seconds": round(handle, 1), "handle_time_from": "history" if handled else "configuration",
            "peak_agents": max(h["agents_needed"] for h in hours), "hours": hours}
