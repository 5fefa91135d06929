"""/incident declare, /incident resolve and /incident postmortem.

Declaring opens a public thread under the configured parent channel (or the channel the
command ran in); with categories configured and no parent channel it opens a new channel in
the first category instead. The new place is registered with the service, and the core
records the commander and composes the first update.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from assistant.adapters.discord import convert
from assistant.adapters.discord.context import BotContext
from assistant.adapters.discord.interact import refuse_outside_incident, run_command
from assistant.adapters.discord.phrases import locale_lang, say
from assistant.adapters.discord.port import PostmortemDrafter
from assistant.adapters.discord.render import ALLOWED_MENTIONS, clip
from assistant.adapters.discord.translator import L
from assistant.core.model import Lang
from assistant.core.postmortem_render import brief
from assistant.core.texts import t

if TYPE_CHECKING:
    from assistant.adapters.discord.bot import IncidentBot

Interaction = discord.Interaction[Any]
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: incidents can run long
LANGUAGE_CHOICES = [
    app_commands.Choice(name=L("choice.ja"), value="ja"),
    app_commands.Choice(name=L("choice.en"), value="en"),
]


def incident_name(title: str, at: datetime) -> str:
    """``inc-MMDD-HHMM title``: matches the default ``inc-*`` pattern, sorts by time."""
    return clip(f"inc-{at:%m%d-%H%M} {title}".strip(), 100)


class IncidentCog(commands.Cog):
    incident = app_commands.Group(name="incident", description=L("incident"), guild_only=True)

    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    @incident.command(name="declare", description=L("incident.declare"))
    @app_commands.describe(title=L("param.title"), severity=L("param.severity"))
    async def declare(
        self,
        interaction: Interaction,
        title: app_commands.Range[str, 1, 90],
        severity: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        lang = locale_lang(interaction.locale)
        await interaction.response.defer(thinking=True)
        channel = await self._open_channel(interaction, title)
        if channel is None:
            await interaction.followup.send(
                say(lang, "dc_cannot_open"), ephemeral=True, allowed_mentions=ALLOWED_MENTIONS
            )
            return
        incident_id = str(channel.id)
        self.ctx.service.ensure_incident(
            incident_id,
            channel_id=incident_id,
            guild_id=str(interaction.guild_id) if interaction.guild_id else None,
            title=title,
            config=self.ctx.incident_config(),
        )
        event = convert.command(
            interaction,
            "declare",
            incident_id,
            role_id=self.ctx.settings.commander_role_id,
            args={"title": title, "severity": severity},
        )
        deliveries = await self.ctx.service.handle(event)
        await self.ctx.deliverer.deliver(deliveries, ping=True)
        await interaction.followup.send(
            say(lang, "dc_declared", channel=channel.mention), allowed_mentions=ALLOWED_MENTIONS
        )
        self.ctx.wake_scheduler()

    async def _open_channel(
        self, interaction: Interaction, title: str
    ) -> discord.Thread | discord.TextChannel | None:
        settings = self.ctx.settings
        name = incident_name(title, interaction.created_at)
        reason = f"incident declared by {interaction.user.name}"
        guild = interaction.guild
        if settings.parent_channel_id is None and settings.category_ids and guild is not None:
            category = guild.get_channel(settings.category_ids[0])
            if isinstance(category, discord.CategoryChannel):
                return await guild.create_text_channel(name, category=category, reason=reason)
        parent: object = interaction.channel
        if settings.parent_channel_id is not None:
            parent = await self.ctx.channels(settings.parent_channel_id)
        if isinstance(parent, discord.Thread):
            parent = parent.parent
        if not isinstance(parent, discord.TextChannel):
            return None
        thread = await parent.create_thread(
            name=name,
            type=discord.ChannelType.public_thread,
            auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            reason=reason,
        )
        await thread.add_user(interaction.user)
        return thread

    @incident.command(name="resolve", description=L("incident.resolve"))
    @app_commands.describe(note=L("param.note"))
    async def resolve(
        self, interaction: Interaction, note: app_commands.Range[str, 1, 300] | None = None
    ) -> None:
        await run_command(self.ctx, interaction, "resolve", {"note": note} if note else {})

    @incident.command(name="postmortem", description=L("incident.postmortem"))
    @app_commands.describe(language=L("param.language"), services=L("param.services"))
    @app_commands.choices(language=LANGUAGE_CHOICES)
    async def postmortem(
        self,
        interaction: Interaction,
        language: app_commands.Choice[str] | None = None,
        services: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        """The draft as a file plus its brief, in the channel; refused to non-commanders."""
        lang = locale_lang(interaction.locale)
        incident_id = self.ctx.listening.incident_id_for(interaction.channel)
        if incident_id is None:
            await refuse_outside_incident(interaction)
            return
        service = self.ctx.service
        if not isinstance(service, PostmortemDrafter):
            await _private(interaction, say(lang, "dc_postmortem_unavailable"))
            return
        privileged = convert.holds_role(interaction.user, self.ctx.settings.commander_role_id)
        if not service.may_command(incident_id, str(interaction.user.id), privileged=privileged):
            await _private(interaction, t(lang, "refusal"))
            return
        await interaction.response.defer(thinking=True)  # the LLM may take a while
        names = [n.strip() for n in (services or "").split(",") if n.strip()]
        chosen: Lang | None = None
        if language is not None:
            chosen = "ja" if language.value == "ja" else "en"
        draft = await service.postmortem(incident_id, lang=chosen, services=names)
        if draft is None:
            await interaction.followup.send(
                say(lang, "dc_not_incident"), ephemeral=True, allowed_mentions=ALLOWED_MENTIONS
            )
            return
        file = discord.File(io.BytesIO(draft.markdown.encode("utf-8")), filename=draft.filename)
        await interaction.followup.send(
            clip(brief(draft.postmortem), 2000), file=file, allowed_mentions=ALLOWED_MENTIONS
        )


async def _private(interaction: Interaction, text: str) -> None:
    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=ALLOWED_MENTIONS)


async def setup(bot: IncidentBot) -> None:
    await bot.add_cog(IncidentCog(bot.context))
