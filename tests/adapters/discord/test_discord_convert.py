"""Discord objects become core events with mentions rewritten and privileges derived."""

from __future__ import annotations

from discord_fakes import ROLE_ID, T0, interaction, member, message, text_channel

from assistant.adapters.discord import convert


def test_raw_mentions_become_account_names() -> None:
    """<@id> and <@!id> are rewritten to @name for users the message mentions."""
    alice, bob = member(1, "alice", display_name="Alice A"), member(2, "bob")
    ch = text_channel(100, "inc-db")
    msg = message(7, alice, "<@2> ロールバックお願いします <@!2>", ch, mentions=[bob])
    chat = convert.to_chat_message(msg)
    assert chat.content == "@bob ロールバックお願いします @bob"
    assert [u.name for u in chat.mentions] == ["bob"]
    assert chat.author.display_name == "Alice A"
    assert chat.id == "7" and chat.at == T0


def test_unknown_mention_ids_stay() -> None:
    """An id Discord did not resolve is left alone rather than guessed."""
    ch = text_channel(100, "inc-db")
    msg = message(8, member(1, "alice"), "ping <@999> please", ch)
    assert convert.to_chat_message(msg).content == "ping <@999> please"


def test_display_name_equal_to_name_is_dropped() -> None:
    """User.display_name is only kept when it says something new."""
    assert convert.to_user(member(3, "carol")).display_name is None


def test_command_is_privileged_with_the_commander_role() -> None:
    """A member holding the configured role sends privileged commands; others do not."""
    ch = text_channel(100, "inc-db")
    boss = member(4, "boss", roles=[ROLE_ID])
    it = interaction(ch, boss, interaction_id=55)
    cmd = convert.command(it, "phase", "100", role_id=ROLE_ID, args={"phase": "monitoring"})
    assert cmd.privileged is True
    assert cmd.interaction_id == "55" and cmd.args == {"phase": "monitoring"}
    plain = convert.command(interaction(ch, member(5, "eve")), "phase", "100", role_id=ROLE_ID)
    assert plain.privileged is False
    no_role = convert.command(it, "phase", "100", role_id=None)
    assert no_role.privileged is False
