"""The lexical half of hybrid search: BM25 over chunks, with tokens that work for Japanese.

Japanese has no spaces between words, so runs of kana and kanji become overlapping character
bigrams (「切り戻し」 -> 切り, り戻, 戻し); Latin text becomes lower-cased words with a light
suffix trim (rollbacks -> rollback, failing -> fail). Text is NFKC-normalised first, so
full-width letters and digits match their ASCII forms.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_TOKEN = re.compile(rf"[{_CJK}]+|[a-z0-9]+(?:[._-][a-z0-9]+)*")
_STOP_WORDS = (
    "a an and are as at be been but by can did do does for from had has have how i if in into "
    "is it its of on or our so that the their then there these this to was we were what when "
    "where which who why will with you your should would could"
)
_STOP = frozenset(_STOP_WORDS.split(" "))
_SUFFIXES = ("ing", "ed", "es", "s")


def _trim(word: str) -> str:
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            if suffix == "s" and word[-2] in "sui":  # status, prometheus, redis stay whole
                return word
            return word[: -len(suffix)]
    return word


def tokenize(text: str) -> list[str]:
    """Words for Latin text, character bigrams for CJK runs (a lone CJK character stays)."""
    tokens: list[str] = []
    for run in _TOKEN.findall(unicodedata.normalize("NFKC", text).lower()):
        if run[0].isascii():
            if run not in _STOP:
                tokens.append(_trim(run))
                if any(c in run for c in "._-"):  # "ingress-nginx" also matches "nginx"
                    tokens.extend(_trim(p) for p in re.split(r"[._-]", run) if p)
        elif len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


@dataclass(frozen=True)
class LexicalHit:
    """A chunk's BM25 score, and the same score as a share of the query's best possible."""

    key: str
    score: float
    relative: float


class Bm25Index:
    """An in-memory BM25 index over short texts (chunks), keyed by string ids."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._keys: list[str] = []
        self._lengths: list[int] = []
        self._postings: dict[str, list[tuple[int, int]]] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: str, text: str) -> None:
        position = len(self._keys)
        counts = Counter(tokenize(text))
        self._keys.append(key)
        self._lengths.append(sum(counts.values()))
        for token, tf in counts.items():
            self._postings.setdefault(token, []).append((position, tf))

    def extend(self, items: Iterable[tuple[str, str]]) -> None:
        for key, text in items:
            self.add(key, text)

    def idf(self, token: str) -> float:
        n = len(self._keys)
        df = len(self._postings.get(token, ()))
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(
        self, query: str, limit: int = 50, accept: Callable[[str], bool] | None = None
    ) -> list[LexicalHit]:
        """Best chunks for ``query``; ``accept`` (key -> bool) limits the keys considered."""
        counts = Counter(tokenize(query))
        if not counts or not self._keys:
            return []
        avg = sum(self._lengths) / len(self._lengths) or 1.0
        scores: dict[int, float] = {}
        ceiling = 0.0
        for token, qtf in counts.items():
            idf = self.idf(token)
            ceiling += qtf * idf * (self.k1 + 1)
            for position, tf in self._postings.get(token, ()):
                norm = self.k1 * (1 - self.b + self.b * self._lengths[position] / avg)
                scores[position] = scores.get(position, 0.0) + qtf * idf * tf * (self.k1 + 1) / (
                    tf + norm
                )
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
        hits: list[LexicalHit] = []
        for position, score in ranked:
            key = self._keys[position]
            if accept is not None and not accept(key):
                continue
            hits.append(LexicalHit(key, score, score / ceiling if ceiling else 0.0))
            if len(hits) >= limit:
                break
        return hits
