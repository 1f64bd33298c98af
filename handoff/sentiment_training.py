"""Training the learned sentiment head (handoff.sentiment_head) on human-rated sentences.

The data:
- VADER's ground-truth sets (Hutto & Gilbert 2014, MIT licence: tweets and Amazon review
  snippets, each sentence with the mean of human ratings from -4 to +4), read from the
  folder where they are kept, not copied into this project; a sentence is negative when
  its mean rating is below 0;
- customer-service messages of this project: handoff/data/customer_service_sentiment.yml
  (frustrated and calm ones), the complaints of data/nlu (negative) and every other
  request the assistant is trained on (calm), weighted ``CS_WEIGHT`` times, so that a
  calm report of a problem is not read as frustration.
What ships is only the resulting weights: the ``polarity`` head from VADER's sets alone,
the ``frustration`` head from both (see handoff.sentiment_head).

Honest figures come with the weights, on VADER sentences the head did not see: trained
on one set and tested on the other (tweets -> reviews and reviews -> tweets), and
5-fold cross-validated (the customer-service messages always on the training side);
the final head is then fitted on everything and its figures stored with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np

from handoff.sentiment_head import SentimentHead, SentimentHeads

FILES = {"tweets": "tweets_GroundTruth.txt", "reviews": "amazonReviewSnippets_GroundTruth.txt"}
C = 1.0
CS_WEIGHT = 3.0
ROOT = Path(__file__).resolve().parent.parent
CS_FILE = Path(__file__).resolve().parent / "data" / "customer_service_sentiment.yml"
NEGATIVE_INTENTS = ("complain",)


@dataclass(frozen=True)
class Rated:
    source: str
    rating: float
    text: str


def read_vader(folder: Path) -> List[Rated]:
    rows = []
    for source, name in FILES.items():
        path = folder / name
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: give the folder of VADER's ground-truth files with --vader")
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3:
                rows.append(Rated(source, float(parts[1]), parts[2]))
    return rows


def read_customer_service(nlu: Path = ROOT / "data" / "nlu", path: Path = CS_FILE) -> List[Tuple[str, bool]]:
    """(text, negative) of this project's own customer-service messages."""
    import yaml
    from rasa.shared.nlu.training_data.loading import load_data

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = [(t, True) for t in raw["negative"]] + [(t, False) for t in raw["neutral"]]
    for example in load_data(str(nlu)).intent_examples:
        intent = example.get("intent")
        if example.get("text") and intent != "out_of_scope":
            rows.append((example.get("text"), intent in NEGATIVE_INTENTS))
    return rows


def _fit(vectors: np.ndarray, negative: np.ndarray, weights: np.ndarray) -> Tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, max_iter=3000).fit(vectors, negative, sample_weight=weights)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def f1(predicted: Sequence[bool], gold: Sequence[bool]) -> Dict[str, float]:
    tp = sum(p and g for p, g in zip(predicted, gold))
    fp = sum(p and not g for p, g in zip(predicted, gold))
    fn = sum(g and not p for p, g in zip(predicted, gold))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(score, 3)}


def held_out_figures(vectors: np.ndarray, negative: np.ndarray, sources: np.ndarray,
                     weights: np.ndarray) -> Dict[str, Dict[str, float]]:
    """Negative-class figures on VADER sentences each head did not see."""
    from sklearn.model_selection import StratifiedKFold

    figures = {}
    own = sources == "customer_service"
    for train, test in (("tweets", "reviews"), ("reviews", "tweets")):
        side = (sources == train) | own
        w, b = _fit(vectors[side], negative[side], weights[side])
        predicted = (vectors[sources == test] @ w + b) > 0
        figures[f"{train} -> {test}"] = f1(list(predicted), list(negative[sources == test]))
    vader = np.flatnonzero(~own)
    predicted = np.zeros(len(vader), dtype=bool)
    for train, test in StratifiedKFold(5, shuffle=True, random_state=7).split(vectors[vader], negative[vader]):
        side = np.concatenate([vader[train], np.flatnonzero(own)])
        w, b = _fit(vectors[side], negative[side], weights[side])
        predicted[test] = (vectors[vader[test]] @ w + b) > 0
    figures["5-fold, both"] = f1(list(predicted), list(negative[vader]))
    return figures


def train(folder: Path, out: Path) -> SentimentHeads:
    from bot.components.sentence_model import SentenceModel

    rows = read_vader(folder) + [Rated("customer_service", -1.0 if bad else 1.0, text)
                                 for text, bad in read_customer_service()]
    vectors = SentenceModel.load().sentences([r.text for r in rows], batch_size=64)
    negative = np.array([r.rating < 0 for r in rows])
    sources = np.array([r.source for r in rows])
    vader = sources != "customer_service"
    about = {"vader": "tweets and Amazon review snippets (Hutto & Gilbert 2014, MIT)", "regularisation_c": C,
             "model": "all-MiniLM-L6-v2 int8 (bot.components.sentence_model)", "date": date.today().isoformat()}
    plain = np.ones(int(vader.sum()))
    weights, bias = _fit(vectors[vader], negative[vader], plain)
    polarity = SentimentHead(weights, bias, {**about, "trained_on": "VADER's sets", "sentences": int(vader.sum()),
                                             "held_out_negative_class": held_out_figures(
                                                 vectors[vader], negative[vader], sources[vader], plain)})
    sample_weights = np.where(vader, 1.0, CS_WEIGHT)
    weights, bias = _fit(vectors, negative, sample_weights)
    frustration = SentimentHead(weights, bias, {
        **about, "trained_on": "VADER's sets and this project's customer-service messages (handoff/data, data/nlu)",
        "sentences": len(rows), "customer_service_sentences": int((~vader).sum()), "customer_service_weight": CS_WEIGHT,
        "held_out_negative_class": held_out_figures(vectors, negative, sources, sample_weights)})
    heads = SentimentHeads(polarity, frustration)
    heads.save(out)
    return heads
