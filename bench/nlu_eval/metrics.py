"""The held-out figures, from the labelled items, their parses and (optionally) what
the running bot did. Every figure is a count: {"hits": k, "n": n}; rates are computed
when printed, so two runs can be compared exactly."""
from __future__ import annotations

from collections import defaultdict
from statistics import mean
from typing import Any, Callable, Dict, List, Optional, Sequence

from bench.nlu_eval.behaviour import Outcome
from bench.nlu_eval.dataset import HUMAN_INTENT, Item
from bench.nlu_eval.parse import FAQ, Parse

HONEST_INTENTS = ("nlu_fallback", "out_of_scope")
EXPLICIT_TRIGGER = "explicit"
APPOINTMENTS = ("book_appointment", "reschedule_appointment", "cancel_appointment", "list_appointments")
CHITCHAT = ("greet", "thank", "goodbye", "bot_challenge")

Figure = Dict[str, int]


def count(rows: Sequence[Any], hit: Callable[[Any], bool]) -> Figure:
    return {"hits": sum(1 for row in rows if hit(row)), "n": len(rows)}


def skill_group(route: Optional[str]) -> str:
    if route and route.startswith(f"{FAQ}/"):
        return "faq"
    if route in APPOINTMENTS:
        return "appointments"
    if route in CHITCHAT:
        return "chit-chat"
    return str(route)


def parse_figures(items: Sequence[Item], parses: Sequence[Parse]) -> Dict[str, Figure]:
    rows = list(zip(items, parses))
    of = lambda category: [row for row in rows if row[0].category == category]  # noqa: E731
    covered = of("covered")
    figures = {
        "covered_routed_right": count(covered, lambda r: r[1].route == r[0].route),
        "human_intent": count(of("human"), lambda r: r[1].intent == HUMAN_INTENT),
        "uncovered_parsed_as_faq": count(of("uncovered"), lambda r: r[1].intent == FAQ),
        "gibberish_parsed_honest": count(of("gibberish"), lambda r: r[1].intent in HONEST_INTENTS),
    }
    for group in ("faq", "track_order", "appointments", "chit-chat"):
        subset = [r for r in covered if skill_group(r[0].route) == group]
        figures[f"covered_routed_right.{group}"] = count(subset, lambda r: r[1].route == r[0].route)
    return figures


def behaviour_figures(items: Sequence[Item], parses: Sequence[Parse],
                      outcomes: Sequence[Outcome]) -> Dict[str, Figure]:
    rows = list(zip(items, parses, outcomes))
    of = lambda category: [row for row in rows if row[0].category == category]  # noqa: E731
    return {
        "human_recognised": count(of("human"), lambda r: r[1].intent == HUMAN_INTENT or EXPLICIT_TRIGGER in r[2].triggers),
        "human_explicit_trigger": count(of("human"), lambda r: EXPLICIT_TRIGGER in r[2].triggers),
        "complaint_to_person": count(of("complaint"), lambda r: r[2].handed_off),
        "sensitive_to_person": count(of("sensitive"), lambda r: r[2].handed_off),
        "routine_handed_off": count(of("covered"), lambda r: r[2].handed_off),
        "uncovered_unrelated_faq": count(of("uncovered"), lambda r: r[2].answered_with_faq),
        "uncovered_honest": count(of("uncovered"), lambda r: r[2].honest),
        "gibberish_honest": count(of("gibberish"), lambda r: r[2].honest),
        "gibberish_unrelated_faq": count(of("gibberish"), lambda r: r[2].answered_with_faq),
    }


def coverage_summary(items: Sequence[Item], parses: Sequence[Parse]) -> Optional[Dict[str, Dict[str, Any]]]:
    """Mean coverage score and in-scope share per category, when the parse has one."""
    by_category: Dict[str, List[Parse]] = defaultdict(list)
    for item, parse in zip(items, parses):
        if parse.coverage_score is not None:
            by_category[item.category].append(parse)
    if not by_category:
        return None
    return {category: {"n": len(ps), "mean_score": round(mean(p.coverage_score for p in ps), 4),
                       "in_scope": sum(1 for p in ps if p.in_scope)}
            for category, ps in sorted(by_category.items())}


def item_rows(items: Sequence[Item], parses: Sequence[Parse],
              outcomes: Optional[Sequence[Outcome]]) -> List[Dict[str, Any]]:
    """One row per message, for the JSON output (before/after diffs per message)."""
    rows = []
    for index, (item, parse) in enumerate(zip(items, parses)):
        row: Dict[str, Any] = {"text": item.text, "category": item.category, "expected": item.route,
                               "route": parse.route, "confidence": round(parse.confidence, 4),
                               "sentiment": parse.sentiment_label}
        if parse.coverage_score is not None:
            row["coverage"] = {"score": parse.coverage_score, "in_scope": parse.in_scope}
        if outcomes is not None:
            outcome = outcomes[index]
            row.update(triggers=list(outcome.triggers), modes=list(outcome.modes),
                       faq_answered=outcome.faq_key, honest=outcome.honest)
        rows.append(row)
    return rows
