"""Restart without loss: read what was missed, then deliver what was never sent.

For each open incident, the channel history after the last processed message is fed to the
service oldest first (the service ignores messages it already has). What that produces is
stored in the outbox like everything else; afterwards every pending delivery, old or new, is
delivered once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import discord

from assistant.adapters.discord import convert
from assistant.adapters.discord.deliver import ChannelLookup, Deliverer
from assistant.adapters.discord.port import ServicePort

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackfillReport:
    incidents: int
    messages: int
    delivered: int


async def backfill(
    service: ServicePort,
    channels: ChannelLookup,
    deliverer: Deliverer,
    *,
    limit: int = 1000,
    serves: Callable[[str | None], bool] = lambda guild_id: True,
) -> BackfillReport:
    """``serves``: whether a guild is this process's (its shards'); other incidents are
    another process's to read and post."""
    incidents = messages = 0
    for state in [s for s in service.open_incidents() if serves(s.guild_id)]:
        channel_id = state.channel_id or state.id
        channel = await channels(int(channel_id)) if channel_id.isdigit() else None
        if channel is None:
            log.warning("backfill: incident %s has no reachable channel", state.id)
            continue
        incidents += 1
        after_id = service.last_processed_message_id(channel_id)
        after = discord.Object(id=int(after_id)) if after_id else None
        try:
            async for message in channel.history(limit=limit, after=after, oldest_first=True):
                await service.handle(convert.message_posted(message, state.id))
                messages += 1
        except discord.HTTPException:
            log.exception("backfill: reading history of incident %s failed", state.id)
    pending = [
        d
        for d in service.pending_deliveries()
        if serves(getattr(service.state(d.incident_id), "guild_id", None))
    ]
    report = await deliverer.deliver(pending)
    log.info(
        "backfill: %d incidents, %d messages read, %d posts sent",
        incidents,
        messages,
        len(report.sent),
    )
    return BackfillReport(incidents=incidents, messages=messages, delivered=len(report.sent))
