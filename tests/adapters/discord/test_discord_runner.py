"""``incident-assistant run`` maps the app settings to the bot's and fails in one line."""

from __future__ import annotations

import io

from pydantic import SecretStr

from assistant.adapters.discord.runner import discord_settings, run_from_settings
from assistant.settings import Settings


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_app_settings_map_to_discord_settings() -> None:
    """Every Discord-related application setting reaches DiscordSettings."""
    s = _settings(
        discord_token=SecretStr("a.b.c"),
        discord_guild_ids=[1, 2],
        channel_patterns=["sev-*"],
        incident_category_ids=[3],
        incident_parent_channel_id=4,
        commander_role_id=5,
        stakeholder_channel_id=6,
    )
    d = discord_settings(s)
    assert d.token.get_secret_value() == "a.b.c"
    assert d.guild_ids == [1, 2] and d.dev_guild_sync is True
    assert d.channel_patterns == ["sev-*"] and d.category_ids == [3]
    assert (d.parent_channel_id, d.commander_role_id, d.stakeholder_channel_id) == (4, 5, 6)


def test_missing_token_exits_with_one_line() -> None:
    """No DISCORD_TOKEN: exit code 2 and a single 'error:' line, before opening any store."""
    err = io.StringIO()
    assert run_from_settings(_settings(discord_token=None), err=err) == 2
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: DISCORD_TOKEN is not set")
