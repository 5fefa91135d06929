"""/phase: the commander sets the incident phase (the core refuses anyone else)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from assistant.adapters.discord.context import BotContext
from assistant.adapters.discord.interact import run_command
from assistant.adapters.discord.translator import L
from assistant.core.model import Phase

if TYPE_CHECKING:
    from assistant.adapters.discord.bot import IncidentBot

PHASE_CHOICES = [app_commands.Choice(name=L(f"choice.{p.value}"), value=p.value) for p in Phase]


class PhaseCog(commands.Cog):
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    @app_commands.command(name="phase", description=L("phase"))
    @app_commands.guild_only()
    @app_commands.describe(phase=L("param.phase"))
    @app_commands.choices(phase=PHASE_CHOICES)
    async def phase(
        self, interaction: discord.Interaction[Any], phase: app_commands.Choice[str]
    ) -> None:
        await run_command(self.ctx, interaction, "phase", {"phase": phase.value})


async def setup(bot: IncidentBot) -> None:
    await bot.add_cog(PhaseCog(bot.context))
