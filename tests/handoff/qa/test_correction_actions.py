"""Each auditable step of a correction is one function, and each records itself in the
audit log when the app has one (its record() may be plain or a coroutine)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, List, Tuple

import pytest

from handoff.corrections.actions import approve_correction, create_correction, export_corrections, reject_correction
from handoff.corrections.errors import BadCorrection, CorrectionConflict, UnknownExpected
from handoff.corrections.store import CorrectionStore
from handoff.qa.domain import Catalogue
from handoff.service.store import SessionStore

LINES = [{"turn": 1, "speaker": "customer", "text": "can I pay by bank transfer", "intent": "faq/refund_method"},
         {"turn": 1, "speaker": "bot", "text": "Refunds go back to the original payment method."}]


class Audit:
    def __init__(self) -> None:
        self.entries: List[Tuple[Any, ...]] = []

    def record(self, actor: str, kind: str, subject: str, detail: Any, source: str) -> None:
        self.entries.append((actor, kind, subject, detail, source))


class AsyncAudit(Audit):
    async def record(self, actor: str, kind: str, subject: str, detail: Any, source: str) -> None:  # type: ignore[override]
        super().record(actor, kind, subject, detail, source)


@pytest.mark.parametrize("audit", [Audit(), AsyncAudit()])
async def test_every_step_is_audited(audit: Audit, tmp_path: Path) -> None:
    store = CorrectionStore(SessionStore.from_url(f"sqlite:///{tmp_path / 'handoff.db'}").engine)
    catalogue = Catalogue.load()
    made = await create_correction(store, catalogue, LINES, "ann", "c1", 1, "wrong_answer", "faq/payment_methods",
                                   "bank transfer", audit, "console")
    assert (made.text, made.answered) == ("can I pay by bank transfer",
                                          "[faq/refund_method] Refunds go back to the original payment method.")
    other = await create_correction(store, catalogue, LINES, "ann", "c1", 1, "should_handoff", None, "", audit)
    await approve_correction(store, made.id, "sue", "right", audit)
    await reject_correction(store, other.id, "sue", "no", audit)
    report = await export_corrections(store, tmp_path, tmp_path / "out.yml", "designer", audit)
    assert [c.id for c in report.written] == [made.id]
    assert [(a, k, s) for a, k, s, _, _ in audit.entries] == [
        ("ann", "correction.create", made.id), ("ann", "correction.create", other.id),
        ("sue", "correction.approve", made.id), ("sue", "correction.reject", other.id),
        ("designer", "correction.export", str(tmp_path / "out.yml"))]
    assert audit.entries[0][4] == "console" and audit.entries[-1][3] == {"written": [made.id], "skipped": 0}


async def test_what_a_correction_may_not_say(tmp_path: Path) -> None:
    store = CorrectionStore(SessionStore.from_url(f"sqlite:///{tmp_path / 'handoff.db'}").engine)
    catalogue = Catalogue.load()
    with pytest.raises(BadCorrection, match="needs 'expected'"):
        await create_correction(store, catalogue, LINES, "ann", "c1", 1, "wrong_answer", None, "")
    with pytest.raises(UnknownExpected, match="GET /api/catalogue"):
        await create_correction(store, catalogue, LINES, "ann", "c1", 1, "wrong_answer", "faq/teleport", "")
    with pytest.raises(CorrectionConflict, match="no customer turn 2 \\(it has 1\\)"):
        await create_correction(store, catalogue, LINES, "ann", "c1", 2, "should_handoff", None, "")
    assert (await create_correction(store, catalogue, LINES, "ann", "c1", 1, "wrong_answer", "out_of_scope", "")
            ).expected == "out_of_scope"
