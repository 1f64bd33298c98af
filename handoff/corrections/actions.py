"""Every auditable step of a correction is one function here: create, approve, reject,
export. Each records itself in the audit log when there is one (``audit.record(actor,
kind, subject, detail, source)``)."""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Dict, List, Optional

from handoff.corrections.errors import BadCorrection, CorrectionConflict, UnknownExpected
from handoff.corrections.export import ExportReport, write_nlu
from handoff.corrections.store import APPROVED, KINDS, REJECTED, Correction, CorrectionStore
from handoff.qa.domain import OUT_OF_SCOPE, Catalogue


async def _audit(audit: Any, actor: str, kind: str, subject: str, detail: Dict[str, Any], source: str) -> None:
    if audit is None:
        return
    done = audit.record(actor, kind, subject, detail, source)
    if inspect.isawaitable(done):
        await done


def _turn_of(lines: List[Dict[str, Any]], turn: int) -> tuple:
    """The customer's message at `turn` and what the bot did after it."""
    said = next((line for line in lines if line.get("speaker") == "customer" and line.get("turn") == turn), None)
    if said is None:
        turns = sum(1 for line in lines if line.get("speaker") == "customer")
        raise CorrectionConflict(f"the conversation has no customer turn {turn} (it has {turns}); mark a bot "
                                 "answer that follows a customer message")
    replies = [str(line.get("text", "")) for line in lines if line.get("turn") == turn
               and line.get("speaker") in ("bot", "agent")]
    answered = f"[{said.get('intent') or 'no intent'}] " + " / ".join(replies)
    return str(said.get("text", "")), answered[:2000]


async def create_correction(store: CorrectionStore, catalogue: Catalogue, lines: List[Dict[str, Any]],
                            actor: str, conversation_id: str, turn: int, kind: str, expected: Optional[str],
                            note: str, audit: Any = None, source: str = "api") -> Correction:
    if kind not in KINDS:
        raise BadCorrection(f"'kind' is '{kind}'; use one of {', '.join(KINDS)}")
    if kind == "wrong_answer" and not expected:
        raise BadCorrection("a wrong answer needs 'expected': what it should have been (an intent or FAQ of the "
                            "domain, or 'out_of_scope')")
    if kind == "wrong_answer" and not (expected == OUT_OF_SCOPE or catalogue.knows(str(expected))):
        raise UnknownExpected(f"'expected' is '{str(expected)[:200]}', which is no intent or FAQ of the bot's domain: "
                              "GET /api/catalogue lists them ('out_of_scope' for what the bot does not cover)")
    text, answered = _turn_of(lines, turn)
    correction = await store.add(conversation_id, turn, kind, expected if kind == "wrong_answer" else None, note,
                                 text, answered, actor)
    await _audit(audit, actor, "correction.create", correction.id,
                 {"conversation_id": conversation_id, "turn": turn, "kind": kind, "expected": expected}, source)
    return correction


async def approve_correction(store: CorrectionStore, correction_id: str, actor: str, note: str = "",
                             audit: Any = None, source: str = "api") -> Correction:
    decided = await store.decide(correction_id, APPROVED, actor, note)
    await _audit(audit, actor, "correction.approve", correction_id, {"note": note}, source)
    return decided


async def reject_correction(store: CorrectionStore, correction_id: str, actor: str, note: str = "",
                            audit: Any = None, source: str = "api") -> Correction:
    decided = await store.decide(correction_id, REJECTED, actor, note)
    await _audit(audit, actor, "correction.reject", correction_id, {"note": note}, source)
    return decided


async def export_corrections(store: CorrectionStore, nlu_dir: Path, out: Path, actor: str, audit: Any = None,
                             source: str = "cli") -> ExportReport:
    """Approved wrong answers as Rasa NLU training data in `out` (none repeating an example of
    `nlu_dir`); each written one is marked exported."""
    approved = await store.list((APPROVED,))
    report = write_nlu([c for c in approved if c.kind == "wrong_answer"], nlu_dir, out)
    await store.exported([c.id for c in report.written])
    await _audit(audit, actor, "correction.export", str(out),
                 {"written": [c.id for c in report.written], "skipped": len(report.skipped)}, source)
    return report
