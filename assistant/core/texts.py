"""Short fixed sentences the bot says, in Japanese and English.

Feature modules keep their own longer templates; this table holds the shared one-liners.
"""

from __future__ import annotations

from assistant.core.model import Lang

_TEXTS: dict[str, dict[str, str]] = {
    "refusal": {
        "ja": "この操作は指揮官（または指揮官ロール）のみ実行できます。",
        "en": "Only the incident commander (or the commander role) can do that.",
    },
    "bad_phase": {
        "ja": "フェーズは investigating / identified / mitigating / monitoring / resolved"
        " のいずれかです。",
        "en": "Phase must be one of investigating, identified, mitigating, monitoring, resolved.",
    },
    "stale_proposal": {
        "ja": "この提案はもう有効ではありません（現在のフェーズ: {phase}）。"
        "変更するには /phase を使ってください。",
        "en": "This proposal is no longer current (the phase is now {phase}). "
        "Use /phase to change it.",
    },
}


def t(lang: Lang, key: str, **values: object) -> str:
    """The sentence ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    return _TEXTS[key][lang].format(**values)


def register(key: str, ja: str, en: str) -> None:
    """Add a sentence (feature modules call this at import; keys must be unique)."""
    if key in _TEXTS:
        raise KeyError(f"text {key!r} registered twice")
    _TEXTS[key] = {"ja": ja, "en": en}
