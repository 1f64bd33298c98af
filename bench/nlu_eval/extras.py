"""The slower companions of the held-out figures, each a subprocess of Rasa's own
command line (``python -m bot``): training a model with bot/config.yml, Rasa's NLU
cross-validation of data/, and bench/clinc150.py."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict

from bench.nlu_eval import HeldoutError
from bench.nlu_eval.dataset import ROOT
from tests.servers import base_env


def _run(cmd: list, log: Path) -> float:
    started = time.monotonic()
    with log.open("w") as handle:
        result = subprocess.run(cmd, cwd=ROOT, env=base_env(), stdout=handle, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise HeldoutError(f"{' '.join(cmd[1:4])} failed (exit {result.returncode}), see {log}:\n"
                           f"{log.read_text(errors='replace')[-2000:]}")
    return time.monotonic() - started


def train(workdir: Path, config: Path = ROOT / "bot" / "config.yml") -> Path:
    """Train bot/config.yml on data/ into workdir, as `make train` does."""
    out = workdir / "models"
    cmd = [sys.executable, "-m", "bot", "train", "--domain", "bot/domain", "--data", "data",
           "--config", str(config), "--out", str(out), "--fixed-model-name", "assistant"]
    seconds = _run(cmd, workdir / "train.log")
    print(f"trained {out / 'assistant.tar.gz'} in {seconds:.0f} s", flush=True)
    return out / "assistant.tar.gz"


def cross_validation(workdir: Path, folds: int = 3, config: Path = ROOT / "bot" / "config.yml") -> Dict[str, Any]:
    """Rasa's NLU cross-validation of data/nlu: intent and FAQ (response selection)
    accuracy and weighted F1 over the held-out folds."""
    out = workdir / "cross-validation"
    cmd = [sys.executable, "-m", "bot", "test", "nlu", "--nlu", "data/nlu", "--config", str(config),
           "--cross-validation", "--folds", str(folds), "--out", str(out), "--no-plot"]
    seconds = _run(cmd, workdir / "cross-validation.log")
    result: Dict[str, Any] = {"folds": folds, "seconds": round(seconds)}
    for name, filename in (("intent", "intent_report.json"), ("faq", "response_selection_report.json")):
        path = out / filename
        if path.exists():
            report = json.loads(path.read_text())
            weighted = report.get("weighted avg") or {}
            result[name] = {"accuracy": round(float(report.get("accuracy", report.get("micro avg", {}).get("f1-score", 0.0))), 4),
                            "weighted_f1": round(float(weighted.get("f1-score", 0.0)), 4)}
    return result


def clinc150(workdir: Path) -> int:
    """Run bench/clinc150.py (it trains on CLINC150, ~15k examples: slow) and let it print."""
    print("\nCLINC150 (bench/clinc150.py):", flush=True)
    return subprocess.run([sys.executable, str(ROOT / "bench" / "clinc150.py"), "--workdir", str(workdir / "clinc150")],
                          cwd=ROOT, env=base_env()).returncode
