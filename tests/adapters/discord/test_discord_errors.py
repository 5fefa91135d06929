"""A failing slash command gets a friendly private reply and a log line with the incident."""

from __future__ import annotations

import logging

import discord
import pytest
from discord import app_commands
from discord_fakes import assert_safe_mentions, interaction, member, text_channel

from assistant.adapters.discord.errors import on_app_command_error


async def test_error_before_reply_answers_privately_in_japanese(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Not yet answered: send_message, ephemeral, in the user's language; log has the id."""
    it = interaction(text_channel(100, "inc-a"), member(1, "alice"), locale=discord.Locale.japanese)
    with caplog.at_level(logging.ERROR):
        await on_app_command_error(it, app_commands.AppCommandError("boom"))
    call = it.response.send_message.await_args
    assert call.kwargs["ephemeral"] is True
    assert call.args[0].startswith("コマンドの処理中にエラー")
    assert "incident 100" in caplog.text
    assert_safe_mentions(it.response.send_message.await_args_list)


async def test_error_after_defer_uses_the_followup() -> None:
    """Already deferred: the apology goes through the follow-up, still ephemeral."""
    it = interaction(text_channel(100, "inc-a"), member(1, "alice"))
    it.response.is_done.return_value = True
    await on_app_command_error(it, app_commands.AppCommandError("boom"))
    call = it.followup.send.await_args
    assert call.kwargs["ephemeral"] is True and call.args[0].startswith("Something went wrong")
    it.response.send_message.assert_not_awaited()
