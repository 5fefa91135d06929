"""The bot: a ``commands.AutoShardedBot`` subclass wired from its dependencies, and ``run_bot``.

Shaped like discord.py's advanced start-up example: dependencies come in as keyword
arguments, ``setup_hook`` loads the cogs, sets the command translator and syncs the tree,
then catches up on what happened while the bot was down before the gateway goes live.

Active/standby: with a ``leader`` (``assistant.lease.LeaseKeeper``) the bot connects to
Discord either way, but only the lease holder acts. A standby receives the gateway's events
and drops them (its caches stay warm), answers no command or button, posts nothing and runs
no schedule. When it takes the lease over it starts like a fresh bot: it reloads the state
from the store, reads back from Discord what the active missed, sends what was decided but
not sent (with the same nonces), and starts the schedule. Losing the lease reverses that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

import discord
from discord import app_commands
from discord.ext import commands

from assistant.adapters.discord.backfill import backfill
from assistant.adapters.discord.cogs import EXTENSIONS
from assistant.adapters.discord.context import BotContext
from assistant.adapters.discord.deliver import Deliverer
from assistant.adapters.discord.errors import BotConfigError, check_token, on_app_command_error
from assistant.adapters.discord.listening import Listening
from assistant.adapters.discord.port import ServicePort
from assistant.adapters.discord.proposals import ProposalHandler
from assistant.adapters.discord.render import ALLOWED_MENTIONS
from assistant.adapters.discord.scheduler import Scheduler
from assistant.adapters.discord.settings import DiscordSettings
from assistant.adapters.discord.translator import CommandTranslator
from assistant.adapters.discord.views import ProposalButton
from assistant.core.model import IncidentConfig

if TYPE_CHECKING:
    from assistant.adapters.metrics_http import MetricsServer

log = logging.getLogger(__name__)

# gateway events a standby still lets through: the connection's life, not the chat's
LIFECYCLE = frozenset({"connect", "disconnect", "ready", "resumed", "error"})


class Leader(Protocol):
    """Whether this process may act (``assistant.lease.LeaseKeeper``)."""

    @property
    def active(self) -> bool: ...
    def post_budget(self) -> float: ...
    async def run(
        self,
        on_active: Callable[[], Coroutine[Any, Any, None]],
        on_standby: Callable[[], Coroutine[Any, Any, None]],
        on_store_back: Callable[[], Coroutine[Any, Any, None]] | None = None,
    ) -> None: ...


class IncidentTree(app_commands.CommandTree[Any]):
    """The command tree: a standby answers no command (the active one does)."""

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        return bool(getattr(self.client, "acting", lambda: True)())


def utc_now() -> datetime:
    return datetime.now(UTC)


def bot_intents() -> discord.Intents:
    """Only what the bot uses. ``message_content`` and ``members`` are privileged."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.guild_reactions = True
    intents.message_content = True  # read the chat it summarises and the questions it answers
    intents.members = True  # names, roles (commander role) and thread joins
    intents.voice_states = True  # who sits in a linked incident voice channel
    return intents


class IncidentBot(commands.AutoShardedBot):
    """The incident assistant on Discord. Holds no incident state: the service does."""

    def __init__(
        self,
        *,
        service: ServicePort,
        settings: DiscordSettings,
        base_config: IncidentConfig | None = None,
        clock: Callable[[], datetime] = utc_now,
        extensions: Sequence[str] = EXTENSIONS,
        tree_cls: type[app_commands.CommandTree[Any]] = IncidentTree,
        leader: Leader | None = None,
    ) -> None:
        shards: dict[str, Any] = {"shard_count": settings.shard_count}
        if settings.shard_ids is not None:
            shards["shard_ids"] = list(settings.shard_ids)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(),
            allowed_mentions=ALLOWED_MENTIONS,
            help_command=None,
            tree_cls=tree_cls,
            **shards,
        )
        # discord.py makes the shards' queue only when the bot starts; one made now lets a
        # bot that never connected close cleanly (the start replaces it)
        self._AutoShardedClient__queue: asyncio.PriorityQueue[Any] = asyncio.PriorityQueue()
        self.service = service
        self.settings = settings
        self.base_config = base_config or IncidentConfig()
        self.clock = clock
        self.initial_extensions = tuple(extensions)
        self.leader = leader
        self.deliverer = Deliverer(
            service,
            self.channel_for,
            stakeholder_channel_id=settings.stakeholder_channel_id,
            budget=leader.post_budget if leader is not None else None,
        )
        # read by the persistent proposal buttons (views.ProposalButton) through the client
        self.proposals = ProposalHandler(
            service, self.deliverer, role_id=settings.commander_role_id
        )
        self.scheduler = Scheduler(
            service,
            self.deliverer,
            clock=clock,
            max_sleep=settings.scheduler_max_sleep,
            serves=settings.serves,
        )
        self.listening = Listening(service, settings, self.incident_config)
        self.context = BotContext(
            service=service,
            settings=settings,
            deliverer=self.deliverer,
            listening=self.listening,
            channels=self.channel_for,
            incident_config=self.incident_config,
            clock=clock,
            bot_user_id=lambda: self.user.id if self.user is not None else None,
            wake_scheduler=self.scheduler.wake,
        )
        self._scheduler_task: asyncio.Task[None] | None = None
        self._lease_task: asyncio.Task[None] | None = None
        self._catch_up_lock = asyncio.Lock()

    # ------------------------------------------------------------------ wiring
    def incident_config(self) -> IncidentConfig:
        """The server defaults, plus who the bot is (so the core never parses its posts)."""
        if self.user is None:
            return self.base_config.model_copy()
        return self.base_config.model_copy(
            update={"bot_user_id": str(self.user.id), "bot_name": self.user.name}
        )

    async def channel_for(self, channel_id: int) -> discord.abc.Messageable | None:
        channel = self.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.fetch_channel(channel_id)
            except (discord.NotFound, discord.Forbidden):
                return None
        return channel if isinstance(channel, discord.abc.Messageable) else None

    # ------------------------------------------------------------------ start-up
    async def setup_hook(self) -> None:
        await self.load_features()
        if self.leader is None:
            await self._start_acting()
        else:  # acts once it holds the lease: now, or when the active one is gone
            self._lease_task = asyncio.create_task(
                self.leader.run(self._start_acting, self._stop_acting, self._store_back)
            )

    def acting(self) -> bool:
        """Whether this process handles events and posts (it holds the lease, if any)."""
        return self.leader is None or self.leader.active

    async def _start_acting(self) -> None:
        """Begin as the active bot: fresh state, commands, catch-up, the schedule."""
        take_over = getattr(self.service, "take_over", None)
        if self.leader is not None and take_over is not None:
            take_over()  # what a previous holder cached or was wording is not ours
            log.info("this process is now the active bot")
        try:
            await self.sync_commands()
        except discord.HTTPException:
            log.exception("could not register the commands; they stay as they were")
        try:
            await self.catch_up()
        except discord.HTTPException:
            log.exception("catch-up failed; the next READY retries it")
        if self._scheduler_task is None or self._scheduler_task.done():
            self._scheduler_task = asyncio.create_task(self.scheduler.run_forever())

    async def _store_back(self) -> None:
        """The store was unreachable for a while and this bot kept the lease: read back
        what could not be recorded meanwhile, and send what is pending."""
        try:
            await self.catch_up()
        except discord.HTTPException:
            log.exception("catch-up after the store came back failed; the next READY retries")

    async def _stop_acting(self) -> None:
        """Another process holds the lease: stop the schedule, forget the cached state."""
        await self._stop_scheduler()
        stand_by = getattr(self.service, "stand_by", None)
        if stand_by is not None:
            stand_by()
        log.warning("this process is a standby now")

    async def _stop_scheduler(self) -> None:
        if self._scheduler_task is not None:
            self._scheduler_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._scheduler_task
            self._scheduler_task = None

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        """A standby drops every event but the connection's own (it handles nothing)."""
        if event_name in LIFECYCLE or event_name.startswith("shard_") or self.acting():
            super().dispatch(event_name, *args, **kwargs)

    async def catch_up(self) -> None:
        """Read what was missed in open incidents, then send what was decided but not sent.

        Runs before the gateway connects, and again on every READY: that covers the seconds
        between the first catch-up and the connection, and any gap after a reconnect. The
        service ignores messages it already has; the deliverer never sends a delivery twice.
        A standby does neither: the active one does.
        """
        if not self.acting():
            return
        async with self._catch_up_lock:
            await backfill(
                self.service,
                self.channel_for,
                self.deliverer,
                limit=self.settings.backfill_limit,
                serves=self.settings.serves,
            )

    async def on_ready(self) -> None:
        await self.catch_up()

    async def load_features(self) -> None:
        """Cogs, the command translator and the global error handler (no network)."""
        for extension in self.initial_extensions:
            await self.load_extension(extension)
        self.add_dynamic_items(ProposalButton)  # proposal buttons work across restarts
        await self.tree.set_translator(CommandTranslator())
        self.tree.error(on_app_command_error)

    async def sync_commands(self) -> None:
        """To each configured guild in development (instant), else globally."""
        if self.settings.dev_guild_sync and self.settings.guild_ids:
            for guild_id in self.settings.guild_ids:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
        else:
            await self.tree.sync()

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: the cogs' listeners handle messages."""

    def gateway_health(self) -> tuple[bool, str]:
        """For ``/healthz``: connected to the gateway and ready, with the heartbeat latency."""
        if self.is_closed():
            return False, "closed"
        if not self.is_ready():
            return False, "not connected"
        latency = self.latency
        return True, "connected" if math.isnan(latency) else f"connected, {latency * 1000:.0f} ms"

    async def close(self) -> None:
        if self._lease_task is not None:
            self._lease_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._lease_task
        await self._stop_scheduler()
        await super().close()


async def start_bot(
    bot: IncidentBot, token: str, metrics_server: MetricsServer | None = None
) -> None:
    """Run ``bot`` until it closes; a rejected token or intent is a ``BotConfigError``.

    With ``metrics_server``, ``/metrics`` and ``/healthz`` are served while the bot runs.
    """
    async with bot:
        if metrics_server is not None:
            metrics_server.checks = {**metrics_server.checks, "gateway": bot.gateway_health}
            metrics_server.metrics.watch_gateway(lambda: bot.latency)
            await metrics_server.start()
        try:
            await bot.start(token)
        except discord.LoginFailure as exc:
            raise BotConfigError(
                "Discord rejected the token (DISCORD_TOKEN): reset it on the Developer "
                "Portal's Bot page and update .env"
            ) from exc
        except discord.PrivilegedIntentsRequired as exc:
            raise BotConfigError(
                "Discord refused the privileged intents: enable Message Content Intent and "
                "Server Members Intent on the Developer Portal's Bot page"
            ) from exc
        finally:
            if metrics_server is not None:
                await metrics_server.stop()


async def run_bot(
    settings: DiscordSettings,
    service: ServicePort,
    *,
    base_config: IncidentConfig | None = None,
    metrics_server: MetricsServer | None = None,
    leader: Leader | None = None,
) -> None:
    """Entry point for ``incident-assistant run``."""
    token = check_token(settings.token.get_secret_value())
    bot = IncidentBot(service=service, settings=settings, base_config=base_config, leader=leader)
    await start_bot(bot, token, metrics_server)
