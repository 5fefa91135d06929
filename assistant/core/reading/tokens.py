"""Tokens of a sentence, for Japanese and English, with offsets into the cleaned text.

Japanese goes through SudachiPy (its dictionary ships in the ``sudachidict_core`` wheel,
nothing is downloaded): each token carries its dictionary form, part of speech and reading,
which is what lets one lexicon entry match every conjugation and lets the modality analysis
see the auxiliaries after a verb (negation ない/ず, past た, volitional う, conditional ば).
English is split by a regular expression: its cues are short phrases whose inflections the
lexicon spells out, and its modality words are few.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

Pos = Literal["noun", "verb", "adj", "aux", "particle", "punct", "symbol", "other", "adverb"]

_JA_POS: dict[str, Pos] = {
    "名詞": "noun",
    "代名詞": "noun",
    "動詞": "verb",
    "形容詞": "adj",
    "形状詞": "adj",
    "助動詞": "aux",
    "助詞": "particle",
    "補助記号": "punct",
    "記号": "symbol",
    "空白": "symbol",
    "副詞": "adverb",
    "接尾辞": "other",
    "接頭辞": "other",
    "連体詞": "other",
    "接続詞": "other",
    "感動詞": "other",
}


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    surface: str
    lemma: str
    pos: Pos
    detail: str = ""  # the analyser's finer part of speech (e.g. 接続助詞), "" in English
    reading: str = ""  # katakana reading (Japanese), "" in English


@lru_cache(maxsize=1)
def _sudachi() -> Any:
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


def tokenize_ja(text: str, offset: int = 0) -> list[Token]:
    """Japanese tokens of ``text`` (a sentence), offsets shifted by ``offset``."""
    out: list[Token] = []
    if not text.strip():
        return out
    for m in _sudachi().tokenize(text):
        pos = m.part_of_speech()
        kind = _JA_POS.get(pos[0], "other")
        if kind == "symbol" and not m.surface().strip():
            continue
        out.append(
            Token(
                start=offset + m.begin(),
                end=offset + m.end(),
                surface=m.surface(),
                lemma=m.dictionary_form(),
                pos=kind,
                detail=pos[1],
                reading=m.reading_form(),
            )
        )
    return out


_EN_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_\-./']*[A-Za-z0-9]|[A-Za-z]|\d[\d.,:%]*|\S")


def tokenize_en(text: str, offset: int = 0) -> list[Token]:
    """English (and any non-Japanese) tokens: words, numbers, single marks."""
    out: list[Token] = []
    for m in _EN_TOKEN.finditer(text):
        word = m.group(0)
        low = word.lower().replace("’", "'")
        kind: Pos = "noun" if word[0].isalnum() else "punct"
        out.append(Token(offset + m.start(), offset + m.end(), word, low, kind))
    return out
