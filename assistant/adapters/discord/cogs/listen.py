"""Listening in incident channels: messages, edits, deletions, reactions, people joining.

Everything here becomes a core event; a mention of the bot is just a message the core
answers. Nothing is decided here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from assistant.adapters.discord import convert
from assistant.adapters.discord.context import BotContext
from assistant.core.events import Event

if TYPE_CHECKING:
    from assistant.adapters.discord.bot import IncidentBot

_CHAT_TYPES = (discord.MessageType.default, discord.MessageType.reply)


class ListenCog(commands.Cog):
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    async def _feed(self, event: Event) -> None:
        deliveries = await self.ctx.service.handle(event)
        await self.ctx.deliverer.deliver(deliveries)
        self.ctx.wake_scheduler()

    def _known(self, channel_id: int) -> str | None:
        incident_id = str(channel_id)
        return incident_id if self.ctx.service.is_incident(incident_id) else None

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or message.type not in _CHAT_TYPES:
            return
        incident_id = self.ctx.listening.incident_id_for(message.channel)
        if incident_id is None:
            return
        event = convert.message_posted(message, incident_id)
        bot_id = self.ctx.bot_user_id()
        if bot_id is not None and any(u.id == bot_id for u in message.mentions):
            async with message.channel.typing():  # the answer may take an LLM round trip
                await self._feed(event)
        else:
            await self._feed(event)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        incident_id = self._known(payload.channel_id)
        if incident_id is not None and "content" in payload.data:
            await self._feed(convert.message_edited(payload.message, incident_id))

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        incident_id = self._known(payload.channel_id)
        if incident_id is not None:
            await self._feed(
                convert.message_deleted(payload.message_id, incident_id, self.ctx.clock())
            )

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        incident_id = self._known(payload.channel_id)
        if incident_id is None or payload.member is None:
            return
        await self._feed(
            convert.reaction_added(
                payload.message_id, payload.member, payload.emoji, incident_id, self.ctx.clock()
            )
        )

    @commands.Cog.listener()
    async def on_thread_member_join(self, member: discord.ThreadMember) -> None:
        incident_id = self._known(member.thread.id)
        who = member.thread.guild.get_member(member.id)
        if incident_id is not None and who is not None:
            await self._feed(convert.member_joined(who, incident_id, self.ctx.clock()))

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        links = self.ctx.settings.voice_links
        was = before.channel.id if before.channel is not None else None
        now = after.channel.id if after.channel is not None else None
        if was == now:
            return
        if was in links and (incident_id := self._known(links[was])) is not None:
            await self._feed(convert.member_left(member, incident_id, self.ctx.clock()))
        if now in links and (incident_id := self._known(links[now])) is not None:
            await self._feed(convert.member_joined(member, incident_id, self.ctx.clock()))


async def setup(bot: IncidentBot) -> None:
    await bot.add_cog(ListenCog(bot.context))
