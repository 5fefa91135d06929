"""What a question to the bot is about. STUB: owned by the advisor work."""

from __future__ import annotations

import re

from assistant.core.model import Intent

_ROLLBACK = re.compile(r"roll ?back|revert|ロールバック|切り戻", re.I)
_ROSTER = re.compile(r"who is doing|roster|誰が何", re.I)
_STATUS = re.compile(r"status|状況|どうなって", re.I)


def classify(text: str) -> Intent:
    if _ROLLBACK.search(text):
        return "rollback"
    if _ROSTER.search(text):
        return "roster"
    if _STATUS.search(text):
        return "status"
    return "other"
