"""Every expression of tests/actions/timeparse_cases.yml read with a fixed "now" (month and
year ends, both daylight-saving changes in Europe/London) against its expected reading."""
from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from actions.settings import ShopSettings
from actions.timeparse import read_when
from tests.actions.conftest import LONDON
from tests.actions.timeparse_table import Case, context, describe, load_cases, outcome_of

TABLE = Path(__file__).with_name("timeparse_cases.yml")
CASES: List[Case] = load_cases(TABLE, LONDON)


def test_the_table_is_large_enough_and_asks_little() -> None:
    assert len(CASES) >= 150
    assert sum(c.expected == ("ask",) for c in CASES) <= 0.1 * len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_expression(case: Case, shop: ShopSettings) -> None:
    got = outcome_of(read_when(case.text, context(case, shop)))
    assert got == case.expected, f"{case.text!r}: got {describe(got)}, expected {describe(case.expected)}"


def test_windows_across_the_clock_change_keep_local_hours(shop: ShopSettings) -> None:
    spring = next(c for c in CASES if c.text == "not before 4" and c.now.month == 3)
    windows = outcome_of(read_when(spring.text, context(spring, shop)))[1]
    offsets = {start.day: start.utcoffset().total_seconds() for start, _ in windows}
    assert offsets[27] == 0 and offsets[29] == 3600
    assert all(start.hour == 16 for start, _ in windows)
