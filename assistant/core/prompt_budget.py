"""Token budgeting for prompts: a deterministic estimate, and fitting context into a budget.

The estimate needs no tokenizer: about one token per three Latin characters and one per
CJK character (kana, kanji, fullwidth forms), which is close to, and usually above, what
BPE tokenizers of common models produce. Being deterministic matters more than being exact:
the same prompt always gets the same count, so budgets and tests are reproducible.

What to keep when a prompt is over budget is the caller's choice of priorities; this module
only offers the two mechanisms the prompts need: keep the newest items that fit, and cut a
single text to a size.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

_CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x3000, 0x30FF),  # CJK punctuation, hiragana, katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms
)


def _is_wide(ch: str) -> bool:
    o = ord(ch)
    return any(lo <= o <= hi for lo, hi in _CJK_RANGES) or o > 0xFFFF


def estimate_tokens(text: str) -> int:
    """Tokens ``text`` would take: 1 per CJK character, 1 per 3 other characters (rounded up)."""
    wide = sum(1 for ch in text if _is_wide(ch))
    narrow = len(text) - wide
    return wide + (narrow + 2) // 3


class Fitted(BaseModel):
    """Which items of a context list were kept, and at what cost."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kept: list[str]
    dropped: int
    tokens: int


def keep_newest(items: Sequence[str], budget: int, *, per_item: int = 1) -> Fitted:
    """Keep the newest items (the end of ``items``) whose total fits in ``budget`` tokens.

    Items are dropped oldest first and the kept ones stay in their original order. An item
    costs its estimate plus ``per_item`` (the separator between items). Once an item does
    not fit, every older item is dropped too, so the kept context is always contiguous.
    """
    kept: list[str] = []
    used = 0
    for item in reversed(items):
        cost = estimate_tokens(item) + per_item
        if used + cost > budget:
            break
        kept.append(item)
        used += cost
    kept.reverse()
    return Fitted(kept=kept, dropped=len(items) - len(kept), tokens=used)


def truncate(text: str, budget: int, *, marker: str = " …") -> str:
    """``text`` cut (at the end) so that it, with ``marker``, fits in ``budget`` tokens."""
    if estimate_tokens(text) <= budget:
        return text
    room = budget - estimate_tokens(marker)
    if room <= 0:
        return ""
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits
        mid = (lo + hi + 1) // 2
        if estimate_tokens(text[:mid]) <= room:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo] + marker
