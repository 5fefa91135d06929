"""/commander, /assign, /release, /roster: the declarative roster from slash commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from assistant.adapters.discord.context import BotContext
from assistant.adapters.discord.convert import to_user
from assistant.adapters.discord.interact import run_command
from assistant.adapters.discord.translator import L

if TYPE_CHECKING:
    from assistant.adapters.discord.bot import IncidentBot

Interaction = discord.Interaction[Any]


class RosterCog(commands.Cog):
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    @app_commands.command(name="commander", description=L("commander"))
    @app_commands.guild_only()
    @app_commands.describe(user=L("param.user"))
    async def commander(self, interaction: Interaction, user: discord.Member) -> None:
        await run_command(self.ctx, interaction, "commander", {"user": to_user(user)})

    @app_commands.command(name="assign", description=L("assign"))
    @app_commands.guild_only()
    @app_commands.describe(user=L("param.user"), task=L("param.task"), purpose=L("param.purpose"))
    async def assign(
        self,
        interaction: Interaction,
        user: discord.Member,
        task: app_commands.Range[str, 1, 300],
        purpose: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        args = {"user": to_user(user), "task": task, "purpose": purpose}
        await run_command(self.ctx, interaction, "assign", args)

    @app_commands.command(name="release", description=L("release"))
    @app_commands.guild_only()
    @app_commands.describe(user=L("param.user"))
    async def release(self, interaction: Interaction, user: discord.Member) -> None:
        await run_command(self.ctx, interaction, "release", {"user": to_user(user)})

    @app_commands.command(name="roster", description=L("roster"))
    @app_commands.guild_only()
    async def roster(self, interaction: Interaction) -> None:
        await run_command(self.ctx, interaction, "roster")


async def setup(bot: IncidentBot) -> None:
    await bot.add_cog(RosterCog(bot.context))
