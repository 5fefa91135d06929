"""What the Reader knows besides the message itself: who is around, who commands, what came just
before. The engine builds it from the incident's state; the ``read`` command builds it from a
corpus item. Nothing in it is read from a clock or a store.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.core.model import ChatMessage, IncidentState, User
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
    # user id -> the open tasks the commander handed them (a fix among them makes "starting"
    # from its assignee a report that the fix has begun)
    tasks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    addressed: bool = False  # a question to the bot by construction (/ask, a direct message)
    open_tasks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # user id -> open tasks

    @property
    def author_is_commander(self) -> bool:
        return self.commander is not None and self.commander.id == self.author.id


EARLIER = 4  # how many earlier messages the Reader sees


def for_message(state: IncidentState, msg: ChatMessage) -> ReadContext:
    """The Reader's context for ``msg`` in this incident: people, commander, the last few
    messages before it (with their readings), who holds which open tasks."""
    earlier: list[Earlier] = []
    for other in reversed(state.messages.values()):  # newest first, without a copy
        if len(earlier) >= EARLIER:
            break
        if other.id == msg.id or other.deleted or other.at > msg.at or state.is_bot(other.author):
            continue
        earlier.append(Earlier(author=other.author, content=other.content, reading=other.reading))
    earlier.reverse()
    people = {p.user.id: p.user for p in state.participants.values()}
    for user in (msg.author, *msg.mentions):
        if not state.is_bot(user):
            people.setdefault(user.id, user)
    cfg = state.config
    boss = state.commander.id if state.commander is not None else None
    tasks = {
        uid: tuple(
            a.task for a in open_ if a.assigned_by is not None and boss in (None, a.assigned_by)
        )
        for uid, open_ in state.open_by_user().items()
    }
    return ReadContext(
        author=msg.author,
        commander=state.commander,
        people=tuple(people.values()),
        earlier=tuple(earlier),
        bot_names=tuple(n for n in (cfg.bot_name,) if n),
        bot_ids=tuple(i for i in (cfg.bot_user_id,) if i),
        mentions=tuple(msg.mentions),
        tasks=tasks,
        open_tasks={
            uid: tuple(a.task for a in open_) for uid, open_ in state.open_by_user().items()
        },
    )
