"""The incident's facts, from the Readings of its messages.

The Reader gives each message's claims (kind, words, certainty, span); this module turns them
into ``Fact`` records of the incident, traceable to their message. The bot's own posts and
questions to the bot are not facts.
"""

from __future__ import annotations

from assistant.core.model import ChatMessage, Fact, IncidentState
from assistant.core.reading import Reading


def from_reading(state: IncidentState, msg: ChatMessage, reading: Reading) -> list[Fact]:
    """The facts one message states (at most a few), in message order."""
    if state.is_bot(msg.author) or msg.deleted or any(state.is_bot(u) for u in msg.mentions):
        return []
    if reading.addressed_to_bot:
        return []
    return [
        Fact(
            kind=f.kind,
            text=f.text,
            certainty=f.certainty,
            source_ids=[msg.id],
            at=msg.at,
            by=msg.author.id,
        )
        for f in reading.facts
    ]
