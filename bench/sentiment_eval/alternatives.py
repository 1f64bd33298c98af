"""Alternatives to the shipped head and fold, judged without the customer-service set.

Nothing here is fitted or tuned on the customer-service messages; they only score the result:

- the head's cut chosen by 5-fold cross-validation on VADER (negative when the lexicon
  says so or P(negative) >= cut; the shipped fold amounts to a cut of 0.65);
- a head trained on VADER plus the project's own NLU examples, labelled by intent
  (routine requests not negative, ``complain`` negative), folded as shipped;
- how many not-negative customer messages reach the sentiment trigger's single-message
  threshold (``strong_negative`` in handoff.yml) on their own.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List

import numpy as np

from bench.sentiment_eval.protocols import FOLDS, SEED, _head, cross_validated
from bench.sentiment_eval.scorers import Scored, negativity
from handoff.sentiment_head import SentimentHead
from handoff.sentiment_training import f1

ROUTINE = ("affirm", "bot_challenge", "book_appointment", "cancel_appointment", "faq", "goodbye", "greet", "inform",
           "list_appointments", "reschedule_appointment", "thank", "track_order")
COMPLAINT = "complain"
CUTS = np.round(np.arange(0.30, 0.96, 0.01), 2)
STRONG_NEGATIVE = -0.75


@dataclass(frozen=True)
class Project:
    texts: List[str]
    negative: np.ndarray


def read_project(nlu_dir: Path) -> Project:
    """The NLU examples of routine intents (not negative) and complaints (negative)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    texts, negative = [], []
    for path in sorted(nlu_dir.glob("*.yml")):
        for message in RasaYAMLReader().reads(path.read_text()).training_examples:
            if message.get("intent") in ROUTINE + (COMPLAINT,):
                texts.append(message.get("text"))
                negative.append(message.get("intent") == COMPLAINT)
    return Project(texts, np.array(negative))


def _lexicon(scored: Scored) -> np.ndarray:
    return np.array([s.score for s in scored.lexicon])


def _line(name: str, vader: dict, service: dict, strong: float) -> str:
    return (f"| {name} | {vader['f1']:.3f} | {service['precision']:.3f} | {service['recall']:.3f} | "
            f"{service['f1']:.3f} | {strong:.1%} |")


def report(vader: Scored, vader_gold: np.ndarray, service: Scored, service_gold: np.ndarray,
           shipped: SentimentHead, project: Project, project_vectors: np.ndarray) -> List[str]:
    lv, ls = _lexicon(vader), _lexicon(service)
    calm = ~service_gold

    def judged(name: str, rule, p_vader: np.ndarray, p_service: np.ndarray) -> str:
        on_vader, on_service = rule(lv, p_vader), rule(ls, p_service)
        strong = float(np.mean(np.minimum(ls, 1 - 2 * p_service)[calm] <= STRONG_NEGATIVE))
        return _line(name, f1(list(on_vader), list(vader_gold)), f1(list(on_service), list(service_gold)), strong)

    def fold(lex: np.ndarray, p: np.ndarray) -> np.ndarray:
        return np.minimum(lex, 1 - 2 * p) <= -0.3

    p_cv, p_shipped = cross_validated(vader.vectors, vader_gold), negativity(shipped, service.vectors)
    best = max(CUTS, key=lambda cut: f1(list((lv <= -0.3) | (p_cv >= cut)), list(vader_gold))["f1"])
    lines = [judged("shipped head, shipped fold (cut 0.65)", fold, p_cv, p_shipped),
             judged(f"shipped head, cut {best:.2f} chosen on VADER 5-fold",
                    lambda lex, p: (lex <= -0.3) | (p >= best), p_cv, p_shipped)]
    p_mixed = _with_project(vader.vectors, vader_gold, project_vectors, project.negative)
    mixed = _head(np.vstack([vader.vectors, project_vectors]), np.concatenate([vader_gold, project.negative]))
    lines.append(judged(f"head on VADER + {len(project.texts)} project NLU examples, shipped fold",
                        fold, p_mixed, negativity(mixed, service.vectors)))
    lexicon_strong = float(np.mean(ls[calm] <= STRONG_NEGATIVE))
    lines.append(_line("lexicon + cues alone", f1(list(lv <= -0.3), list(vader_gold)),
                       f1(list(ls <= -0.3), list(service_gold)), lexicon_strong))
    return lines


def _with_project(vectors: np.ndarray, negative: np.ndarray, extra: np.ndarray,
                  extra_negative: np.ndarray) -> np.ndarray:
    """VADER 5-fold P(negative) of heads that also learn from every project example."""
    from sklearn.model_selection import StratifiedKFold

    p = np.zeros(len(negative))
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(vectors, negative):
        head = _head(np.vstack([vectors[train], extra]), np.concatenate([negative[train], extra_negative]))
        p[test] = negativity(head, vectors[test])
    return p


HEADER = ("| variant | VADER 5-fold F1 | customer service precision | recall | F1 | "
          f"not-negative messages at or below {STRONG_NEGATIVE} |\n|---|---|---|---|---|---|")
