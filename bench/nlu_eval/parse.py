"""Parse held-out messages in-process with the trained model (Rasa's Agent), and read
the parse data as the pipeline produces it: intent, ranking, the FAQ the response
selector picked, sentiment, and the out-of-coverage score when a component adds one."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

FAQ = "faq"
COVERAGE_KEY = "coverage"  # {"score": 0..1, "in_scope": bool, ...} when a component adds it


@dataclass(frozen=True)
class Parse:
    intent: str
    confidence: float
    faq_key: Optional[str] = None         # faq/<key> picked by the response selector
    faq_confidence: Optional[float] = None
    margin: Optional[float] = None        # top intent minus the second of the ranking
    sentiment_label: Optional[str] = None
    sentiment_score: Optional[float] = None
    coverage_score: Optional[float] = None
    in_scope: Optional[bool] = None

    @property
    def route(self) -> str:
        """faq/<key> for an FAQ, the intent otherwise."""
        return self.faq_key if self.intent == FAQ and self.faq_key else self.intent


def from_parse_data(data: Dict[str, Any]) -> Parse:
    intent = data.get("intent") or {}
    ranking = data.get("intent_ranking") or []
    response = ((data.get("response_selector") or {}).get(FAQ) or {}).get("response") or {}
    faq_key = response.get("intent_response_key") or intent.get("full_retrieval_intent_name")
    sentiment = data.get("sentiment") or {}
    coverage = data.get(COVERAGE_KEY) if isinstance(data.get(COVERAGE_KEY), dict) else {}
    margin = None
    if len(ranking) >= 2:
        margin = float(ranking[0].get("confidence") or 0.0) - float(ranking[1].get("confidence") or 0.0)
    return Parse(
        intent=str(intent.get("name") or ""),
        confidence=float(intent.get("confidence") or 0.0),
        faq_key=faq_key,
        faq_confidence=_float(response.get("confidence")),
        margin=margin,
        sentiment_label=sentiment.get("label"),
        sentiment_score=_float(sentiment.get("score")),
        coverage_score=_float(coverage.get("score")),
        in_scope=coverage.get("in_scope") if isinstance(coverage.get("in_scope"), bool) else None,
    )


def _float(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) else None


async def parse_all(model: Path, texts: Sequence[str]) -> List[Parse]:
    """Load the model once and parse every text (no dialogue, no servers)."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    return [from_parse_data(await agent.parse_message(text)) for text in texts]
