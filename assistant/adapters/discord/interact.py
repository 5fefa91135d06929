"""The path every incident slash command takes: check the channel, defer, turn the
interaction into a core ``Command``, let the service decide, deliver what it returns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import discord

from assistant.adapters.discord import convert
from assistant.adapters.discord.context import BotContext
from assistant.adapters.discord.deliver import DeliveryReport
from assistant.adapters.discord.phrases import locale_lang, say
from assistant.adapters.discord.render import ALLOWED_MENTIONS
from assistant.core.events import CommandName

Interaction = discord.Interaction[Any]


async def refuse_outside_incident(interaction: Interaction) -> None:
    await interaction.response.send_message(
        say(locale_lang(interaction.locale), "dc_not_incident"),
        ephemeral=True,
        allowed_mentions=ALLOWED_MENTIONS,
    )


async def run_command(
    ctx: BotContext,
    interaction: Interaction,
    name: CommandName,
    args: Mapping[str, Any] | None = None,
    *,
    ephemeral: bool = True,
) -> DeliveryReport | None:
    """Run ``name`` in the incident of the interaction's channel.

    Replies meant for the user arrive as the interaction's follow-up; public results go to
    the incident channel; if nothing answered the user, a short private "Done." does.
    Returns ``None`` when the channel is not an incident.
    """
    incident_id = ctx.listening.incident_id_for(interaction.channel)
    if incident_id is None:
        await refuse_outside_incident(interaction)
        return None
    await interaction.response.defer(thinking=True, ephemeral=ephemeral)
    event = convert.command(
        interaction, name, incident_id, role_id=ctx.settings.commander_role_id, args=args
    )
    deliveries = await ctx.service.handle(event)
    report = await ctx.deliverer.deliver(deliveries, interaction=interaction, ping=True)
    if report.followups == 0 and not report.drafts:
        await interaction.followup.send(
            say(locale_lang(interaction.locale), "dc_done"),
            ephemeral=True,
            allowed_mentions=ALLOWED_MENTIONS,
        )
    ctx.wake_scheduler()
    return report
