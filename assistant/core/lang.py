"""Language detection for ja/en chat, by script: no dictionary, no model."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.core.model import Lang

_JP_RANGES = "\u3040-\u30ff\u4e00-\u9fff\uff66-\uff9f"
_JAPANESE = re.compile(f"[{_JP_RANGES}]")
_OTHER_LETTER = re.compile(f"(?![{_JP_RANGES}])[^\\W\\d_]")


def japanese_ratio(text: str) -> float:
    """Share of letters that are kana or CJK ideographs (counted in C: it runs per message)."""
    jp = len(_JAPANESE.findall(text))
    letters = jp + len(_OTHER_LETTER.findall(text))
    return jp / letters if letters else 0.0


def detect(texts: Iterable[str]) -> Lang:
    """Japanese when kana/kanji make up a fair share of the letters, else English.

    Japanese chat is full of English product names and log lines, so a Japanese text
    counts as Japanese from a modest share of Japanese script.
    """
    jp_texts = en_texts = 0
    for text in texts:
        r = japanese_ratio(text)
        if r >= 0.15:
            jp_texts += 1
        elif any(c.isalpha() for c in text):
            en_texts += 1
    return "ja" if jp_texts >= max(1, en_texts * 0.5) else "en"


def detect_one(text: str) -> Lang:
    return "ja" if japanese_ratio(text) >= 0.15 else "en"
