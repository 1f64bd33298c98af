"""Gray area on CLINC150 (Larson et al. 2019): the assistant's own NLU pipeline
(bot/config.yml, without the FAQ ResponseSelector that CLINC150 has no use for),
trained on the full training set with the out-of-scope class, then scored on the
test set (and, for the bot's own rule, on the validation split). Prints in-scope
accuracy and out-of-scope recall for the raw classifier, for the pipeline as the bot runs it (the embedding classifier's coverage threshold,
picked at training time on cross-validated scores, then the FallbackClassifier), and
for a sweep of coverage thresholds, next to the paper's table; plus the training time.

    .venv/bin/python bench/clinc150.py [--data PATH] [--epochs N] [--workdir DIR] [--with-diet]

The embedding classifier takes the decision in the bot (DIET's weight is 0 in
bot/config.yml), so DIET is left out here unless --with-diet (it adds most of the
training time and changes no decision). Every CLINC150 intent is gated by the
coverage score, as the bot gates its FAQs and tasks; out-of-scope examples are the
`oos` class. "Out of scope" for the assistant means the final intent is `oos` or
`nlu_fallback` (what the gray-area trigger and the bot's fallback act on). An in-scope
message counts as right only when its intent wins.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT.parent / "shared" / "benchmarks" / "data" / "clinc150" / "data_full.json"
OOS = "oos"
FALLBACK = "nlu_fallback"

PAPER = [  # Table 2 of the paper, full data set: in-scope accuracy %, out-of-scope recall %
    ("Rasa 2019 (spacy-sklearn), oos class", 91.5, 45.3),
    ("Rasa 2019, threshold", 90.9, 31.2),
    ("Dialogflow, oos class", 91.7, 14.0),
    ("Dialogflow, threshold", 90.8, 26.7),
    ("BERT, oos class", 96.9, 40.3),
    ("BERT, threshold", 96.2, 52.3),
]


CLASSIFIER = "bot.components.embedding_classifier.EmbeddingIntentClassifier"


def pipeline_config(epochs: int | None, intents: Sequence[str] = (), with_diet: bool = False) -> Tuple[Dict, float, float]:
    """bot/config.yml's NLU pipeline without the FAQ ResponseSelector and without policies."""
    config = yaml.safe_load((ROOT / "bot" / "config.yml").read_text())
    left_out = {"ResponseSelector"} | (set() if with_diet else {"DIETClassifier"})
    pipeline = [c for c in config["pipeline"] if c["name"] not in left_out]
    for component in pipeline:
        if component["name"] == CLASSIFIER:
            component.update(gated_intents=sorted(set(intents) - {OOS}), out_of_scope_intents=[OOS],
                             uncovered_intent=OOS, diet_weight=0.0 if not with_diet else component.get("diet_weight", 0.0))
    fallback = next(c for c in pipeline if c["name"] == "FallbackClassifier")
    if epochs:
        for component in pipeline:
            if "epochs" in component:
                component["epochs"] = epochs
    nlu_only = {"recipe": config["recipe"], "language": config["language"], "pipeline": pipeline,
                "assistant_id": "clinc150-bench"}
    return nlu_only, float(fallback["threshold"]), float(fallback.get("ambiguity_threshold", 0.0))


def write_training_data(examples: Sequence[Sequence[str]], path: Path) -> None:
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    messages = [Message(data={"text": text, "intent": intent}) for text, intent in examples]
    RasaYAMLWriter().dump(path, TrainingData(training_examples=messages))


def train(workdir: Path, examples: Sequence[Sequence[str]], epochs: int | None,
          with_diet: bool = False) -> Tuple[Path, float, float, float]:
    from rasa.model_training import train_nlu

    config, threshold, margin = pipeline_config(epochs, [intent for _, intent in examples], with_diet)
    (workdir / "config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    write_training_data(examples, workdir / "nlu.yml")
    started = time.perf_counter()
    model = train_nlu(config=str(workdir / "config.yml"), nlu_data=str(workdir / "nlu.yml"),
                      output=str(workdir / "models"), fixed_model_name="clinc150")
    if not model:
        raise SystemExit("training failed: see the log above")
    return Path(model), time.perf_counter() - started, threshold, margin


async def rankings(model: Path, texts: Sequence[str]) -> List[Tuple[str, List[Tuple[str, float]], Dict]]:
    """For each text: the pipeline's final intent, the classifier's own ranking and its coverage."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    results = []
    for text in texts:
        parse = await agent.parse_message(text)
        ranking = [(r["name"], float(r["confidence"])) for r in parse.get("full_intent_ranking") or
                   parse.get("intent_ranking", []) if r["name"] != FALLBACK]
        results.append((parse["intent"]["name"], ranking, parse.get("coverage") or {}))
    return results


def with_coverage(ranking: List[Tuple[str, float]], coverage: Dict, threshold: float) -> str:
    """The classifier's top intent, or out of scope below a coverage threshold."""
    if not ranking or coverage.get("score", 0.0) < threshold:
        return OOS
    return ranking[0][0]


def score(gold: Sequence[str], predicted: Sequence[str]) -> Tuple[float, float]:
    in_scope = [(g, p) for g, p in zip(gold, predicted) if g != OOS]
    out_scope = [(g, p) for g, p in zip(gold, predicted) if g == OOS]
    accuracy = sum(g == p for g, p in in_scope) / len(in_scope)
    recall = sum(p in (OOS, FALLBACK) for _, p in out_scope) / len(out_scope)
    return 100 * accuracy, 100 * recall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--epochs", type=int, default=None, help="override the pipeline's epochs (default: as configured)")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the model and data here")
    parser.add_argument("--with-diet", action="store_true", help="train DIET too (it takes no decision in the bot)")
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"{args.data} not found: pass --data with CLINC150's data_full.json")
    data = json.loads(args.data.read_text())
    training = data["train"] + data["oos_train"]
    test = data["test"] + data["oos_test"]
    validation = data["val"] + data["oos_val"]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="clinc150-"))
    workdir.mkdir(parents=True, exist_ok=True)

    model, seconds, threshold, margin = train(workdir, training, args.epochs, args.with_diet)
    started = time.perf_counter()
    parsed = asyncio.run(rankings(model, [text for text, _ in test]))
    parse_ms = (time.perf_counter() - started) * 1000 / len(test)
    gold = [intent for _, intent in test]
    validated = asyncio.run(rankings(model, [text for text, _ in validation]))

    rows = [
        ("this pipeline, oos class only", *score(gold, [r[0][0] if r else FALLBACK for _, r, _ in parsed])),
        ("**this pipeline as the bot runs it** (coverage threshold "
         f"{parsed[0][2].get('threshold', float('nan')):.2f}, then fallback {threshold})",
         *score(gold, [intent for intent, _, _ in parsed])),
        ("the same, on the validation split (3,000 in scope, 100 out)",
         *score([intent for _, intent in validation], [intent for intent, _, _ in validated])),
    ]
    print(f"\nCLINC150 full: trained on {len(training)} examples ({len(data['oos_train'])} oos) "
          f"in {seconds:.0f} s; tested on {len(test)} ({len(data['oos_test'])} oos), {parse_ms:.1f} ms a message")
    print("\n| model, method | in-scope accuracy % | out-of-scope recall % |\n|---|---|---|")
    for name, accuracy, recall in rows:
        print(f"| {name} | {accuracy:.1f} | {recall:.1f} |")
    for name, accuracy, recall in PAPER:
        print(f"| paper: {name} | {accuracy:.1f} | {recall:.1f} |")
    print("\nCoverage threshold sweep:\n\n| threshold | in-scope accuracy % | out-of-scope recall % |\n|---|---|---|")
    for sweep in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        accuracy, recall = score(gold, [with_coverage(r, c, sweep) for _, r, c in parsed])
        print(f"| {sweep:.2f} | {accuracy:.1f} | {recall:.1f} |")
    print(f"\nmodel and data kept in {workdir}")


if __name__ == "__main__":
    main()
