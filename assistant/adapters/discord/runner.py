"""``incident-assistant run``: settings -> app -> bot, with one-line errors.

The CLI calls ``run_from_settings``; nothing here runs at import time.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import TYPE_CHECKING, TextIO

import discord
from pydantic import SecretStr

from assistant.adapters.discord.bot import run_bot
from assistant.adapters.discord.errors import BotConfigError, check_token
from assistant.adapters.discord.settings import DiscordSettings
from assistant.lease import LeaseKeeper

if TYPE_CHECKING:
    from assistant.settings import Settings


def discord_settings(settings: Settings) -> DiscordSettings:
    """The Discord part of the application settings."""
    return DiscordSettings(
        token=settings.discord_token or SecretStr(""),
        guild_ids=list(settings.discord_guild_ids),
        dev_guild_sync=settings.discord_dev_guild_sync,
        channel_patterns=list(settings.channel_patterns),
        category_ids=list(settings.incident_category_ids),
        parent_channel_id=settings.incident_parent_channel_id,
        commander_role_id=settings.commander_role_id,
        stakeholder_channel_id=settings.stakeholder_channel_id,
        voice_links=dict(settings.voice_links),
        shard_ids=list(settings.shard_ids) if settings.shard_ids is not None else None,
        shard_count=settings.shard_count,
    )


def run_from_settings(settings: Settings, *, err: TextIO = sys.stderr) -> int:
    """Run the bot until it stops. Returns the process exit code."""
    from assistant.app import build_app

    config = discord_settings(settings)
    try:
        check_token(config.token.get_secret_value())  # before opening any store
    except BotConfigError as exc:
        print(f"error: {exc}", file=err)
        return 2
    discord.utils.setup_logging(level=logging.INFO, root=True)
    if settings.discord_api_base:  # a Discord API proxy (or a test server)
        discord.http.Route.BASE = settings.discord_api_base.rstrip("/")
    app = build_app(settings, with_metrics=True, standby=True)  # writes once it holds the lease
    if app.knowledge is not None:  # load the encoder now: a standby takes over warm, and the
        app.knowledge.search("warm-up", k=1)  # first answer does not stall the lease's heartbeat
    keeper = LeaseKeeper(app.store, settings.lease(), takeover_s=settings.takeover_seconds)
    server = None
    if app.metrics is not None and settings.metrics_port is not None:
        from assistant.adapters.metrics_http import MetricsServer
        from assistant.app import health_checks

        checks = {**health_checks(app.store, app.knowledge), "lease": keeper.health}
        server = MetricsServer(app.metrics, checks, settings.metrics_host, settings.metrics_port)
    try:
        asyncio.run(
            run_bot(
                config,
                app.service,
                base_config=settings.incident_defaults(),
                metrics_server=server,
                leader=keeper,
            )
        )
    except BotConfigError as exc:
        print(f"error: {exc}", file=err)
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        keeper.release()
        app.close()
    return 0
