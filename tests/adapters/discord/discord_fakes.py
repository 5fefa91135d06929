"""Test doubles for the Discord adapter.

Discord objects are ``create_autospec(..., spec_set=True, instance=True)`` mocks: reading or
setting an attribute discord.py does not have fails, and calling a coroutine with a keyword
it does not accept raises ``TypeError``. The service is a hand-written fake of the service
API in CONVENTIONS.md: it records what it was given and answers with scripted actions.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import create_autospec

import discord
from pydantic import BaseModel

from assistant.adapters.discord.context import BotContext
from assistant.adapters.discord.deliver import Deliverer
from assistant.adapters.discord.listening import Listening
from assistant.adapters.discord.proposals import ProposalHandler
from assistant.adapters.discord.render import ALLOWED_MENTIONS
from assistant.adapters.discord.settings import DiscordSettings
from assistant.core.actions import Action
from assistant.core.events import Event
from assistant.core.lang import detect_one
from assistant.core.model import (
    Answer,
    IncidentConfig,
    IncidentState,
    Lang,
    StatusUpdate,
)

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
BOT_ID = 900
GUILD_ID = 10
ROLE_ID = 77

_ids = itertools.count(5000)


def spec(cls: type, **attrs: Any) -> Any:
    """A strict mock of ``cls`` with ``attrs`` set (unknown names raise AttributeError)."""
    mock = create_autospec(cls, instance=True, spec_set=True)
    for name, value in attrs.items():
        setattr(mock, name, value)
    return mock


def role(role_id: int) -> Any:
    return spec(discord.Role, id=role_id, name=f"role{role_id}")


def guild(guild_id: int = GUILD_ID) -> Any:
    g = spec(discord.Guild, id=guild_id, name="ops")
    g.get_member.return_value = None
    return g


def member(
    user_id: int,
    name: str,
    *,
    display_name: str | None = None,
    bot: bool = False,
    roles: Iterable[int] = (),
) -> Any:
    return spec(
        discord.Member,
        id=user_id,
        name=name,
        display_name=display_name or name,
        bot=bot,
        roles=[role(r) for r in roles],
        mention=f"<@{user_id}>",
    )


def bot_member() -> Any:
    return member(BOT_ID, "assistant", bot=True)


def posted(message_id: int | None = None) -> Any:
    """What ``send`` returns: a message with an id."""
    return spec(discord.Message, id=message_id if message_id is not None else next(_ids))


def webhook_message(message_id: int | None = None) -> Any:
    m = spec(discord.WebhookMessage, id=message_id if message_id is not None else next(_ids))
    return m


class _Typing:
    """Stands in for ``channel.typing()``: an async context manager that records use."""

    def __init__(self) -> None:
        self.entered = 0

    async def __aenter__(self) -> None:
        self.entered += 1

    async def __aexit__(self, *exc: object) -> None:
        return None


def _wire_send(channel: Any) -> Any:
    channel.send.side_effect = lambda *a, **kw: posted()
    if hasattr(type(channel), "typing") or "typing" in dir(channel):
        channel.typing.return_value = _Typing()
    return channel


def text_channel(
    channel_id: int, name: str, *, category_id: int | None = None, g: Any = None
) -> Any:
    ch = spec(
        discord.TextChannel,
        id=channel_id,
        name=name,
        category_id=category_id,
        guild=g or guild(),
        mention=f"<#{channel_id}>",
    )
    return _wire_send(ch)


def thread(channel_id: int, name: str, *, parent: Any = None, g: Any = None) -> Any:
    th = spec(
        discord.Thread,
        id=channel_id,
        name=name,
        category_id=getattr(parent, "category_id", None),
        guild=g or guild(),
        parent=parent,
        mention=f"<#{channel_id}>",
    )
    return _wire_send(th)


def dm_channel(channel_id: int) -> Any:
    return _wire_send(spec(discord.DMChannel, id=channel_id))


def message(
    message_id: int,
    author: Any,
    content: str,
    channel: Any,
    *,
    mentions: Sequence[Any] = (),
    at: datetime = T0,
    in_guild: bool = True,
) -> Any:
    m = spec(
        discord.Message,
        id=message_id,
        author=author,
        content=content,
        channel=channel,
        guild=channel.guild if in_guild else None,
        mentions=list(mentions),
        created_at=at,
        edited_at=None,
        reference=None,
        pinned=False,
        type=discord.MessageType.default,
    )
    m.reply.side_effect = lambda *a, **kw: posted()
    return m


def history(channel: Any, messages: Sequence[Any]) -> None:
    """Make ``channel.history(...)`` yield ``messages`` after the given ``after`` id."""

    def fake(
        *, limit: int | None = 100, after: Any = None, oldest_first: bool | None = None, **_: Any
    ) -> AsyncIterator[Any]:
        async def gen() -> AsyncIterator[Any]:
            chosen = [m for m in messages if after is None or m.id > after.id]
            chosen.sort(key=lambda m: m.id, reverse=not oldest_first)
            for m in chosen[:limit]:
                yield m

        return gen()

    channel.history.side_effect = fake


def interaction(
    channel: Any,
    user: Any,
    *,
    locale: discord.Locale = discord.Locale.american_english,
    interaction_id: int | None = None,
    at: datetime = T0,
) -> Any:
    it = spec(
        discord.Interaction,
        id=interaction_id if interaction_id is not None else next(_ids),
        channel=channel,
        channel_id=getattr(channel, "id", None),
        user=user,
        locale=locale,
        created_at=at,
        guild_id=GUILD_ID,
        guild=getattr(channel, "guild", None),
        command=None,
        response=spec(discord.InteractionResponse),
        followup=spec(discord.Webhook),
    )
    it.response.is_done.return_value = False
    it.followup.send.side_effect = lambda *a, **kw: webhook_message()
    return it


# --------------------------------------------------------------------------- service


class FakeDelivery(BaseModel):
    """Same fields as ``assistant.service.Delivery``."""

    seq: int
    incident_id: str
    action: Action
    delivered: bool = False
    external_id: str | None = None


class FakeService:
    """Records every call; ``handle`` answers with the next scripted list of actions."""

    def __init__(self) -> None:
        self.states: dict[str, IncidentState] = {}
        self.events: list[Event] = []
        self.outbox: list[FakeDelivery] = []
        self.script: list[list[Action]] = []
        self.tick_script: dict[str, list[Action]] = {}
        self.due: dict[str, datetime] = {}
        self.ticks: list[tuple[str, datetime]] = []
        self.marked: list[tuple[int, str | None]] = []
        self.last_processed: dict[str, str] = {}
        self.ensured: list[tuple[str, IncidentConfig | None]] = []
        self.drafts: list[tuple[str, StatusUpdate]] = []
        self.draft_script: list[Action] = []
        self.outside: list[tuple[str, str]] = []

    # scripting
    def add_incident(self, incident_id: str, *, lang: Lang = "en", title: str = "") -> None:
        self.states[incident_id] = IncidentState(
            id=incident_id, channel_id=incident_id, title=title, config=IncidentConfig(lang=lang)
        )

    def then(self, *actions: Action) -> None:
        self.script.append(list(actions))

    def store(self, incident_id: str, actions: Sequence[Action]) -> list[FakeDelivery]:
        new = [
            FakeDelivery(seq=len(self.outbox) + i + 1, incident_id=incident_id, action=a)
            for i, a in enumerate(actions)
        ]
        self.outbox.extend(new)
        return new

    # the service API
    async def handle(self, event: Event) -> list[FakeDelivery]:
        self.events.append(event)
        actions = self.script.pop(0) if self.script else []
        return self.store(event.incident_id, actions)

    async def run_due_ticks(self, incident_id: str, now: datetime) -> list[FakeDelivery]:
        self.ticks.append((incident_id, now))
        self.due[incident_id] = now + timedelta(minutes=15)
        return self.store(incident_id, self.tick_script.pop(incident_id, []))

    def next_due(self, incident_id: str) -> datetime | None:
        return self.due.get(incident_id)

    def state(self, incident_id: str) -> IncidentState | None:
        return self.states.get(incident_id)

    def open_incidents(self) -> list[IncidentState]:
        return [s for s in self.states.values() if s.is_open]

    def ensure_incident(
        self,
        incident_id: str,
        *,
        channel_id: str,
        guild_id: str | None = None,
        title: str = "",
        config: IncidentConfig | None = None,
    ) -> IncidentState:
        self.ensured.append((incident_id, config))
        if incident_id not in self.states:
            self.states[incident_id] = IncidentState(
                id=incident_id,
                channel_id=channel_id,
                guild_id=guild_id,
                title=title,
                config=config or IncidentConfig(),
            )
        return self.states[incident_id]

    def is_incident(self, incident_id: str) -> bool:
        return incident_id in self.states

    def pending_deliveries(self, incident_id: str | None = None) -> list[FakeDelivery]:
        return [
            d
            for d in self.outbox
            if not d.delivered and (incident_id is None or d.incident_id == incident_id)
        ]

    def mark_delivered(self, seq: int, external_id: str | None = None) -> None:
        self.marked.append((seq, external_id))
        for d in self.outbox:
            if d.seq == seq:
                d.delivered = True
                d.external_id = external_id

    def last_processed_message_id(self, channel_id: str) -> str | None:
        return self.last_processed.get(channel_id)

    def answer_outside(self, question: str, message_id: str, at: datetime) -> Answer:
        self.outside.append((question, message_id))
        ja = detect_one(question) == "ja"
        text = "指揮官の役割は…" if ja else "A commander decides and delegates."
        return Answer(at=at, in_reply_to=message_id, intent="guidance", text=text)


class DraftingService(FakeService):
    """A fake service that can also record approved /update drafts (``post_draft``)."""

    async def post_draft(self, incident_id: str, update: StatusUpdate) -> list[FakeDelivery]:
        self.drafts.append((incident_id, update))
        return self.store(incident_id, self.draft_script)


# --------------------------------------------------------------------------- context


class Harness:
    """A ``BotContext`` over the fake service and a table of fake channels."""

    def __init__(
        self, service: FakeService | None = None, settings: DiscordSettings | None = None
    ) -> None:
        self.service = service or FakeService()
        self.settings = settings or DiscordSettings(commander_role_id=ROLE_ID)
        self.channel_table: dict[int, Any] = {}
        self.wakes = 0
        self.deliverer = Deliverer(
            self.service,  # type: ignore[arg-type]
            self.channels,
            stakeholder_channel_id=self.settings.stakeholder_channel_id,
        )
        self.proposals = ProposalHandler(
            self.service,  # type: ignore[arg-type]
            self.deliverer,
            role_id=self.settings.commander_role_id,
        )
        self.listening = Listening(self.service, self.settings, self.config)  # type: ignore[arg-type]
        self.ctx = BotContext(
            service=self.service,  # type: ignore[arg-type]
            settings=self.settings,
            deliverer=self.deliverer,
            listening=self.listening,
            channels=self.channels,
            incident_config=self.config,
            clock=lambda: T0,
            bot_user_id=lambda: BOT_ID,
            wake_scheduler=self._wake,
        )

    def add(self, channel: Any) -> Any:
        self.channel_table[channel.id] = channel
        return channel

    async def channels(self, channel_id: int) -> Any:
        return self.channel_table.get(channel_id)

    def config(self) -> IncidentConfig:
        return IncidentConfig(bot_user_id=str(BOT_ID), bot_name="assistant")

    def config_ja(self) -> IncidentConfig:
        return self.config().model_copy(update={"lang": "ja"})

    def _wake(self) -> None:
        self.wakes += 1


def all_send_calls(*targets: Any) -> list[Any]:
    """Every send-like call made on the given fakes (channel.send, followup.send, reply)."""
    calls = []
    for t in targets:
        for attr in ("send", "reply", "send_message", "edit_message", "edit"):
            try:
                method = getattr(t, attr)
            except AttributeError:
                continue
            calls.extend(method.await_args_list)
    return calls


def assert_safe_mentions(calls: Iterable[Any]) -> None:
    """Every send carried the users-only allowed_mentions."""
    calls = list(calls)
    assert calls, "expected at least one send"
    for call in calls:
        am = call.kwargs.get("allowed_mentions")
        assert am is ALLOWED_MENTIONS or am == ALLOWED_MENTIONS, call
        assert am.everyone is False and am.roles is False and am.users is True


class EngineService(FakeService):
    """The fake service, but ``handle`` runs the real core engine on the incident's state.

    Shows that what the real core emits renders and routes correctly in Discord.
    """

    def __init__(self) -> None:
        super().__init__()
        from assistant.core.engine import Engine

        self.engine = Engine()

    async def handle(self, event: Event) -> list[FakeDelivery]:
        self.events.append(event)
        state = self.states[event.incident_id]
        return self.store(event.incident_id, self.engine.handle(state, event))
