"""JSON that every parser accepts: NaN and infinities (which Python's json writes as
bare tokens that browsers and strict parsers refuse) become null. Used for every
answer of the handoff service and every body the package sends."""
from __future__ import annotations

import json
import math
from typing import Any


def finite(value: Any) -> Any:
    """The value with every NaN and infinity replaced by None, at any depth."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def dumps(value: Any, **kwargs: Any) -> str:
    try:
        return json.dumps(value, allow_nan=False, **kwargs)
    except ValueError:  # only then walk the value: the common case stays one dumps
        return json.dumps(finite(value), allow_nan=False, **kwargs)
