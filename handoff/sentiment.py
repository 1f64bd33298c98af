"""Customer-service sentiment: VADER's lexicon plus the cues of frustration that a
general lexicon misses.

VADER (vaderSentiment, which ships its lexicon) scores the words; on top of it this
module reads what customers write when they are losing patience: repetition ("third
time", "still waiting", "again"), verdicts on the service ("useless bot", "waste of
time"), escalation ("speak to a manager"), shouting (capitals, "!!!", "?!"), and sarcasm
(praise next to a complaint: "great, another delay"). Negation is VADER's own ("not
happy" is negative, "not bad" is not). Pure and fast: well under a millisecond a message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, List, Pattern, Tuple

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"


def _words(*phrases: str) -> Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)


# (cue name, pattern, weight): a weight is how much the cue pulls the score down.
CUES: Tuple[Tuple[str, Pattern[str], float], ...] = (
    ("repetition", _words(r"(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time", r"(?:yet )?again",
                          r"how many times", r"(?:told|asked|said|explained) (?:you|this|it) (?:already|before|twice)",
                          r"already (?:told|asked|said|explained)", r"same (?:answer|question|thing|reply)",
                          r"keep (?:asking|saying|telling|getting)", r"over and over", r"repeat(?:ing|ed)? myself"), 0.35),
    ("waiting", _words(r"still (?:waiting|not|no|nothing|haven'?t|hasn'?t|don'?t|doesn'?t|isn'?t|can'?t)",
                       r"(?:weeks?|days?|months?|hours?) (?:late|overdue|now|already|ago)", r"on hold",
                       r"never (?:arrived|came|showed|received|got)", r"(?:hasn'?t|has not|haven'?t|didn'?t|did not) (?:arrived?|come|shown|received)",
                       r"no (?:one|body) (?:answers|replies|responds|called|helps?)", r"where the hell", r"ages"), 0.3),
    ("verdict", _words(r"useless", r"pointless", r"hopeless", r"ridiculous", r"unacceptable", r"pathetic",
                       r"incompetent", r"waste of (?:my |our |your )?(?:time|money)", r"joke", r"scam", r"rip ?off", r"worst",
                       r"terrible", r"awful", r"horrible", r"disgrac\w*", r"shambles", r"nightmare", r"appalling",
                       r"rubbish", r"garbage", r"trash", r"stupid", r"dumb", r"idiot\w*", r"nonsense",
                       r"not (?:helpful|helping|good enough|acceptable|ok|okay|working)", r"doesn'?t (?:help|work)",
                       r"(?:can'?t|cannot) (?:understand|help) (?:me|anything)", r"not listening", r"makes no sense",
                       r"never again", r"fed up", r"sick (?:of|and tired)", r"had enough", r"enough is enough",
                       r"lost (?:my )?patience", r"(?:so|very|really|extremely) (?:disappointed|annoyed|frustrated|angry|upset)",
                       r"disappoint\w*", r"frustrat\w*", r"annoy\w*", r"furious", r"livid", r"angry", r"outraged?",
                       r"fuming", r"pissed", r"damn", r"wtf", r"ffs", r"bloody"), 0.4),
    ("escalation", _words(r"(?:speak|talk|chat) (?:to|with) (?:a |an |your |the )?(?:manager|supervisor|human|person|someone|somebody|agent|real)",
                          r"real (?:person|human)", r"(?:a|an) (?:human|manager|supervisor)", r"complain(?:t|ing)?",
                          r"report (?:you|this)", r"(?:my )?lawyer", r"legal action", r"sue", r"trading standards",
                          r"charge ?back", r"bad review", r"(?:cancel|close) my account"), 0.3),
    ("bot_blame", _words(r"(?:stupid|useless|dumb|pointless|broken) (?:bot|robot|machine|chat ?bot|assistant|ai)",
                         r"(?:bot|robot|machine|chat ?bot|you) (?:is|are) (?:useless|stupid|dumb|broken|not helping)",
                         r"(?:are|do) you (?:even|actually) (?:reading|listening|understand)"), 0.45),
)
SARCASM = _words(r"oh (?:great|wonderful|brilliant|perfect|fantastic|lovely)", r"just (?:great|perfect|brilliant|wonderful|what i needed)",
                 r"yeah,? right", r"thanks (?:a lot|for nothing)", r"so helpful", r"love (?:how|that|it when)",
                 r"wow,? (?:great|thanks)", r"great job", r"well done", r"brilliant service", r"/s")
TROUBLE = _words(r"delay\w*", r"late", r"again", r"still", r"wait\w*", r"broken", r"damaged", r"never", r"wrong",
                 r"missing", r"lost", r"cancel\w*", r"refund", r"nothing", r"no one", r"nobody", r"another",
                 r"hours?", r"days?", r"weeks?")
SHOUT_WORD = re.compile(r"\b[A-Z]{3,}\b")
REPEATED_MARKS = re.compile(r"[!?]{2,}|!\s*!")


@dataclass(frozen=True)
class Sentiment:
    """A message's sentiment: score in [-1, 1], a label, and the cues behind it."""

    score: float
    label: str
    cues: List[str] = field(default_factory=list)

    def as_dict(self) -> Dict[str, object]:
        return {"score": round(self.score, 4), "label": self.label, "cues": list(self.cues)}


@lru_cache(maxsize=1)
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


class SentimentScorer:
    """Scores messages; ``negative_below`` and ``positive_above`` set the labels."""

    def __init__(self, negative_below: float = -0.3, positive_above: float = 0.3) -> None:
        self.negative_below, self.positive_above = negative_below, positive_above
        self._analyzer = _vader()

    def score(self, text: str) -> Sentiment:
        text = text or ""
        base = self._analyzer.polarity_scores(text)["compound"] if text.strip() else 0.0
        cues: List[str] = [f"lexicon:{base:+.2f}"] if abs(base) >= 0.05 else []
        pull = 0.0
        for name, pattern, weight in CUES:
            if pattern.search(text):
                cues.append(name)
                pull += weight
        if SARCASM.search(text) and (pull > 0 or TROUBLE.search(text)):
            # Praise about a complaint: the praise words count against, not for.
            cues.append("sarcasm")
            pull += 0.35
            base = -abs(base)
        shouting = len(SHOUT_WORD.findall(text)) >= 2 and sum(c.isupper() for c in text) > 0.5 * sum(c.isalpha() for c in text)
        if shouting:
            cues.append("capitals")
        if REPEATED_MARKS.search(text):
            cues.append("punctuation")
        if (shouting or "punctuation" in cues) and TROUBLE.search(text):
            pull += 0.2  # shouting about a delay, a wait, a broken item
        if pull > 0 or base < 0:
            # Shouting and "!!!" intensify a complaint; alone they are not one.
            pull += 0.15 * shouting + 0.1 * ("punctuation" in cues)
        if pull:
            # A complaint with polite or positive words in it is still a complaint.
            base = min(base, 0.0 if pull >= 0.5 else 0.2)
        score = max(-1.0, min(1.0, base - min(pull, 1.2)))
        return Sentiment(score, self.label(score), cues)

    def label(self, score: float) -> str:
        if score <= self.negative_below:
            return NEGATIVE
        if score >= self.positive_above:
            return POSITIVE
        return NEUTRAL
