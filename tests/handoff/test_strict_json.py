"""Every JSON the handoff package writes is strict: no NaN or Infinity tokens."""
from __future__ import annotations

import json
import math

from handoff.strict_json import dumps, finite


def _strict(text: str) -> object:
    def refuse(name: str) -> None:
        raise ValueError(name)
    return json.loads(text, parse_constant=refuse)


def test_non_finite_numbers_become_null_at_any_depth() -> None:
    value = {"slots": {"order_number": math.inf, "list": [math.nan, 1.5, {"x": -math.inf}]}, "ok": 2}
    assert _strict(dumps(value)) == {"slots": {"order_number": None, "list": [None, 1.5, {"x": None}]}, "ok": 2}


def test_ordinary_values_are_written_as_json_writes_them() -> None:
    value = {"a": [1, 2.5, "x", None, True]}
    assert dumps(value) == json.dumps(value)
    assert finite(value) == value
