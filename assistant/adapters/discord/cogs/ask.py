"""/ask, and questions asked by mentioning the bot outside incidents or in a DM.

Inside an incident a question is an incident command (the core answers from the incident's
state). Elsewhere the service answers onboarding questions without an incident.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from assistant.adapters.discord.context import BotContext
from assistant.adapters.discord.interact import run_command
from assistant.adapters.discord.render import render_answer
from assistant.adapters.discord.translator import L
from assistant.core.lang import detect_one

if TYPE_CHECKING:
    from assistant.adapters.discord.bot import IncidentBot

Interaction = discord.Interaction[Any]


def strip_bot_mention(content: str, bot_id: int) -> str:
    return re.sub(rf"<@!?{bot_id}>", "", content).strip()


class AskCog(commands.Cog):
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    @app_commands.command(name="ask", description=L("ask"))
    @app_commands.describe(question=L("param.question"))
    async def ask(
        self, interaction: Interaction, question: app_commands.Range[str, 1, 1000]
    ) -> None:
        if self.ctx.listening.is_incident_channel(interaction.channel):
            await run_command(self.ctx, interaction, "ask", {"question": question}, ephemeral=False)
            return
        await interaction.response.defer(thinking=True)
        lang = detect_one(question)
        answer = self.ctx.service.answer_outside(
            question, str(interaction.id), interaction.created_at
        )
        await interaction.followup.send(**render_answer(answer, lang).send_kwargs())

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        bot_id = self.ctx.bot_user_id()
        if bot_id is None or message.author.bot:
            return
        if message.guild is not None:
            mentioned = any(u.id == bot_id for u in message.mentions)
            if not mentioned or self.ctx.listening.is_incident_channel(message.channel):
                return  # in an incident the listener feeds the mention to the core
        question = strip_bot_mention(message.content, bot_id)
        if not question:
            return
        lang = detect_one(question)
        answer = self.ctx.service.answer_outside(question, str(message.id), message.created_at)
        out = render_answer(answer, lang)
        await message.reply(**out.send_kwargs())


async def setup(bot: IncidentBot) -> None:
    await bot.add_cog(AskCog(bot.context))
