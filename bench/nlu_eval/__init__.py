"""The held-out evaluation of the assistant's understanding (bench/nlu_heldout.py).

Errors: every problem with the held-out files raises ``HeldoutError`` (a subclass of
``ValueError``) with a message that names the item and what to fix.
"""
from __future__ import annotations


class HeldoutError(ValueError):
    """A held-out file is malformed, or an evaluation cannot run as asked."""
