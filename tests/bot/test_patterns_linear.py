"""Every regular expression the assistant runs on a customer's text reads any input in
linear time: each pattern (training data regexes, handoff.yml, and every compiled
pattern in the code) is fed 100,000 characters of inputs that make careless patterns
backtrack. A quadratic pattern needs minutes on these; a linear one milliseconds, so
the bound below only catches the former, whatever else the machine is doing."""
from __future__ import annotations

import importlib
import pkgutil
import re
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import yaml

from tests.conftest import ROOT

SIZE = 100_000
SECONDS = 3.0  # about 100 x what a linear pattern needs here; a quadratic one needs minutes
ADVERSARIAL = {
    "letters": "a" * SIZE,
    "capitals": "A" * SIZE,
    "digits": "1" * SIZE,
    "digit-space": "1 " * (SIZE // 2),
    "spaces": " " * SIZE,
    "dots": "a." * (SIZE // 2),
    "at-signs": "a@a." * (SIZE // 4),
    "marks": "!?" * (SIZE // 2),
    "words": "order rude staff still waiting speak to the 3rd at 1 monday " * (SIZE // 60),
    "no-spaces": "orderrudestaff" * (SIZE // 14),
    "lines": "a\n" * (SIZE // 2),
}


def _yaml_patterns() -> Iterator[Tuple[str, re.Pattern]]:
    for path in sorted((ROOT / "data").rglob("*.yml")):
        for item in (yaml.safe_load(path.read_text()) or {}).get("nlu") or []:
            if "regex" in item:
                for line in item["examples"].splitlines():
                    if line.strip().startswith("- "):
                        yield f"{path.name}:{item['regex']}", re.compile(line.strip()[2:], re.IGNORECASE)
    from handoff.config import HandoffConfig

    config = HandoffConfig.load(ROOT / "handoff.yml")
    for i, pattern in enumerate(config.explicit.patterns):
        yield f"handoff.yml:explicit[{i}]", pattern
    for topic in config.gray_area.topics:
        for i, pattern in enumerate(topic.patterns):
            yield f"handoff.yml:{topic.name}[{i}]", pattern


def _found_in(value: Any, depth: int = 0) -> Iterator[re.Pattern]:
    if isinstance(value, re.Pattern):
        yield value
    elif depth < 3 and isinstance(value, (tuple, list)):
        for item in value:
            yield from _found_in(item, depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for item in value.values():
            yield from _found_in(item, depth + 1)


def _code_patterns() -> Iterator[Tuple[str, re.Pattern]]:
    for package in ("actions", "bot", "handoff"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if info.name.endswith("__main__"):
                continue
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                for i, pattern in enumerate(_found_in(value)):
                    yield f"{info.name}.{name}[{i}]", pattern


def _all() -> List[Tuple[str, re.Pattern]]:
    unique: Dict[Tuple[str, int], Tuple[str, re.Pattern]] = {}
    for name, pattern in list(_yaml_patterns()) + list(_code_patterns()):
        unique.setdefault((pattern.pattern, pattern.flags), (name, pattern))
    return sorted(unique.values(), key=lambda item: item[0])


PATTERNS = _all()


def test_the_patterns_were_found() -> None:
    names = {name.split("[")[0].split(":")[0] for name, _ in PATTERNS}
    assert "orders.yml" in names and "handoff.yml" in names
    assert any(name.startswith("handoff.sentiment") for name in names)
    assert len(PATTERNS) >= 20


@pytest.mark.parametrize("name,pattern", PATTERNS, ids=[name for name, _ in PATTERNS])
def test_pattern_reads_long_adversarial_input_in_linear_time(name: str, pattern: re.Pattern) -> None:
    slow = {}
    for label, text in ADVERSARIAL.items():
        started = time.perf_counter()
        for _ in pattern.finditer(text):
            pass
        took = time.perf_counter() - started
        if took > SECONDS:
            slow[label] = round(took, 1)
    assert not slow, f"{name} ({pattern.pattern[:80]}) backtracks: seconds per input {slow}"
