"""Chat in, answers out: message -> event -> service -> delivery -> Discord call."""

from __future__ import annotations

from typing import Any

from discord_fakes import (
    BOT_ID,
    T0,
    Harness,
    assert_safe_mentions,
    bot_member,
    dm_channel,
    member,
    message,
    posted,
    text_channel,
)

from assistant.adapters.discord.cogs.ask import AskCog
from assistant.adapters.discord.cogs.listen import ListenCog
from assistant.adapters.discord.deliver import nonce_for
from assistant.core.actions import Flag, Reply
from assistant.core.events import MessagePosted
from assistant.core.model import Answer, User


def _answer(text: str, reply_to: str) -> Reply:
    return Reply(
        at=T0,
        incident_id="100",
        answer=Answer(at=T0, in_reply_to=reply_to, intent="status", text=text),
    )


async def test_mention_in_incident_channel_is_answered_in_reply() -> None:
    """A mention becomes MessagePosted; the core's Reply is posted as a reply, marked sent."""
    h = Harness()
    h.service.add_incident("100", lang="ja")
    ch = h.add(text_channel(100, "inc-payments"))
    alice = member(1, "alice")
    msg = message(42, alice, f"<@{BOT_ID}> 今の状況は？", ch, mentions=[bot_member()])
    h.service.then(_answer("【調査中】決済エラーを調査しています。", "42"))
    ch.send.side_effect = None
    ch.send.return_value = posted(777)

    await ListenCog(h.ctx).on_message(msg)

    (event,) = h.service.events
    assert isinstance(event, MessagePosted)
    assert ch.typing.return_value.entered == 1  # "typing…" while the core answers
    assert event.message.content == "@assistant 今の状況は？"
    assert event.message.mentions[0].is_bot
    ch.send.assert_awaited_once()
    kwargs = ch.send.await_args.kwargs
    assert kwargs["content"] == "【調査中】決済エラーを調査しています。"
    assert kwargs["reference"].message_id == 42
    assert kwargs["nonce"] == nonce_for(1, "100") == "ia1-100"
    assert_safe_mentions(ch.send.await_args_list)
    assert h.service.marked == [(1, "777")]
    assert h.service.outbox[0].delivered


async def test_pattern_channel_becomes_an_incident_on_first_message() -> None:
    """A channel named like inc-* is registered with the bot's identity in its config."""
    h = Harness()
    ch = h.add(text_channel(200, "inc-login"))
    await ListenCog(h.ctx).on_message(message(43, member(1, "alice"), "login fails", ch))
    ((incident_id, config),) = h.service.ensured
    assert incident_id == "200"
    assert config is not None and config.bot_user_id == str(BOT_ID)
    assert h.service.events[0].incident_id == "200"


async def test_category_channel_is_an_incident() -> None:
    """A channel under a configured category counts even without a matching name."""
    from assistant.adapters.discord.settings import DiscordSettings

    h = Harness(settings=DiscordSettings(category_ids=[55]))
    ch = h.add(text_channel(201, "payments-down", category_id=55))
    await ListenCog(h.ctx).on_message(message(44, member(1, "alice"), "help", ch))
    assert [e.incident_id for e in h.service.events] == ["201"]


async def test_other_channels_are_ignored() -> None:
    """Ordinary channels produce no events and no posts."""
    h = Harness()
    ch = h.add(text_channel(300, "general"))
    await ListenCog(h.ctx).on_message(message(45, member(1, "alice"), "lunch?", ch))
    assert h.service.events == [] and h.service.ensured == []
    ch.send.assert_not_awaited()


async def test_flag_from_the_core_is_posted_with_the_assignee_pinged() -> None:
    """A Flag delivery pings the idle assignee and nobody else."""
    h = Harness()
    h.service.add_incident("100")
    ch = h.add(text_channel(100, "inc-payments"))
    bob = User(id="2", name="bob")
    h.service.then(
        Flag(
            at=T0,
            incident_id="100",
            reason="idle",
            users=[bob],
            text="@bob any news on the rollback?",
            mention=[bob],
        )
    )
    await ListenCog(h.ctx).on_message(message(46, member(1, "alice"), "hi", ch))
    assert ch.send.await_args.kwargs["content"] == "<@2> @bob any news on the rollback?"
    assert_safe_mentions(ch.send.await_args_list)


async def test_mention_outside_incidents_gets_an_onboarding_answer() -> None:
    """Outside incidents the service answers without an incident, in the question's language."""
    h = Harness()
    ch = h.add(text_channel(300, "general"))
    msg = message(
        47, member(1, "alice"), f"<@{BOT_ID}> 指揮官は何をする？", ch, mentions=[bot_member()]
    )
    await AskCog(h.ctx).on_message(msg)
    assert h.service.outside == [("指揮官は何をする？", "47")]
    assert msg.reply.await_args.kwargs["content"] == "指揮官の役割は…"
    assert h.service.events == []
    msg.reply.assert_awaited_once()
    assert_safe_mentions(msg.reply.await_args_list)


async def test_direct_message_is_answered_in_english() -> None:
    """A DM needs no mention; an English question gets an English answer."""
    h = Harness()
    dm = dm_channel(400)
    msg = message(48, member(1, "alice"), "what does a commander do?", dm, in_guild=False)
    await AskCog(h.ctx).on_message(msg)
    assert h.service.outside == [("what does a commander do?", "48")]
    assert msg.reply.await_args.kwargs["content"] == "A commander decides and delegates."


async def test_mention_in_incident_is_left_to_the_listener() -> None:
    """The ask cog does not answer a mention inside an incident (the core does)."""
    h = Harness()
    h.service.add_incident("100")
    ch = h.add(text_channel(100, "inc-payments"))
    msg = message(49, member(1, "alice"), f"<@{BOT_ID}> status?", ch, mentions=[bot_member()])
    await AskCog(h.ctx).on_message(msg)
    assert h.service.outside == []
    msg.reply.assert_not_awaited()


async def test_edits_deletes_and_reactions_reach_the_core() -> None:
    """Raw edit/delete/reaction events in an incident become the matching core events."""
    import discord
    from discord_fakes import spec

    h = Harness()
    h.service.add_incident("100")
    ch = h.add(text_channel(100, "inc-payments"))
    cog = ListenCog(h.ctx)
    edited = message(50, member(1, "alice"), "rollback done <@2>", ch, mentions=[member(2, "bob")])
    edit: Any = spec(
        discord.RawMessageUpdateEvent, channel_id=100, data={"content": "x"}, message=edited
    )
    await cog.on_raw_message_edit(edit)
    delete: Any = spec(discord.RawMessageDeleteEvent, channel_id=100, message_id=50)
    await cog.on_raw_message_delete(delete)
    react: Any = spec(
        discord.RawReactionActionEvent,
        channel_id=100,
        message_id=50,
        member=member(2, "bob"),
        emoji=discord.PartialEmoji(name="✅"),
    )
    await cog.on_raw_reaction_add(react)
    kinds = [e.kind for e in h.service.events]
    assert kinds == ["message_edited", "message_deleted", "reaction_added"]
    assert h.service.events[0].content == "rollback done @bob"  # type: ignore[union-attr]
    assert h.service.events[2].emoji == "✅"  # type: ignore[union-attr]
