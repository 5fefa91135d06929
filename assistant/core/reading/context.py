"""What the Reader knows besides the message itself: who is around, who commands, what came just
before. The engine builds it from the incident's state; the ``read`` command builds it from a
corpus item. Nothing in it is read from a clock or a store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.core.model import User
from assistant.core.reading.model import Reading


@dataclass(frozen=True)
class Earlier:
    """One earlier message in the channel, with what was read from it."""

    author: User
    content: str
    reading: Reading | None = None


@dataclass(frozen=True)
class ReadContext:
    author: User
    commander: User | None = None
    people: tuple[User, ...] = ()  # everyone known in the channel (participants), author included
    earlier: tuple[Earlier, ...] = ()  # the last few messages before this one, oldest first
    bot_names: tuple[str, ...] = ()  # this channel's assistant ("incident-bot")
    bot_ids: tuple[str, ...] = ()
    mentions: tuple[User, ...] = ()  # people the message mentions (resolved by the chat tool)
    tasks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # user id -> open tasks

    @property
    def author_is_commander(self) -> bool:
        return self.commander is not None and self.commander.id == self.author.id
