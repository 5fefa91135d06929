"""A standby bot handles nothing and posts nothing; sharding keeps each process to its guilds."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from discord_fakes import T0, FakeService, Harness, text_channel

from assistant.adapters.discord.bot import IncidentBot, IncidentTree
from assistant.adapters.discord.deliver import Deliverer
from assistant.adapters.discord.scheduler import Scheduler
from assistant.adapters.discord.settings import DiscordSettings
from assistant.core.actions import Notice
from assistant.core.model import IncidentState


class Leader:
    """A lease keeper whose answer the test sets."""

    def __init__(self, active: bool) -> None:
        self.active = active

    def post_budget(self) -> float:
        return 5.0 if self.active else 0.0

    async def run(
        self,
        on_active: Callable[[], Awaitable[None]],
        on_standby: Callable[[], Awaitable[None]],
        on_store_back: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        return None


def _notice(incident_id: str) -> Notice:
    return Notice(at=T0, incident_id=incident_id, kind="ack", text="ok")


async def test_a_standby_dispatches_only_the_connection_s_own_events() -> None:
    """Chat events are dropped while standby and pass once active; READY always passes."""
    leader = Leader(active=False)
    bot = IncidentBot(service=FakeService(), settings=DiscordSettings(), leader=leader)  # type: ignore[arg-type]
    bot.loop = asyncio.get_running_loop()  # what starting the bot would set
    seen: list[str] = []

    async def on_message(*_: Any) -> None:
        seen.append("message")

    async def on_ready() -> None:
        seen.append("ready")

    bot.add_listener(on_message, "on_message")
    bot.add_listener(on_ready, "on_ready")
    bot.dispatch("message", object())
    bot.dispatch("ready")
    await _settle()
    assert seen == ["ready"]
    leader.active = True
    bot.dispatch("message", object())
    await _settle()
    assert seen == ["ready", "message"]
    assert isinstance(bot.tree, IncidentTree)
    await bot.close()


async def test_the_command_tree_refuses_interactions_while_standby() -> None:
    """Slash commands are left to the active bot."""
    leader = Leader(active=False)
    bot = IncidentBot(service=FakeService(), settings=DiscordSettings(), leader=leader)  # type: ignore[arg-type]
    assert await bot.tree.interaction_check(object()) is False  # type: ignore[arg-type]
    leader.active = True
    assert await bot.tree.interaction_check(object()) is True  # type: ignore[arg-type]
    await bot.close()


async def test_a_deliverer_without_budget_sends_nothing_and_keeps_it_pending() -> None:
    """With no time left on the lease nothing is sent and nothing is marked delivered."""
    h = Harness()
    h.service.add_incident("100")
    channel = h.add(text_channel(100, "inc-db"))
    leader = Leader(active=False)
    deliverer = Deliverer(h.service, h.channels, budget=leader.post_budget)  # type: ignore[arg-type]
    pending = h.service.store("100", [_notice("100")])
    await deliverer.deliver(pending)
    assert channel.send.await_count == 0 and h.service.marked == []
    leader.active = True
    await deliverer.deliver(pending)
    assert channel.send.await_count == 1 and [s for s, _ in h.service.marked] == [1]


def test_shards_serve_their_own_guilds() -> None:
    """A guild belongs to shard (id >> 22) % count; DMs (no guild) to shard 0."""
    guild = (123 << 22) + 7  # shard 123 % 4 = 3
    assert DiscordSettings(shard_ids=[3], shard_count=4).serves(str(guild))
    assert not DiscordSettings(shard_ids=[0, 1], shard_count=4).serves(str(guild))
    assert DiscordSettings(shard_ids=[0], shard_count=4).serves(None)
    assert DiscordSettings().serves(str(guild))


async def test_the_scheduler_ticks_only_this_process_s_guilds() -> None:
    """Incidents of guilds on other shards are another process's to tick."""
    h = Harness()
    mine, theirs = (1 << 22) * 4, (1 << 22) * 5  # shards 0 and 1 of 2
    for iid, guild in (("100", mine), ("200", theirs)):
        h.service.states[iid] = IncidentState(id=iid, channel_id=iid, guild_id=str(guild))
        h.service.due[iid] = T0
    settings = DiscordSettings(shard_ids=[0], shard_count=2)
    scheduler = Scheduler(h.service, h.deliverer, clock=lambda: T0, serves=settings.serves)  # type: ignore[arg-type]
    await scheduler.run_once()
    assert [iid for iid, _ in h.service.ticks] == ["100"]


async def _settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)
