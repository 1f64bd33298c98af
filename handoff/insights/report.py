"""``GET /api/metrics``: today's desk figures (handoff.service.metrics) and the bot's
and the desk's together (containment, error rate, task completion, speed, CSAT, cost,
load rules), for a period and a skill; and the same as CSV rows."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from handoff.control.settings import Costs
from handoff.insights.costs import Volume, cost
from handoff.insights.desk_side import DeskSession, summary

SERIES = ("conversations", "handed_off", "resolved_by_bot", "abandoned_in_bot", "fallbacks", "out_of_coverage",
          "user_turns")
TASKS = ("order_lookups", "orders_found", "bookings_made", "bookings_moved", "bookings_cancelled",
         "faq_asked", "faq_answered")


def share(part: float, whole: float) -> Optional[float]:
    return round(part / whole, 4) if whole else None


def _days(since: Optional[datetime], until: Optional[datetime], first: Optional[float], last: Optional[float],
          sessions: Sequence[DeskSession]) -> float:
    """The period's length: as asked, or from the first to the last thing that happened in it."""
    created = [s.created_at.timestamp() for s in sessions]
    starts = [t for t in [first, *created] if t is not None]
    ends = [t for t in [last, *created] if t is not None]
    if not starts:
        return 0.0
    begin = since.timestamp() if since else min(starts)
    end = until.timestamp() if until else max(ends)
    return max(end - begin, 60.0) / 86400


def _ratings(values: Sequence[int]) -> Dict[str, Any]:
    return {"count": len(values), "average": round(sum(values) / len(values), 2) if values else None,
            "satisfied_share": share(sum(1 for v in values if v >= 4), len(values))}


def _tasks(row: Mapping[str, Any]) -> Dict[str, Any]:
    found = {name: int(row.get(name) or 0) for name in TASKS}
    done = found["orders_found"] + found["bookings_made"] + found["bookings_moved"] + found["bookings_cancelled"]
    attempted = found["order_lookups"] + found["bookings_made"] + found["bookings_moved"] + found["bookings_cancelled"]
    return {"conversations": int(row.get("conversations") or 0), **found, "tasks_completed": done,
            "order_lookups_answered_share": share(found["orders_found"], found["order_lookups"]),
            "faq_answered_share": share(found["faq_answered"], found["faq_asked"]),
            "task_share": share(done + found["faq_answered"], attempted + found["faq_asked"])}


def bot_and_desk(bot: Mapping[str, Any], sessions: Sequence[DeskSession], costs: Costs,
                 since: Optional[datetime], until: Optional[datetime], corrections: Optional[int],
                 rule_counts: Mapping[str, int]) -> Dict[str, Any]:
    desk = summary(sessions)
    n, turns = int(bot["conversations"]), int(bot["user_turns"])
    handed = int(bot["handed_off"])
    errors = int(bot["fallbacks"]) + int(bot["out_of_coverage"]) + (corrections or 0)
    resolved = int(bot["resolved_by_bot"]) + desk["resolved"]
    rules = dict(bot["load_rules"])
    for rule, count in rule_counts.items():
        rules[rule] = rules.get(rule, 0) + count
    return {
        "containment": {
            "conversations": n, "without_person": n - handed, "rate": share(n - handed, n),
            "resolved_by_bot": int(bot["resolved_by_bot"]), "resolved_rate": share(int(bot["resolved_by_bot"]), n),
            "handed_off": handed, "handoff_rate": share(handed, n), "offers": int(bot["offers"]),
            "handoff_by_trigger": dict(bot["by_trigger"]), "handoff_by_reason": dict(bot["by_reason"]),
            "abandoned_in_bot": int(bot["abandoned_in_bot"]), "abandoned_in_bot_rate": share(int(bot["abandoned_in_bot"]), n),
            "abandoned_in_queue": desk["abandoned_in_queue"],
            "abandoned_in_queue_rate": share(desk["abandoned_in_queue"], desk["sessions"]),
        },
        "error_rate": {
            "customer_messages": turns, "fallbacks": int(bot["fallbacks"]),
            "out_of_coverage": int(bot["out_of_coverage"]), "corrections_marked_wrong": corrections,
            "errors": errors, "rate": share(errors, turns), "fallback_rate": share(int(bot["fallbacks"]), turns),
            "out_of_coverage_rate": share(int(bot["out_of_coverage"]), turns),
            "negative_message_share": share(int(bot["negative_turns"]), turns),
        },
        "task_completion": {"all": _tasks(bot), "by_skill": {str(k): _tasks(v) for k, v in sorted(bot["by_skill"].items())}},
        "speed": {
            "bot_turn_latency_seconds": {
                "turns": int(bot["latency_count"]),
                "mean": round(float(bot["latency_sum"]) / int(bot["latency_count"]), 3) if bot["latency_count"] else None,
                "over_2s_share": share(int(bot["latency_over_2s"]), int(bot["latency_count"])),
                "over_5s_share": share(int(bot["latency_over_5s"]), int(bot["latency_count"]))},
            "time_to_agent_seconds": desk["time_to_agent"],
            "agent_first_response_seconds": desk["agent_first_response"],
            "handle_time_seconds": desk["handle_time"],
        },
        "csat": {"bot_only": {"count": int(bot["bot_ratings"]),
                              "average": round(int(bot["bot_rating_sum"]) / int(bot["bot_ratings"]), 2)
                              if bot["bot_ratings"] else None,
                              "satisfied_share": share(int(bot["bot_satisfied"] or 0), int(bot["bot_ratings"]))},
                 "after_agent": _ratings(desk["ratings"])},
        "cost": cost(Volume(n, resolved, sum(h for s in sessions if (h := s.handle_seconds) is not None) / 3600,
                            sum(1 for s in sessions if s.handle_seconds is not None),
                            _days(since, until, bot["first"], bot["last"], sessions), corrections), costs),
        "load_rules": rules,
        "series": [{"day": datetime.fromtimestamp(int(day) * 86400, timezone.utc).date().isoformat(),
                    **{k: int(row[k] or 0) for k in SERIES}} for day, row in sorted(bot["by_day"].items())],
    }


def flatten(value: Any, prefix: str = "") -> Iterable[Tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from flatten(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from flatten(inner, f"{prefix}[{i}]")
    else:
        yield prefix, value


def as_csv(figures: Mapping[str, Any]) -> str:
    """One row per figure: metric,value (nested names joined with dots)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["metric", "value"])
    rows: List[Tuple[str, Any]] = list(flatten(dict(figures)))
    for name, value in rows:
        writer.writerow([name, "" if value is None else value])
    return out.getvalue()
