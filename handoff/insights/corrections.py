"""Bot answers a person marked wrong (the quality loop's corrections). The error rate
and the total cost of ownership count them once a source is set: ``set_source`` takes
a function (engine, since, until, skill) -> count that reads the corrections' table.
Until then the figure is None: not measured, never a made-up zero."""
from __future__ import annotations

from datetime import datetime
from typing import Callable, Optional

from sqlalchemy.engine import Engine

CorrectionCounter = Callable[[Engine, Optional[datetime], Optional[datetime], Optional[str]], int]
_source: Optional[CorrectionCounter] = None


def set_source(counter: Optional[CorrectionCounter]) -> None:
    global _source
    _source = counter


def corrections_marked_wrong(engine: Engine, since: Optional[datetime], until: Optional[datetime],
                             skill: Optional[str]) -> Optional[int]:
    """How many bot answers were marked wrong in the period (and skill); None while no source is set."""
    return None if _source is None else int(_source(engine, since, until, skill))
