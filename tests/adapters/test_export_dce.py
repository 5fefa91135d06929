"""The DiscordChatExporter importer: message kinds, mentions, reactions, ordering, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from assistant.adapters.export_dce import ChannelExport, ExportError, load_export, parse_export
from assistant.core.events import (
    Event,
    MemberJoined,
    MemberLeft,
    MessagePinned,
    MessagePosted,
    ReactionAdded,
)
from assistant.core.model import User

CHANNEL = "1300000000000000001"
T0 = datetime(2025, 3, 14, 1, 0, 0, tzinfo=UTC)


def user(uid: str, name: str, nickname: str | None = None, *, bot: bool = False) -> dict[str, Any]:
    """A user object as the exporter writes it (nickname falls back to the name)."""
    return {
        "id": uid,
        "name": name,
        "discriminator": "0000",
        "nickname": nickname or name,
        "color": None,
        "isBot": bot,
        "roles": [],
        "avatarUrl": "https://cdn.discordapp.com/embed/avatars/0.png",
    }


SATO = user("11", "sato", "佐藤")
TANAKA = user("12", "tanaka", "田中")
BOB = user("13", "bob")
BOT = user("19", "incident-assistant", bot=True)
OTHER_BOT = user("18", "deploy-bot", bot=True)


def msg(
    mid: str,
    content: str = "",
    *,
    author: dict[str, Any] = SATO,
    kind: str = "Default",
    seconds: float = 0,
    **extra: Any,
) -> dict[str, Any]:
    """A message object; ``seconds`` is the offset from T0."""
    at = T0 + timedelta(seconds=seconds)
    data: dict[str, Any] = {
        "id": mid,
        "type": kind,
        "timestamp": at.isoformat(timespec="milliseconds"),
        "timestampEdited": None,
        "callEndedTimestamp": None,
        "isPinned": False,
        "content": content,
        "author": author,
        "attachments": [],
        "embeds": [],
        "stickers": [],
        "reactions": [],
        "mentions": [],
    }
    data.update(extra)
    return data


def export(*messages: dict[str, Any]) -> dict[str, Any]:
    """A whole export around ``messages``."""
    return {
        "guild": {"id": "1200", "name": "Example Ops", "iconUrl": ""},
        "channel": {
            "id": CHANNEL,
            "type": "GuildPublicThread",
            "categoryId": "1250",
            "category": "incidents",
            "name": "inc-checkout",
            "topic": "checkout errors",
        },
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2025-03-14T05:00:00.000+00:00",
        "messages": list(messages),
        "messageCount": len(messages),
    }


def posted(result: ChannelExport) -> list[MessagePosted]:
    return [e for e in result.events if isinstance(e, MessagePosted)]


def reaction(emoji: str, *users: dict[str, Any]) -> dict[str, Any]:
    return {
        "emoji": {"id": "", "name": emoji, "code": "x", "isAnimated": False, "imageUrl": ""},
        "count": len(users),
        "users": list(users),
    }


# --------------------------------------------------------------------------- chat messages


def test_default_message_becomes_message_posted_with_channel_metadata() -> None:
    """A Default message is posted with author, nickname, UTC time and the channel as incident."""
    result = parse_export(export(msg("100", "障害対応を開始します", seconds=5)))

    assert (result.channel_id, result.incident_id, result.channel_name) == (
        CHANNEL,
        CHANNEL,
        "inc-checkout",
    )
    assert (result.guild_id, result.guild_name) == ("1200", "Example Ops")
    assert (result.category, result.topic, result.message_count) == (
        "incidents",
        "checkout errors",
        1,
    )
    [event] = posted(result)
    assert event.incident_id == CHANNEL
    assert event.at == T0 + timedelta(seconds=5)
    assert event.message.at.tzinfo is not None
    assert event.message.id == "100"
    assert event.message.content == "障害対応を開始します"
    assert event.message.author == User(id="11", name="sato", display_name="佐藤")


def test_nickname_equal_to_name_is_not_a_display_name() -> None:
    """The exporter repeats the name as nickname when there is none: no display name then."""
    [event] = posted(parse_export(export(msg("100", "ack", author=BOB))))
    assert event.message.author.display_name is None
    assert event.message.author.label == "bob"


def test_at_name_mentions_stay_and_mentions_list_is_kept() -> None:
    """``@name`` text (the exporter's default) is left as is; mentions[] users are attached."""
    text = "@tanaka DBのスロークエリを調べてください。目的は原因の切り分けです"
    [event] = posted(parse_export(export(msg("100", text, mentions=[TANAKA]))))
    assert event.message.content == text
    assert [u.name for u in event.message.mentions] == ["tanaka"]
    assert event.message.mentions[0].display_name == "田中"


def test_raw_mentions_are_rewritten_to_account_names() -> None:
    """Raw ``<@id>`` and ``<@!id>`` become ``@name`` and the user joins the mentions."""
    data = export(
        msg("100", "joining", author=BOB),
        msg("101", "<@13> please own the rollback, goal: restore checkout", seconds=1),
        msg("102", "<@!12> ログを見てください", seconds=2, mentions=[TANAKA]),
    )
    events = posted(parse_export(data))
    assert events[1].message.content == "@bob please own the rollback, goal: restore checkout"
    assert [u.id for u in events[1].message.mentions] == ["13"]
    assert events[2].message.content == "@tanaka ログを見てください"
    assert [u.id for u in events[2].message.mentions] == ["12"]


def test_raw_mention_of_unknown_user_is_left_alone() -> None:
    """An id no author or mention names cannot be resolved, so the text keeps it."""
    [event] = posted(parse_export(export(msg("100", "<@999> are you there?"))))
    assert event.message.content == "<@999> are you there?"
    assert event.message.mentions == []


def test_reply_edit_and_pin_are_carried_over() -> None:
    """Reply reference, edit time and the pinned flag reach the ChatMessage."""
    data = export(
        msg("100", "error rate is 9%"),
        msg(
            "101",
            "そのグラフは東京リージョンだけです",
            author=TANAKA,
            kind="Reply",
            seconds=3,
            reference={"messageId": "100", "channelId": CHANNEL, "guildId": "1200"},
            timestampEdited="2025-03-14T01:00:30.000+00:00",
            isPinned=True,
        ),
    )
    reply = posted(parse_export(data))[1].message
    assert reply.reply_to == "100"
    assert reply.edited_at == T0 + timedelta(seconds=30)
    assert reply.pinned is True


def test_slash_command_and_thread_starter_with_text_are_posted() -> None:
    """ChatInputCommand and a ThreadStarterMessage with text are chat; an empty starter is not."""
    data = export(
        msg("100", "Started incident", author=BOT, kind="ChatInputCommand"),
        msg("101", "checkout is down", kind="ThreadStarterMessage", seconds=1),
        msg("102", "", kind="ThreadStarterMessage", seconds=2),
        msg("103", "roster", author=BOT, kind="ContextMenuCommand", seconds=3),
    )
    assert [e.message.id for e in posted(parse_export(data))] == ["100", "101", "103"]


def test_numeric_kinds_from_older_exporters_are_understood() -> None:
    """A kind printed as a number ("19" = Reply, "1" = RecipientAdd) maps to its name."""
    data = export(
        msg("100", "hi"),
        msg("101", "yes", kind="19", seconds=1, reference={"messageId": "100"}),
        msg("102", "Added", kind="1", seconds=2, mentions=[BOB]),
    )
    result = parse_export(data)
    assert [type(e).__name__ for e in result.events] == [
        "MessagePosted",
        "MessagePosted",
        "MemberJoined",
    ]


# --------------------------------------------------------------------------- system messages


def test_recipient_add_is_member_joined_added_by_author() -> None:
    """ "X added Y to the thread" joins Y, added by X, with the message as source."""
    result = parse_export(
        export(msg("100", "Added tanaka to the thread.", kind="RecipientAdd", mentions=[TANAKA]))
    )
    [event] = result.events
    assert isinstance(event, MemberJoined)
    assert event.user.name == "tanaka"
    assert event.added_by is not None and event.added_by.name == "sato"
    assert event.source_id == "100"


def test_recipient_add_without_mentions_joins_the_author() -> None:
    """With no mentioned user, the author joined by themself (no added_by)."""
    [event] = parse_export(export(msg("100", kind="RecipientAdd", author=BOB))).events
    assert isinstance(event, MemberJoined)
    assert event.user.name == "bob"
    assert event.added_by is None


def test_recipient_remove_and_guild_join() -> None:
    """RecipientRemove is MemberLeft of the mentioned user; GuildMemberJoin joins the author."""
    data = export(
        msg("100", "Removed", kind="RecipientRemove", mentions=[TANAKA]),
        msg("101", "Joined the server.", kind="GuildMemberJoin", author=BOB, seconds=1),
    )
    left, joined = parse_export(data).events
    assert isinstance(left, MemberLeft) and left.user.name == "tanaka"
    assert isinstance(joined, MemberJoined) and joined.user.name == "bob"
    assert joined.source_id == "101"


def test_pinned_message_notice_is_message_pinned() -> None:
    """ChannelPinnedMessage names the pinned message through its reference."""
    data = export(
        msg("100", "【原因特定】設定変更が原因です"),
        msg(
            "101",
            "Pinned a message.",
            kind="ChannelPinnedMessage",
            seconds=1,
            reference={"messageId": "100", "channelId": CHANNEL},
        ),
    )
    pinned = parse_export(data).events[1]
    assert isinstance(pinned, MessagePinned)
    assert (pinned.message_id, pinned.by.name) == ("100", "sato")


def test_other_system_kinds_are_ignored_without_content() -> None:
    """ThreadCreated, ChannelNameChange, Call and unknown kinds give no events, content optional."""
    bare = msg("100", kind="ThreadCreated")
    del bare["content"]
    data = export(
        bare,
        msg("101", "renamed", kind="ChannelNameChange", seconds=1),
        msg("102", kind="Call", seconds=2, content=None),
        msg("103", "?", kind="SomethingNew", seconds=3),
    )
    result = parse_export(data)
    assert result.events == []
    assert result.message_count == 4


# --------------------------------------------------------------------------- reactions, order


def test_reactions_are_placed_at_the_next_message_time_after_it() -> None:
    """A reaction has no time: it takes the next message's time and comes right after it."""
    data = export(
        msg("100", "rollback done", reactions=[reaction("👍", TANAKA, BOB)]),
        msg("101", "確認します", author=TANAKA, seconds=10),
        msg("102", "ok", author=BOB, seconds=20),
    )
    events = parse_export(data).events
    kinds = [(type(e).__name__, e.at) for e in events]
    assert kinds == [
        ("MessagePosted", T0),
        ("MessagePosted", T0 + timedelta(seconds=10)),
        ("ReactionAdded", T0 + timedelta(seconds=10)),
        ("ReactionAdded", T0 + timedelta(seconds=10)),
        ("MessagePosted", T0 + timedelta(seconds=20)),
    ]
    first = events[2]
    assert isinstance(first, ReactionAdded)
    assert (first.message_id, first.user.name, first.emoji) == ("100", "tanaka", "👍")


def test_reactions_on_the_last_message_use_its_own_time() -> None:
    """With no later message, the reaction takes the reacted message's time."""
    data = export(msg("100", "resolved", seconds=5, reactions=[reaction("✅", BOB)]))
    events = parse_export(data).events
    assert [type(e).__name__ for e in events] == ["MessagePosted", "ReactionAdded"]
    assert events[1].at == T0 + timedelta(seconds=5)


def test_reactions_without_users_are_skipped() -> None:
    """Older exports list only the count: nothing to replay, and no error."""
    legacy = {"emoji": {"name": "👀"}, "count": 2}
    result = parse_export(export(msg("100", "hi", reactions=[legacy])))
    assert [type(e).__name__ for e in result.events] == ["MessagePosted"]


def test_events_are_sorted_by_time_and_stable_for_ties() -> None:
    """Out-of-order messages are sorted; equal timestamps keep the export's order."""
    data = export(
        msg("103", "third", seconds=9),
        msg("101", "first-a", seconds=1),
        msg("102", "first-b", seconds=1),
        msg("100", "zero", seconds=0),
    )
    assert [e.message.id for e in posted(parse_export(data))] == ["100", "101", "102", "103"]


def test_reaction_timing_follows_time_order_not_file_order() -> None:
    """In a newest-first export, "next message" still means the next one in time."""
    data = export(
        msg("101", "later", seconds=10),
        msg("100", "earlier", seconds=0, reactions=[reaction("👀", BOB)]),
    )
    events = parse_export(data).events
    assert [type(e).__name__ for e in events] == ["MessagePosted", "MessagePosted", "ReactionAdded"]
    assert events[2].at == T0 + timedelta(seconds=10)


def test_timestamps_keep_the_exporters_offset() -> None:
    """Offsets, seven fractional digits and a missing offset all give aware times; the
    exporter's offset is kept (people read local times), a missing one means UTC."""
    data = export(
        msg("100", "a", timestamp="2025-03-14T10:00:00.1234567+09:00"),
        msg("101", "b", timestamp="2025-03-14T01:00:01Z"),
        msg("102", "c", timestamp="2025-03-14T01:00:02"),
    )
    times = [e.at for e in parse_export(data).events]
    assert times == [
        T0 + timedelta(microseconds=123456),
        T0 + timedelta(seconds=1),
        T0 + timedelta(seconds=2),
    ]
    assert [t.utcoffset() for t in times] == [timedelta(hours=9), timedelta(0), timedelta(0)]


def test_duplicate_message_ids_are_kept_once() -> None:
    """A doubled message (overlapping exports pasted together) is replayed once."""
    data = export(msg("100", "one"), msg("100", "one"), msg("101", "two", seconds=1))
    assert [e.message.id for e in posted(parse_export(data))] == ["100", "101"]


# --------------------------------------------------------------------------- users, bots


def test_users_and_bot_candidates() -> None:
    """Users lists authors and mentioned users; bot candidates are mentioned bots, most first."""
    data = export(
        msg("100", "@deploy-bot status", mentions=[OTHER_BOT]),
        msg("101", "@incident-assistant should we roll back?", seconds=1, mentions=[BOT]),
        msg("102", "@incident-assistant ロールバックすべき？", seconds=2, mentions=[BOT, TANAKA]),
        msg("103", "ok", author=BOB, seconds=3),
    )
    result = parse_export(data)
    assert set(result.users) == {"11", "12", "13", "18", "19"}
    assert [u.name for u in result.bot_candidates] == ["incident-assistant", "deploy-bot"]
    assert result.users["19"].is_bot


def test_empty_channel_has_no_events() -> None:
    """An export with no messages is valid and yields nothing to replay."""
    result = parse_export(export())
    assert (result.events, result.message_count, result.bot_candidates) == ([], 0, [])


def test_events_validate_as_core_models() -> None:
    """Events built without validation equal what pydantic builds from their own dump."""
    data = export(
        msg("100", "<@12> 調べてください", mentions=[TANAKA], reactions=[reaction("👍", BOB)]),
        msg("101", "Added", kind="RecipientAdd", seconds=1, mentions=[BOB]),
        msg("102", "Pin", kind="ChannelPinnedMessage", seconds=2, reference={"messageId": "100"}),
        msg("103", "bye", kind="RecipientRemove", seconds=3, author=BOB),
    )
    adapter: TypeAdapter[Event] = TypeAdapter(Event)
    for event in parse_export(data).events:
        assert adapter.validate_python(event.model_dump()) == event


def test_load_export_reads_a_utf8_file_with_bom(tmp_path: Path) -> None:
    """The file loader accepts UTF-8 with or without a byte-order mark."""
    path = tmp_path / "export.json"
    text = json.dumps(export(msg("100", "【調査中】決済が失敗しています")), ensure_ascii=False)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = load_export(path)
    assert result.path == str(path)
    assert posted(result)[0].message.content == "【調査中】決済が失敗しています"


# --------------------------------------------------------------------------- errors


def error_of(data: object) -> ExportError:
    with pytest.raises(ExportError) as info:
        parse_export(data, path="chan.json")
    assert "\n" not in str(info.value)
    return info.value


def test_missing_file(tmp_path: Path) -> None:
    """A missing file is named in a one-line error."""
    path = tmp_path / "nope.json"
    with pytest.raises(ExportError, match="file not found") as info:
        load_export(path)
    assert str(info.value).startswith(str(path))


def test_directory_and_undecodable_bytes(tmp_path: Path) -> None:
    """A directory or a file that is not UTF-8 is an ExportError, not an OSError."""
    with pytest.raises(ExportError, match="directory"):
        load_export(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"a": "\xff\xfe"}')
    with pytest.raises(ExportError, match="not UTF-8"):
        load_export(bad)


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    """A JSON syntax error gives the line and column."""
    path = tmp_path / "broken.json"
    path.write_text('{\n  "channel": {"id": "1"},\n  "messages": [,]\n}', encoding="utf-8")
    with pytest.raises(ExportError, match=r"invalid JSON at line 3, column 16"):
        load_export(path)


def test_json_too_deep_or_number_too_long(tmp_path: Path) -> None:
    """Pathological JSON (deep nesting, a 5,000-digit number) is still an ExportError."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(ExportError):
        load_export(deep)
    long = tmp_path / "long.json"
    long.write_text('{"channel": {"id": ' + "9" * 5000 + '}, "messages": []}', encoding="utf-8")
    with pytest.raises(ExportError):
        load_export(long)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ([1, 2], "the top level is a list"),
        ({"messages": []}, "no 'channel' object"),
        ({"channel": {"id": "1"}, "messages": {}}, "no 'messages' list"),
        ({"channel": {"name": "x"}, "messages": []}, "'channel' has no 'id'"),
        ("hello", "the top level is a string"),
    ],
)
def test_not_an_export(data: object, why: str) -> None:
    """JSON that is not a DiscordChatExporter export says so and why."""
    text = str(error_of(data))
    assert text.startswith(f"chan.json: not a DiscordChatExporter export ({why}")
    assert text.endswith(")")


def _without(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    """``data`` with a (dotted) key removed."""
    copy = json.loads(json.dumps(data))
    target = copy
    *parents, last = keys
    for key in parents:
        target = target[key]
    del target[last]
    return copy


GOOD = msg("200", "@bob rollback, goal: restore", mentions=[BOB], reactions=[reaction("👍", BOB)])


@pytest.mark.parametrize(
    ("bad", "field", "problem"),
    [
        (_without(GOOD, "author", "name"), "author.name", "is missing"),
        ({**GOOD, "author": {**SATO, "name": None}}, "author.name", "is null, expected a string"),
        ({**GOOD, "author": None}, "author", "is null"),
        (_without(GOOD, "author"), "author", "is missing"),
        (_without(GOOD, "type"), "type", "is missing"),
        ({**GOOD, "type": ["Default"]}, "type", "is a list, expected a string"),
        (_without(GOOD, "timestamp"), "timestamp", "is missing"),
        ({**GOOD, "timestamp": "yesterday"}, "timestamp", "is not an ISO-8601 timestamp"),
        ({**GOOD, "timestamp": 1700000000}, "timestamp", "is a number"),
        ({**GOOD, "timestampEdited": "soon"}, "timestampEdited", "is not an ISO-8601"),
        (_without(GOOD, "content"), "content", "is missing"),
        ({**GOOD, "content": 42}, "content", "is a number, expected a string"),
        ({**GOOD, "isPinned": "yes"}, "isPinned", "is a string, expected true or false"),
        ({**GOOD, "mentions": [{"name": "bob"}]}, "mentions[0].id", "is missing"),
        ({**GOOD, "mentions": "bob"}, "mentions", "is a string, expected a list"),
        ({**GOOD, "reference": "200"}, "reference", "is a string, expected an object"),
        ({**GOOD, "reactions": [{"emoji": {}}]}, "reactions[0].emoji.name", "is missing"),
        ({**GOOD, "author": {**SATO, "isBot": "no"}}, "author.isBot", "is a string"),
    ],
)
def test_bad_field_names_message_index_id_and_field(
    bad: dict[str, Any], field: str, problem: str
) -> None:
    """A bad field gives one line: file, messages[index] (id …), the field path and the problem."""
    err = error_of(export(msg("100", "ok"), bad))
    assert err.path == "chan.json"
    assert err.where == "messages[1] (id 200)"
    assert err.field == field
    assert str(err).startswith(f"chan.json: messages[1] (id 200): field '{field}' {problem}")


@pytest.mark.parametrize("bad_id", [["200"], None, "", True, 10**30, -5])
def test_bad_message_id_names_the_index_only(bad_id: object) -> None:
    """Without a usable id the error names the message by its index."""
    bad = {**GOOD, "id": bad_id}
    err = error_of(export(bad))
    assert err.where == "messages[0]"
    assert err.field == "id"
    assert str(err).startswith("chan.json: messages[0]: field 'id' ")


def test_message_that_is_not_an_object() -> None:
    """A message that is a string, not an object, is named by index."""
    err = error_of(export(msg("100", "ok"), "hello"))  # type: ignore[arg-type]
    assert str(err) == "chan.json: messages[1]: is a string, expected a message object"


def test_integer_ids_are_accepted() -> None:
    """Hand-written exports may use numbers for ids; they become strings."""
    data = export(msg(100, "ok", author={**BOB, "id": 13}))  # type: ignore[arg-type]
    [event] = posted(parse_export(data))
    assert (event.message.id, event.message.author.id) == ("100", "13")


def test_error_quoting_a_value_stays_on_one_line() -> None:
    """A bad value with newlines or control characters is escaped in the message."""
    err = error_of(export({**GOOD, "timestamp": "2025\n03\x00"}))
    assert "\n" not in str(err) and "\x00" not in str(err)
