"""Approved wrong answers as Rasa NLU training data (YAML, version 3.1): the customer's
message as an example of the intent or FAQ it should have been (faq/<key> is a
retrieval intent; out_of_scope the assistant's "not covered" intent). An example that
is already in the training data (as Rasa would read it: entity markup removed, case and
spaces aside) is never written again; under another intent it is reported, because the
data then contradicts the correction."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import yaml

from handoff.corrections.store import Correction
from handoff.errors import HandoffError

MARKUP = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass
class ExportReport:
    out: Path
    written: List[Correction] = field(default_factory=list)
    skipped: List[Tuple[Correction, str]] = field(default_factory=list)  # (correction, why)


def normal(text: str) -> str:
    return " ".join(MARKUP.sub(r"\1", text).lower().split())


def existing_examples(nlu_dir: Path) -> Dict[str, str]:
    """Every example of the NLU files under `nlu_dir` (normalised) -> its intent."""
    known: Dict[str, str] = {}
    for path in sorted(Path(nlu_dir).rglob("*.yml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise HandoffError(f"{path}: cannot be read as NLU data ({exc}); fix it or point --data elsewhere") from exc
        for item in raw.get("nlu") or [] if isinstance(raw, dict) else []:
            if isinstance(item, dict) and item.get("intent") and isinstance(item.get("examples"), str):
                for line in item["examples"].splitlines():
                    if line.strip().startswith("- "):
                        known.setdefault(normal(line.strip()[2:]), str(item["intent"]))
    return known


def write_nlu(corrections: Sequence[Correction], nlu_dir: Path, out: Path) -> ExportReport:
    report = ExportReport(out)
    known = existing_examples(nlu_dir)
    by_intent: Dict[str, List[str]] = {}
    for correction in corrections:
        text = " ".join(correction.text.split())
        key = normal(text)
        if not key:
            report.skipped.append((correction, "the customer's message is empty"))
        elif key in known:
            where = known[key]
            why = "already an example of it" if where == correction.expected else \
                f"an example of {where} in the training data: move it there by hand if the correction is right"
            report.skipped.append((correction, why))
        else:
            known[key] = str(correction.expected)
            by_intent.setdefault(str(correction.expected), []).append(text)
            report.written.append(correction)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(by_intent), encoding="utf-8")
    return report


def render(by_intent: Dict[str, List[str]]) -> str:
    lines = ['version: "3.1"', "", "# Approved corrections from the handoff service's review "
             "(python -m handoff corrections export).", "nlu:" if by_intent else "nlu: []"]
    for intent in sorted(by_intent):
        lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {text}" for text in by_intent[intent]]
    return "\n".join(lines) + "\n"
