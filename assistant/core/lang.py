"""Language detection for ja/en chat, by script: no dictionary, no model."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.core.model import Lang


def japanese_ratio(text: str) -> float:
    """Share of letters that are kana or CJK ideographs."""
    jp = letters = 0
    for ch in text:
        o = ord(ch)
        if 0x3040 <= o <= 0x30FF or 0x4E00 <= o <= 0x9FFF or 0xFF66 <= o <= 0xFF9F:
            jp += 1
            letters += 1
        elif ch.isalpha():
            letters += 1
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
