"""Tracker events as dicts (the tracker store's and HTTP API's form), for fixtures."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple


def user(text: str, intent: str = "inform", confidence: float = 0.95, sentiment: Optional[float] = None,
         ranking: Sequence[Tuple[str, float]] = (), faq_key: Optional[str] = None) -> Dict[str, Any]:
    parse: Dict[str, Any] = {
        "text": text, "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in (ranking or [(intent, confidence)])],
        "entities": [],
    }
    if sentiment is not None:
        parse["sentiment"] = {"score": sentiment, "label": "negative" if sentiment < -0.3 else "neutral", "cues": []}
    if faq_key:
        parse["response_selector"] = {"faq": {"response": {"intent_response_key": f"faq/{faq_key}"}}}
    return {"event": "user", "text": text, "parse_data": parse}


def bot(text: str) -> Dict[str, Any]:
    return {"event": "bot", "text": text}


def action(name: str) -> Dict[str, Any]:
    return {"event": "action", "name": name}


def slot(name: str, value: Any) -> Dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def loop(name: Optional[str]) -> Dict[str, Any]:
    return {"event": "active_loop", "name": name}


def exchange(text: str, reply: str, intent: str = "faq", *, after: str = "utter_faq", **kw: Any) -> List[Dict[str, Any]]:
    """One customer message and the bot's answer."""
    return [action("action_listen"), user(text, intent, **kw), action(after), bot(reply)]
