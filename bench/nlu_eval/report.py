"""Print a held-out result (the dict bench/nlu_heldout.py writes with --json) as a
table, or two of them side by side."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

# (section, key, label, target); the targets are those the assistant is held to.
FIGURES: List[Tuple[str, str, str, str]] = [
    ("parse", "covered_routed_right", "covered requests routed to the right skill or FAQ", ">= 92 %"),
    ("parse", "covered_routed_right.faq", "  of which FAQs (right key)", ""),
    ("parse", "covered_routed_right.track_order", "  of which order tracking", ""),
    ("parse", "covered_routed_right.appointments", "  of which appointments", ""),
    ("parse", "covered_routed_right.chit-chat", "  of which greet/thank/goodbye/bot challenge", ""),
    ("behaviour", "human_recognised", "explicit requests for a person recognised", ">= 95 %"),
    ("parse", "human_intent", "  of which parsed as request_human", ""),
    ("behaviour", "human_explicit_trigger", "  of which fired the explicit trigger", ""),
    ("behaviour", "complaint_to_person", "complaints handed to a person (offer or transfer)", ">= 90 %"),
    ("behaviour", "sensitive_to_person", "sensitive requests handed to a person", ""),
    ("behaviour", "routine_handed_off", "routine (covered) requests handed off", "<= 2 %"),
    ("behaviour", "uncovered_unrelated_faq", "uncovered requests answered with an unrelated FAQ", "<= 10 %"),
    ("parse", "uncovered_parsed_as_faq", "  uncovered requests parsed as an FAQ", ""),
    ("behaviour", "uncovered_honest", "  uncovered requests answered honestly (fallback/out of scope)", ""),
    ("behaviour", "gibberish_honest", "gibberish answered honestly (fallback/out of scope)", ""),
    ("parse", "gibberish_parsed_honest", "  gibberish parsed as nlu_fallback/out_of_scope", ""),
    ("behaviour", "gibberish_unrelated_faq", "  gibberish answered with an FAQ", ""),
]


def cell(figure: Optional[Dict[str, int]]) -> str:
    if not figure:
        return "-"
    hits, n = figure["hits"], figure["n"]
    return f"{hits}/{n} ({hits / n:.1%})" if n else "0/0"


def _figure(result: Dict[str, Any], section: str, key: str) -> Optional[Dict[str, int]]:
    return (result.get(section) or {}).get(key)


def table(result: Dict[str, Any]) -> str:
    lines = ["| figure | value | target |", "|---|---|---|"]
    for section, key, label, target in FIGURES:
        lines.append(f"| {label} | {cell(_figure(result, section, key))} | {target} |")
    return "\n".join(lines + extra_lines(result))


def compare(a: Dict[str, Any], b: Dict[str, Any]) -> str:
    lines = [f"| figure | A: {a.get('label', 'A')} | B: {b.get('label', 'B')} | target |", "|---|---|---|---|"]
    for section, key, label, target in FIGURES:
        lines.append(f"| {label} | {cell(_figure(a, section, key))} | {cell(_figure(b, section, key))} | {target} |")
    for label, value, target in SCALARS:
        lines.append(f"| {label} | {value(a)} | {value(b)} | {target} |")
    return "\n".join(lines)


def _scalar(*path: str, fmt: str = "{:.3f}") -> Callable[[Dict[str, Any]], str]:
    def value(result: Dict[str, Any]) -> str:
        node: Any = result
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return "-" if node is None else fmt.format(node)
    return value


SCALARS: List[Tuple[str, Callable[[Dict[str, Any]], str], str]] = [
    ("cross-validation: intent accuracy", _scalar("cross_validation", "intent", "accuracy"), ""),
    ("cross-validation: FAQ accuracy", _scalar("cross_validation", "faq", "accuracy"), ""),
    ("held-out handoff conversations: F1", _scalar("handoff", "held-out", "f1"), ""),
    ("held-out handoff conversations: false handoffs", _scalar("handoff", "held-out", "false_handoffs", fmt="{}"), "0"),
    ("labelled handoff conversations: F1", _scalar("handoff", "labelled", "f1"), ">= 0.98"),
    ("labelled handoff conversations: false handoffs", _scalar("handoff", "labelled", "false_handoffs", fmt="{}"), "0"),
]


def extra_lines(result: Dict[str, Any]) -> List[str]:
    lines: List[str] = []
    coverage = result.get("coverage")
    if coverage:
        lines.append("\ncoverage score (parse data key `coverage`), per category: mean score, in scope")
        lines += [f"  {category:<10} n={c['n']:<4} mean {c['mean_score']:.3f}  in scope {c['in_scope']}/{c['n']}"
                  for category, c in coverage.items()]
    cv = result.get("cross_validation")
    if cv:
        parts = [f"{name} accuracy {cv[name]['accuracy']:.3f}, weighted F1 {cv[name]['weighted_f1']:.3f}"
                 for name in ("intent", "faq") if name in cv]
        lines.append(f"\nRasa NLU cross-validation of data/nlu ({cv['folds']} folds, {cv['seconds']} s): " + "; ".join(parts))
    for name, h in (result.get("handoff") or {}).items():
        lines.append(f"\nhandoff conversations {name}: {h['conversations']} ({h['should_hand_off']} should hand off, "
                     f"{h['routine']} routine): precision {h['precision']:.3f}, recall {h['recall']:.3f}, "
                     f"F1 {h['f1']:.3f}, false handoffs {h['false_handoffs']}/{h['routine']}, "
                     f"right reason {h['right_reason']}, timing t=1 {h['timing']['t1']:.3f}")
        if h.get("misses"):
            lines.append(f"  misses: {', '.join(h['misses'])}")
    return lines
