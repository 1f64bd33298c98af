"""A handoff context (handoff.context.HandoffContext as a dict) and a session as one
audience may see them: every text redacted with the audience's rules, the verified
email kept only where the audience may see it (and, for an agent, only while the
session is theirs: handoff.service.scope)."""
from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, Optional

from handoff.privacy.policy import Audience
from handoff.privacy.spans import marker

VERIFIED_SLOT = "customer_email"


def verified_email(context: Mapping[str, Any]) -> Optional[str]:
    customer = context.get("customer") or {}
    email = customer.get("email") if isinstance(customer, Mapping) else None
    return email if isinstance(email, str) and email else None


def context_for(context: Mapping[str, Any], audience: Audience, show_email: bool = True) -> Dict[str, Any]:
    """A copy of the context for this audience; `show_email` False hides the verified email too."""
    email = verified_email(context)
    keep = email if email and audience.verified_email and show_email else None
    hidden = email if email and keep is None else None

    def redact(text: str) -> str:
        text = audience.redact(text, keep)
        return text.replace(hidden, marker("email")) if hidden else text

    out = dict(context)
    out["summary"] = redact(str(context.get("summary", "")))
    out["transcript"] = [_line(line, redact) for line in context.get("transcript") or [] if isinstance(line, Mapping)]
    out["slots"] = {k: (redact(v) if isinstance(v, str) else v)
                    for k, v in (context.get("slots") or {}).items()
                    if not (k == VERIFIED_SLOT and keep is None)}
    customer = dict(context.get("customer") or {})
    if email and keep is None:
        customer.pop("email", None)
        customer["email_hidden"] = True
    out["customer"] = customer
    return out


def _line(line: Mapping[str, Any], redact: Callable[[str], str]) -> Dict[str, Any]:
    out = dict(line)
    out["text"] = redact(str(line.get("text", "")))
    out["entities"] = [{**e, "value": redact(str(e.get("value")))} if isinstance(e, Mapping) else e
                       for e in line.get("entities") or []]
    return out


def without_email(context: Mapping[str, Any]) -> Dict[str, Any]:
    """The context without the verified email (quick: no detector runs, the address is replaced)."""
    email = verified_email(context)
    if not email:
        return dict(context)
    hidden = marker("email")

    def strip(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(email, hidden)
        if isinstance(value, Mapping):
            return {k: strip(v) for k, v in value.items()}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    out = {k: strip(v) for k, v in context.items() if k != "customer"}
    customer = {k: v for k, v in (context.get("customer") or {}).items() if k != "email"}
    out["customer"] = {**customer, "email_hidden": True}
    out["slots"] = {k: v for k, v in (out.get("slots") or {}).items() if k != VERIFIED_SLOT}
    return out
