"""The bot's wiring: commands registered once with ja/en descriptions, intents, mentions,
tree sync target, and a clear error for a missing or rejected token."""

from __future__ import annotations

from collections import Counter
from typing import Any

import discord
import pytest
from discord import app_commands
from discord_fakes import FakeService

from assistant.adapters.discord.bot import IncidentBot, run_bot, start_bot
from assistant.adapters.discord.errors import BotConfigError
from assistant.adapters.discord.proposals import ProposalHandler
from assistant.adapters.discord.render import ALLOWED_MENTIONS
from assistant.adapters.discord.settings import DiscordSettings
from assistant.adapters.discord.translator import CommandTranslator
from assistant.adapters.discord.views import ProposalButton

EXPECTED = {
    "incident",
    "incident declare",
    "incident resolve",
    "incident postmortem",
    "phase",
    "commander",
    "assign",
    "release",
    "roster",
    "update",
    "ask",
}


class RecordingTree(app_commands.CommandTree[Any]):
    """A real command tree that records sync targets instead of calling Discord."""

    synced: list[int | None]

    async def sync(self, *, guild: discord.abc.Snowflake | None = None) -> list[Any]:
        self.synced = [*getattr(self, "synced", []), guild.id if guild else None]
        return []


def _bot(settings: DiscordSettings | None = None) -> IncidentBot:
    return IncidentBot(
        service=FakeService(),  # type: ignore[arg-type]
        settings=settings or DiscordSettings(),
        tree_cls=RecordingTree,
    )


async def test_every_command_is_registered_exactly_once() -> None:
    """Loading the cogs registers each slash command once, and nothing else."""
    bot = _bot()
    await bot.load_features()
    names = Counter(c.qualified_name for c in bot.tree.walk_commands())
    assert set(names) == EXPECTED
    assert all(n == 1 for n in names.values())
    await bot.close()


async def test_every_description_has_japanese_and_english() -> None:
    """The translator gives each command, group and option a ja and en-US description."""
    bot = _bot()
    await bot.load_features()
    translator = bot.tree.translator
    assert isinstance(translator, CommandTranslator)
    for command in bot.tree.get_commands():
        payload = await command.get_translated_payload(bot.tree, translator)
        _check_payload(payload)
    await bot.close()


def _check_payload(payload: dict[str, Any]) -> None:
    loc = payload.get("description_localizations", {})
    assert loc.get("ja") and loc.get("en-US"), payload["name"]
    assert loc["ja"] != loc["en-US"]
    assert len(loc["ja"]) <= 100 and len(payload["description"]) <= 100
    for option in payload.get("options", []):
        if option.get("type") in (1, 2):  # subcommand (group): check recursively
            _check_payload(option)
            continue
        loc = option.get("description_localizations", {})
        assert loc.get("ja") and loc.get("en-US"), (payload["name"], option["name"])
        for choice in option.get("choices", []):
            assert choice["name_localizations"].get("ja"), choice


async def test_japanese_translation_of_declare() -> None:
    """/incident declare reads in Japanese for a Japanese client."""
    bot = _bot()
    await bot.load_features()
    (group,) = [c for c in bot.tree.get_commands() if c.name == "incident"]
    assert bot.tree.translator is not None
    payload = await group.get_translated_payload(bot.tree, bot.tree.translator)
    declare = next(o for o in payload["options"] if o["name"] == "declare")
    assert declare["description_localizations"]["ja"].startswith("インシデントを宣言")
    await bot.close()


async def test_proposal_buttons_are_registered_for_clicks_after_a_restart() -> None:
    """load_features registers the persistent proposal button class with discord.py."""
    bot = _bot()
    registered: list[type] = []
    original = bot.add_dynamic_items

    def record(*items: Any) -> None:
        registered.extend(items)
        original(*items)

    bot.add_dynamic_items = record  # type: ignore[method-assign]
    await bot.load_features()
    assert ProposalButton in registered
    assert isinstance(bot.proposals, ProposalHandler)
    await bot.close()


def test_intents_and_allowed_mentions() -> None:
    """Privileged intents it needs are on; mentions are users only at the bot level too."""
    bot = _bot()
    assert bot.intents.message_content and bot.intents.members
    assert bot.intents.guild_messages and bot.intents.guild_reactions
    assert bot.intents.voice_states and bot.intents.guilds
    assert not bot.intents.presences  # not needed, not asked for
    assert bot.allowed_mentions is ALLOWED_MENTIONS


async def test_sync_to_dev_guilds_or_globally() -> None:
    """dev_guild_sync copies the commands to each configured guild; otherwise global sync."""
    dev = _bot(DiscordSettings(guild_ids=[1, 2], dev_guild_sync=True))
    await dev.load_features()
    await dev.sync_commands()
    assert dev.tree.synced == [1, 2]  # type: ignore[attr-defined]
    assert {c.qualified_name for c in dev.tree.get_commands(guild=discord.Object(id=1))} >= {
        "phase",
        "incident",
    }
    await dev.close()
    prod = _bot(DiscordSettings(guild_ids=[1], dev_guild_sync=False))
    await prod.load_features()
    await prod.sync_commands()
    assert prod.tree.synced == [None]  # type: ignore[attr-defined]
    await prod.close()


async def test_missing_token_is_a_one_line_config_error() -> None:
    """No token: BotConfigError naming DISCORD_TOKEN, before any network."""
    with pytest.raises(BotConfigError, match="DISCORD_TOKEN is not set") as info:
        await run_bot(DiscordSettings(), FakeService())  # type: ignore[arg-type]
    assert "\n" not in str(info.value)


async def test_malformed_token_is_rejected_before_connecting() -> None:
    """A token that is not three dot-separated parts is refused locally."""
    with pytest.raises(BotConfigError, match="does not look like a bot token"):
        await run_bot(DiscordSettings(token="not-a-token"), FakeService())  # type: ignore[arg-type]


class RejectedBot(IncidentBot):
    """Discord answers the login with 401."""

    async def start(self, token: str, *, reconnect: bool = True) -> None:
        raise discord.LoginFailure("Improper token has been passed.")


async def test_rejected_token_becomes_a_config_error() -> None:
    """discord.LoginFailure turns into BotConfigError with a hint, not a traceback."""
    bot = RejectedBot(service=FakeService(), settings=DiscordSettings())  # type: ignore[arg-type]
    with pytest.raises(BotConfigError, match="Discord rejected the token"):
        await start_bot(bot, "a.b.c")


async def test_no_guilds_means_global_sync() -> None:
    """Without guild ids the commands are synced globally even with the dev flag on."""
    bot = _bot(DiscordSettings())
    await bot.load_features()
    await bot.sync_commands()
    assert bot.tree.synced == [None]  # type: ignore[attr-defined]
    await bot.close()


def test_the_real_service_satisfies_the_port() -> None:
    """The lead's IncidentService has every method the adapter calls (checked by name)."""
    from assistant.adapters.discord.port import ServicePort
    from assistant.service import IncidentService

    wanted = [n for n in dir(ServicePort) if not n.startswith("_")]
    assert wanted and all(callable(getattr(IncidentService, n, None)) for n in wanted)


async def test_gateway_health_before_connecting() -> None:
    """/healthz's gateway check fails until the bot is connected and ready."""
    bot = _bot()
    assert bot.gateway_health() == (False, "not connected")
    await bot.close()
    assert bot.gateway_health() == (False, "closed")
