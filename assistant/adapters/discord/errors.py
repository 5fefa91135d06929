"""Failures: a bad configuration stops the start with one clear line; a failing command gets
a friendly private reply and a log line naming the incident."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from assistant.adapters.discord.phrases import locale_lang, say
from assistant.adapters.discord.render import ALLOWED_MENTIONS

log = logging.getLogger(__name__)


class BotConfigError(Exception):
    """The bot cannot start with this configuration (token, intents). One line for humans."""


def check_token(token: str) -> str:
    """The token, stripped, or ``BotConfigError`` saying what is wrong with it."""
    token = token.strip()
    if not token:
        raise BotConfigError(
            "DISCORD_TOKEN is not set: put the bot token in the environment or in .env "
            "(see 'Running the live bot' in README.md)"
        )
    if token.count(".") != 2 or any(c.isspace() for c in token):
        raise BotConfigError(
            "DISCORD_TOKEN does not look like a bot token (expected three parts separated "
            "by dots): copy it again from the Developer Portal's Bot page"
        )
    return token


async def on_app_command_error(
    interaction: discord.Interaction[Any], error: app_commands.AppCommandError
) -> None:
    """Global handler for slash commands: log with the incident id, answer privately."""
    command = interaction.command.qualified_name if interaction.command else "?"
    log.error(
        "command /%s failed in incident %s (user %s)",
        command,
        interaction.channel_id,
        interaction.user.id,
        exc_info=error,
    )
    text = say(locale_lang(interaction.locale), "dc_error")
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=ALLOWED_MENTIONS)
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=ALLOWED_MENTIONS
            )
    except discord.HTTPException:
        log.exception("could not tell the user that /%s failed", command)
