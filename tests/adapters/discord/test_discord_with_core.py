"""The adapter driven by the real core engine (the service itself is still a fake)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord_fakes import (
    BOT_ID,
    EngineService,
    Harness,
    all_send_calls,
    assert_safe_mentions,
    bot_member,
    interaction,
    member,
    message,
    text_channel,
    thread,
)

from assistant.adapters.discord.cogs.incident import IncidentCog
from assistant.adapters.discord.cogs.listen import ListenCog
from assistant.adapters.discord.cogs.phase import PhaseCog


async def _declared(locale: discord.Locale, title: str) -> tuple[Harness, object, object]:
    h = Harness(service=EngineService())
    parent = h.add(text_channel(100, "incidents"))
    th = h.add(thread(600, "inc", parent=parent))
    parent.create_thread.return_value = th
    it = interaction(parent, member(1, "alice"), locale=locale)
    cog = IncidentCog(h.ctx)
    await cog.declare.callback(cog, it, title, "SEV1")
    return h, th, it


async def test_declare_posts_the_investigating_update_in_english() -> None:
    """Real core: /incident declare posts an [Investigating] embed and records the commander."""
    h, th, it = await _declared(discord.Locale.american_english, "Checkout errors")
    state = h.service.states["600"]
    assert state.commander is not None and state.commander.name == "alice"
    embed = th.send.await_args.kwargs["embed"]  # type: ignore[attr-defined]
    assert embed.title.startswith("[Investigating]")
    assert_safe_mentions(all_send_calls(th, it))


async def test_declare_in_japanese_posts_the_japanese_prefix() -> None:
    """A Japanese incident (language set to ja) opens with 【調査中】."""
    h = Harness(service=EngineService())
    parent = h.add(text_channel(100, "incidents"))
    th = h.add(thread(601, "inc", parent=parent))
    parent.create_thread.return_value = th
    h.ctx.incident_config = h.config_ja
    it = interaction(parent, member(1, "alice"), locale=discord.Locale.japanese)
    cog = IncidentCog(h.ctx)
    await cog.declare.callback(cog, it, "決済エラー", None)
    assert th.send.await_args.kwargs["embed"].title.startswith("【調査中】")


async def test_non_commander_phase_change_is_refused_by_the_core() -> None:
    """Real core: someone else's /phase is refused privately and changes nothing."""
    h, th, _ = await _declared(discord.Locale.american_english, "Checkout errors")
    posts = th.send.await_count  # type: ignore[attr-defined]
    it = interaction(th, member(3, "eve"))
    cog = PhaseCog(h.ctx)
    await cog.phase.callback(cog, it, app_commands.Choice(name="Resolved", value="resolved"))
    assert h.service.states["600"].phase == "investigating"
    assert it.followup.send.await_args.kwargs["ephemeral"] is True
    assert th.send.await_count == posts  # type: ignore[attr-defined]


async def test_commander_phase_change_posts_a_prefixed_update() -> None:
    """Real core: the commander's /phase posts an update titled with the new phase."""
    h, th, _ = await _declared(discord.Locale.american_english, "Checkout errors")
    cog = PhaseCog(h.ctx)
    it = interaction(th, member(1, "alice"))
    await cog.phase.callback(cog, it, app_commands.Choice(name="Mitigating", value="mitigating"))
    assert th.send.await_args.kwargs["embed"].title.startswith("[Mitigating]")  # type: ignore[attr-defined]


async def test_mention_is_answered_by_the_core() -> None:
    """Real core: a mention in the incident thread gets a reply to that message."""
    h, th, _ = await _declared(discord.Locale.american_english, "Checkout errors")
    msg = message(
        77, member(2, "bob"), f"<@{BOT_ID}> what is the status?", th, mentions=[bot_member()]
    )
    await ListenCog(h.ctx).on_message(msg)
    call = th.send.await_args  # type: ignore[attr-defined]
    assert call.kwargs["reference"].message_id == 77
    assert_safe_mentions([call])
