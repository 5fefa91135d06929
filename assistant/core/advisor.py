"""The "should we roll back?" advisor. STUB: owned by the advisor work."""

from __future__ import annotations

from datetime import datetime

from assistant.core.model import Answer, IncidentState
from assistant.core.ports import KnowledgePort


def advise(
    state: IncidentState,
    question: str,
    in_reply_to: str,
    at: datetime,
    knowledge: KnowledgePort | None,
) -> Answer:
    return Answer(at=at, in_reply_to=in_reply_to, intent="rollback", text="(advisor pending)",
                  recommendation="hold")
