"""Redaction precision, recall and cost per message on bench/data/pii_labelled.yml.

    .venv/bin/python bench/redaction.py [--data FILE] [--repeat N]

Every kind is redacted (handoff.privacy.Redactor with all kinds, the region of
bot/shop.yml). A found span counts as right when a labelled datum of the same kind
overlaps it; a labelled datum counts as found when such a span overlaps it. Time is
the mean over all messages of `repeat` passes, on one core."""
from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handoff.privacy import KINDS, Redactor  # noqa: E402
from handoff.privacy.policy import shop_region  # noqa: E402

MARK = re.compile(r"<<(\w+):(.+?)>>")


@dataclass(frozen=True)
class Example:
    text: str
    labels: Tuple[Tuple[int, int, str], ...]  # start, end, kind


def parse(marked: str) -> Example:
    text, labels, last = "", [], 0
    for mark in MARK.finditer(marked):
        text += marked[last:mark.start()]
        kind, value = mark.group(1), mark.group(2)
        if kind not in KINDS:
            raise ValueError(f"unknown kind '{kind}' in {marked!r}")
        labels.append((len(text), len(text) + len(value), kind))
        text += value
        last = mark.end()
    return Example(text + marked[last:], tuple(labels))


def load(path: Path) -> List[Example]:
    return [parse(str(m)) for m in yaml.safe_load(path.read_text())["messages"]]


def _overlap(a: Tuple[int, int], b: Tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(examples: List[Example], redactor: Redactor) -> Dict[str, Counter]:
    counts: Dict[str, Counter] = {kind: Counter() for kind in KINDS}
    for example in examples:
        found = [(s.start, s.end, s.kind) for s in redactor.spans(example.text)]
        for start, end, kind in found:
            right = any(k == kind and _overlap((start, end), (s, e)) for s, e, k in example.labels)
            counts[kind]["tp" if right else "fp"] += 1
        for start, end, kind in example.labels:
            if not any(k == kind and _overlap((start, end), (s, e)) for s, e, k in found):
                counts[kind]["fn"] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data" / "pii_labelled.yml")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    examples = load(args.data)
    redactor = Redactor(KINDS, shop_region(ROOT / "bot" / "shop.yml"))
    counts = score(examples, redactor)
    with_data = sum(1 for e in examples if e.labels)
    print(f"{len(examples)} messages ({with_data} with personal data, {len(examples) - with_data} without)")
    print(f"{'kind':<14} {'labelled':>8} {'found':>6} {'precision':>9} {'recall':>7}")
    for kind in KINDS:
        c = counts[kind]
        labelled, found = c["tp"] + c["fn"], c["tp"] + c["fp"]
        precision = c["tp"] / found if found else float("nan")
        recall = c["tp"] / labelled if labelled else float("nan")
        print(f"{kind:<14} {labelled:>8} {found:>6} {precision:>9.3f} {recall:>7.3f}")
    total = Counter()
    for c in counts.values():
        total.update(c)
    print(f"{'all':<14} {total['tp'] + total['fn']:>8} {total['tp'] + total['fp']:>6} "
          f"{total['tp'] / max(1, total['tp'] + total['fp']):>9.3f} {total['tp'] / max(1, total['tp'] + total['fn']):>7.3f}")
    texts = [e.text for e in examples]
    redactor.redact(texts[0])  # warm up the phone metadata
    started = time.perf_counter()
    for _ in range(args.repeat):
        for text in texts:
            redactor.redact(text)
    per = (time.perf_counter() - started) / (args.repeat * len(texts)) * 1e6
    print(f"time: {per:.0f} µs per message (mean over {args.repeat} x {len(texts)} messages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
