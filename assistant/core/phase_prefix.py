"""Reading a phase prefix at the start of a message, in Japanese or English.

A status post that starts with a phase (``【復旧完了】``, ``[Resolved]``, ``**[RESOLVED]**``,
``Status: Monitoring``, ``Update [Monitoring]:``, ``Resolved - …``) states the phase; a
generic headline such as ``【状況共有】`` or ``[Update]`` does not.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.core.model import Phase

_SYNONYMS: dict[Phase, tuple[str, ...]] = {
    Phase.INVESTIGATING: (
        "investigating", "investigation", "investigate", "under investigation",
        "調査中", "調査", "原因調査中", "確認中", "調査開始", "障害発生", "発生",
    ),
    Phase.IDENTIFIED: (
        "identified", "cause identified", "root cause identified", "root cause found",
        "原因特定", "原因判明", "特定", "原因特定済み", "判明",
    ),
    Phase.MITIGATING: (
        "mitigating", "mitigation", "mitigation in progress", "fixing", "fix in progress",
        "rolling back", "対応中", "対処中", "復旧対応中", "復旧作業中", "緩和中", "暫定対応",
        "暫定対応中", "切り戻し中", "ロールバック中", "修正中", "復旧中",
    ),
    Phase.MONITORING: (
        "monitoring", "monitor", "watching", "経過観察", "経過観察中", "監視中", "様子見",
        "モニタリング", "モニタリング中", "暫定復旧", "一部復旧",
    ),
    Phase.RESOLVED: (
        "resolved", "resolution", "recovered", "fixed", "closed", "all clear",
        "復旧完了", "復旧", "解決", "解決済み", "収束", "完了", "対応完了", "クローズ",
        "復旧済み", "終息",
    ),
}  # fmt: skip

_BY_TOKEN: dict[str, Phase] = {word: phase for phase, words in _SYNONYMS.items() for word in words}

_OPEN, _CLOSE = "【[［〔(（", "】]］〕)）"
_BRACKET = re.compile(r"[【\[［〔(（]\s*([^】\]］〕)）\n]{1,24}?)\s*[】\]］〕)）]")
_SHORTCODE = re.compile(r":[a-z0-9_+\-]+:")
_STATUS_WORD = re.compile(
    r"(?:current\s+)?(?:status|state|phase|ステータス|フェーズ|状態)(?:\s+update)?\s*[:：\-–—=]\s*",
    re.I,
)
_UPDATE_WORD = re.compile(r"(?:status\s+)?update\s*[:：\-–—]?\s*(?=[【\[［])", re.I)
_BARE_WORD = re.compile(
    r"(Investigating|Identified|Mitigating|Monitoring|Resolved"
    r"|INVESTIGATING|IDENTIFIED|MITIGATING|MONITORING|RESOLVED)\s*[:：\-–—]"
)
_STATUS_VALUE = re.compile(r"[A-Za-z][A-Za-z ]{1,30}?(?=$|[\s.,:;!\-–—)]|\*)|[^\s。、,.:：]{1,8}")


def _strip_decor(text: str) -> str:
    """Drop leading markdown, bullets, emoji and :shortcodes: before a prefix.

    A quote (``>``) is kept: quoting someone's status post does not state the phase.
    """
    i = 0
    while i < len(text):
        m = _SHORTCODE.match(text, i)
        if m:
            i = m.end()
            continue
        ch = text[i]
        if ch in " \t\u3000*_~#|-`•・" or unicodedata.category(ch) in ("So", "Sk", "Cf", "Mn"):
            i += 1
            continue
        break
    return text[i:]


def _normalise(token: str) -> str:
    token = token.replace("*", "").replace("_", " ").strip().lower()
    token = re.sub(r"\s+", " ", token)
    return token.removesuffix(" phase").removeprefix("phase ").removeprefix("status ")


def token_phase(token: str, custom: dict[str, Phase] | None = None) -> Phase | None:
    """The phase a bracketed word names (``調査中``, ``RESOLVED``…), or None."""
    norm = _normalise(token)
    if custom and norm in custom:
        return custom[norm]
    if norm in _BY_TOKEN:
        return _BY_TOKEN[norm]
    # compound headlines: 【続報・対応中】, [Update / Monitoring]
    for part in re.split(r"[・/|｜:：,、\s]+", norm):
        if part in _BY_TOKEN and part not in ("発生", "特定", "判明", "完了"):
            return _BY_TOKEN[part]
    return None


def _custom_tokens(labels: dict[Phase, str]) -> dict[str, Phase]:
    out: dict[str, Phase] = {}
    for phase, lab in labels.items():
        inner = lab.strip().strip(_OPEN + _CLOSE).strip()
        if inner:
            out[_normalise(inner)] = phase
    return out


def parse_prefix(text: str, custom_labels: dict[Phase, str] | None = None) -> Phase | None:
    """The phase a message states by starting with a phase prefix, or None.

    ``custom_labels`` are a team's own labels (e.g. ``{Phase.RESOLVED: "【解決】"}``); they are
    recognised in addition to the built-in words.
    """
    s = _strip_decor(text)
    for phase, lab in (custom_labels or {}).items():
        if lab and s.startswith(lab):
            return phase
    custom = _custom_tokens(custom_labels or {})
    m = _UPDATE_WORD.match(s)
    if m:
        s = s[m.end() :]
    for _ in range(3):  # 【障害】【調査中】…: look at the first few bracket groups
        m = _BRACKET.match(s)
        if not m:
            break
        found = token_phase(m.group(1), custom)
        if found is not None:
            return found
        s = _strip_decor(s[m.end() :])
    m = _STATUS_WORD.match(s)
    if m:
        rest = _strip_decor(s[m.end() :])
        b = _BRACKET.match(rest)
        if b:
            return token_phase(b.group(1), custom)
        v = _STATUS_VALUE.match(rest)
        if v:
            value = v.group(0)
            # "Status: Monitoring the fix" -> the whole value, else its first word
            return token_phase(value, custom) or token_phase(value.split(" ")[0], custom)
        return None
    m = _BARE_WORD.match(s)
    if m:
        return token_phase(m.group(1), custom)
    return None
