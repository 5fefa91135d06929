"""Fact extraction from chat messages (impact, cause, change, action, recovery...).

STUB: owned by the phases/updates work; returns nothing until implemented.
"""

from __future__ import annotations

from assistant.core.model import ChatMessage, Fact, IncidentState


def extract(state: IncidentState, msg: ChatMessage) -> list[Fact]:
    return []
