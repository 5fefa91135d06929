"""Onboarding Q&A for new commanders. STUB: owned by the advisor work."""

from __future__ import annotations

from datetime import datetime

from assistant.core.model import Answer, IncidentState
from assistant.core.ports import KnowledgePort


def answer(question: str, in_reply_to: str, at: datetime, knowledge: KnowledgePort | None) -> Answer:
    return Answer(at=at, in_reply_to=in_reply_to, intent="guidance", text="(guidance pending)")


def fallback(state: IncidentState, question: str, in_reply_to: str, at: datetime) -> Answer:
    return Answer(at=at, in_reply_to=in_reply_to, intent="other", text="(help pending)")
