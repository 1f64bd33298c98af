from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from redaction import load, parse  # noqa: E402

from handoff.privacy import KINDS  # noqa: E402


def test_the_marks_give_the_text_and_its_spans() -> None:
    example = parse("call <<phone:07911 123456>> or mail <<email:a@b.io>>")
    assert example.text == "call 07911 123456 or mail a@b.io"
    assert [(example.text[s:e], k) for s, e, k in example.labels] == [("07911 123456", "phone"), ("a@b.io", "email")]
    with pytest.raises(ValueError, match="unknown kind 'pan'"):
        parse("<<pan:4111>>")


@pytest.mark.parametrize("name, least", [("pii_labelled.yml", 200), ("pii_heldout.yml", 50)])
def test_the_sets_are_large_and_varied(name: str, least: int) -> None:
    examples = load(ROOT / "bench" / "data" / name)
    kinds = {k for e in examples for _, _, k in e.labels}
    assert len(examples) >= least and kinds == set(KINDS)
    assert sum(1 for e in examples if not e.labels) >= len(examples) // 4  # messages without personal data too
    assert len({e.text for e in examples}) == len(examples)


def test_the_bench_prints_each_kind_and_the_time() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "redaction.py"), "--repeat", "1"],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(any(line.startswith(kind + " ") for line in lines) for kind in KINDS)
    assert "µs per message" in lines[-1]
