"""Import a DiscordChatExporter JSON export (one channel or thread) as core events.

DiscordChatExporter (Tyrrrz/DiscordChatExporter, ``--format Json``) writes one object with
``guild``, ``channel`` and ``messages[]``; each message has ``id``, ``type`` (the message kind
as a word, e.g. ``"Default"``, ``"Reply"``, ``"RecipientAdd"``, or a number in a string for
kinds the exporter version did not name), ``timestamp``, ``timestampEdited``, ``isPinned``,
``content``, ``author``, ``mentions[]``, ``reactions[]`` and an optional ``reference``.

Every problem with the input becomes one ``ExportError`` whose message is a single line naming
the file, the place (``messages[12] (id 1234)``) and the field (``author.name``). Nothing else
escapes, whatever the input. Values are checked by hand, once (``export_dce_checks``), so the
core models are built with ``model_construct`` and 10,000 messages load in a fraction of a
second.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.adapters.export_dce_checks import (
    ExportError,
    Place,
    id_value,
    kind_of,
    not_export,
    opt_bool,
    opt_id,
    opt_str,
    reason,
    req_id,
    req_str,
    req_time,
    shape_problem,
    time_value,
)
from assistant.core.events import (
    Event,
    MemberJoined,
    MemberLeft,
    MessagePinned,
    MessagePosted,
    ReactionAdded,
)
from assistant.core.model import ChatMessage, User

__all__ = ["ChannelExport", "ExportError", "load_export", "parse_export"]

# Kinds that carry chat text. ThreadStarterMessage repeats the parent message: chat if it has text.
_CHAT_KINDS = frozenset({"Default", "Reply", "ChatInputCommand", "ContextMenuCommand"})
_STARTER = "ThreadStarterMessage"
# Discord's numeric message types (Discord API docs, "Message Types"); an exporter prints the
# number when its own enum has no name for the kind.
_KIND_NAMES = {
    name.lower(): name
    for name in (
        "Default",
        "RecipientAdd",
        "RecipientRemove",
        "Call",
        "ChannelNameChange",
        "ChannelIconChange",
        "ChannelPinnedMessage",
        "GuildMemberJoin",
        "ThreadCreated",
        "Reply",
        "ChatInputCommand",
        "ThreadStarterMessage",
        "ContextMenuCommand",
    )
}
_KIND_NUMBERS = {
    0: "Default",
    1: "RecipientAdd",
    2: "RecipientRemove",
    3: "Call",
    4: "ChannelNameChange",
    5: "ChannelIconChange",
    6: "ChannelPinnedMessage",
    7: "GuildMemberJoin",
    18: "ThreadCreated",
    19: "Reply",
    20: "ChatInputCommand",
    21: "ThreadStarterMessage",
    23: "ContextMenuCommand",
}
_RAW_MENTION = re.compile(r"<@!?(\d{1,20})>")


@dataclass(frozen=True, slots=True)
class ChannelExport:
    """One exported channel (or thread), turned into the core's events."""

    path: str
    guild_id: str | None
    guild_name: str | None
    channel_id: str
    channel_name: str
    category: str | None
    topic: str | None
    incident_id: str  # the channel id
    message_count: int
    users: dict[str, User]  # every author and mentioned user, by id (first appearance wins)
    bot_candidates: list[User]  # mentioned bots, the most mentioned first
    events: list[Event]  # timestamp order, export order for equal timestamps


# --------------------------------------------------------------------------- entry points


def load_export(path: str | Path) -> ChannelExport:
    """Read and convert the export at ``path``; any problem is an ``ExportError``."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ExportError(name, "file not found") from None
    except IsADirectoryError:
        raise ExportError(name, "is a directory, not an export file") from None
    except (OSError, ValueError) as exc:
        raise ExportError(name, f"cannot read the file ({reason(exc)})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExportError(name, f"not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(
            name, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise ExportError(name, "invalid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer literal with too many digits
        raise ExportError(name, f"invalid JSON: {reason(exc)}") from None
    return parse_export(data, path=name)


def parse_export(data: object, *, path: str = "<export>") -> ChannelExport:
    """Convert an already-decoded export; any problem is an ``ExportError``."""
    if not isinstance(data, dict):
        raise not_export(path, f"the top level is {kind_of(data)}, expected an object")
    channel = data.get("channel")
    messages = data.get("messages")
    if not isinstance(channel, dict):
        raise not_export(path, "no 'channel' object")
    if not isinstance(messages, list):
        raise not_export(path, "no 'messages' list")
    if "id" not in channel or channel["id"] is None:
        raise not_export(path, "'channel' has no 'id'")
    top = Place(path, None, None)
    channel_id = id_value(channel["id"], top, "channel.id")
    guild = data.get("guild")
    if guild is not None and not isinstance(guild, dict):
        top.fail("guild", f"is {kind_of(guild)}, expected an object")
    guild = guild or {}

    parsed: list[_Message] = []
    seen: set[str] = set()
    users: dict[str, User] = {}
    user_cache: dict[tuple[str, str, str | None, bool], User] = {}
    for index, item in enumerate(messages):
        msg = _read_message(item, index, path, user_cache)
        if msg.id in seen:  # an overlapping or doubled export: keep the first copy
            continue
        seen.add(msg.id)
        parsed.append(msg)
        users.setdefault(msg.author.id, msg.author)
        for user in msg.mentions:
            users.setdefault(user.id, user)

    parsed.sort(key=_by_time)  # stable: equal timestamps keep export order
    return ChannelExport(
        path=path,
        guild_id=opt_id(guild, "id", top, "guild.id"),
        guild_name=opt_str(guild, "name", top, "guild.name"),
        channel_id=channel_id,
        channel_name=opt_str(channel, "name", top, "channel.name") or "",
        category=opt_str(channel, "category", top, "channel.category"),
        topic=opt_str(channel, "topic", top, "channel.topic"),
        incident_id=channel_id,
        message_count=len(messages),
        users=users,
        bot_candidates=_bot_candidates(parsed),
        events=_events(parsed, channel_id, users),
    )


# --------------------------------------------------------------------------- messages


@dataclass(slots=True)
class _Message:
    index: int
    id: str
    kind: str
    at: datetime
    edited_at: datetime | None
    pinned: bool
    content: str
    author: User
    mentions: list[User]
    ref_id: str | None
    reactions: list[tuple[str, list[User]]]


def _by_time(msg: _Message) -> datetime:
    return msg.at


def _read_message(
    item: object, index: int, path: str, cache: dict[tuple[str, str, str | None, bool], User]
) -> _Message:
    place = Place(path, index, None)
    if not isinstance(item, dict):
        place.fail(None, f"is {kind_of(item)}, expected a message object")
    msg_id = req_id(item, "id", place, "id")
    place.msg_id = msg_id
    kind = _kind(item, place)
    at = req_time(item, "timestamp", place, "timestamp")
    edited = item.get("timestampEdited")
    edited_at = None if edited is None else time_value(edited, place, "timestampEdited")
    pinned = opt_bool(item, "isPinned", place, "isPinned")
    chat = kind in _CHAT_KINDS
    if chat:
        content = req_str(item, "content", place, "content")
    else:
        content = opt_str(item, "content", place, "content") or ""
    author_raw = item.get("author")
    if author_raw is None:
        place.fail("author", "is missing" if "author" not in item else "is null")
    author = _user(author_raw, place, "author", cache)
    mentions = _users(item.get("mentions"), place, "mentions", cache)
    ref = item.get("reference")
    ref_id = None
    if ref is not None:
        if not isinstance(ref, dict):
            place.fail("reference", f"is {kind_of(ref)}, expected an object")
        ref_id = opt_id(ref, "messageId", place, "reference.messageId")
    return _Message(
        index=index,
        id=msg_id,
        kind=kind,
        at=at,
        edited_at=edited_at,
        pinned=pinned,
        content=content,
        author=author,
        mentions=mentions,
        ref_id=ref_id,
        reactions=_reactions(item.get("reactions"), place, cache),
    )


def _kind(item: dict[str, Any], place: Place) -> str:
    if "type" not in item or item["type"] is None:
        place.fail("type", "is missing" if "type" not in item else "is null")
    value = item["type"]
    if isinstance(value, bool) or not isinstance(value, str | int):
        place.fail("type", f"is {kind_of(value)}, expected a string")
    if isinstance(value, int):
        return _KIND_NUMBERS.get(value, "Unknown")
    text = value.strip()
    if text.isascii() and text.isdigit() and len(text) < 6:
        return _KIND_NUMBERS.get(int(text), "Unknown")
    return _KIND_NAMES.get(text.lower(), text)


def _reactions(
    value: object, place: Place, cache: dict[tuple[str, str, str | None, bool], User]
) -> list[tuple[str, list[User]]]:
    if value is None:
        return []
    if not isinstance(value, list):
        place.fail("reactions", f"is {kind_of(value)}, expected a list")
    out: list[tuple[str, list[User]]] = []
    for i, reaction in enumerate(value):
        field = f"reactions[{i}]"
        if not isinstance(reaction, dict):
            place.fail(field, f"is {kind_of(reaction)}, expected an object")
        emoji = reaction.get("emoji")
        if not isinstance(emoji, dict):
            place.fail(f"{field}.emoji", shape_problem(reaction, "emoji", "an object"))
        name = req_str(emoji, "name", place, f"{field}.emoji.name")
        # Older exports have no reaction users: nothing to replay then.
        reactors = _users(reaction.get("users"), place, f"{field}.users", cache)
        if reactors:
            out.append((name, reactors))
    return out


def _users(
    value: object,
    place: Place,
    field: str,
    cache: dict[tuple[str, str, str | None, bool], User],
) -> list[User]:
    if value is None:
        return []
    if not isinstance(value, list):
        place.fail(field, f"is {kind_of(value)}, expected a list")
    out: list[User] = []
    ids: set[str] = set()
    for i, raw in enumerate(value):
        user = _user(raw, place, f"{field}[{i}]", cache)
        if user.id not in ids:
            ids.add(user.id)
            out.append(user)
    return out


def _user(
    raw: object, place: Place, field: str, cache: dict[tuple[str, str, str | None, bool], User]
) -> User:
    if not isinstance(raw, dict):
        place.fail(field, f"is {kind_of(raw)}, expected a user object")
    user_id = req_id(raw, "id", place, f"{field}.id")
    name = req_str(raw, "name", place, f"{field}.name")
    nickname = opt_str(raw, "nickname", place, f"{field}.nickname")
    is_bot = opt_bool(raw, "isBot", place, f"{field}.isBot")
    display = nickname if nickname and nickname != name else None
    key = (user_id, name, display, is_bot)
    user = cache.get(key)
    if user is None:
        user = User.model_construct(id=user_id, name=name, display_name=display, is_bot=is_bot)
        cache[key] = user
    return user


# --------------------------------------------------------------------------- events


def _events(messages: list[_Message], incident_id: str, users: dict[str, User]) -> list[Event]:
    """Build the events in time order.

    The export gives no time for a reaction. Each reaction is placed at the time of the next
    message (in time order) after the one it reacts to, just after that message's own events:
    a reaction means the reactor read the message, which happened after it was posted and
    most likely before the conversation moved much further. Reactions on the last message
    take that message's own time. Placing them there never moves anyone's activity earlier
    than the reacted message, and keeps the event list sorted.
    """
    events: list[Event] = []
    pending: list[tuple[_Message, str, list[User]]] = []
    for msg in messages:
        events.extend(_message_events(msg, incident_id, users))
        _flush_reactions(events, pending, msg.at, incident_id)
        pending = [(msg, emoji, reactors) for emoji, reactors in msg.reactions]
    if messages:
        _flush_reactions(events, pending, messages[-1].at, incident_id)
    return events


def _flush_reactions(
    events: list[Event],
    pending: list[tuple[_Message, str, list[User]]],
    at: datetime,
    incident_id: str,
) -> None:
    for msg, emoji, reactors in pending:
        for user in reactors:
            events.append(
                ReactionAdded.model_construct(
                    at=at, incident_id=incident_id, message_id=msg.id, user=user, emoji=emoji
                )
            )


def _message_events(msg: _Message, incident_id: str, users: dict[str, User]) -> list[Event]:
    kind = msg.kind
    if kind in _CHAT_KINDS or (kind == _STARTER and msg.content):
        return [_posted(msg, incident_id, users)]
    first_mention = msg.mentions[0] if msg.mentions else msg.author
    if kind == "RecipientAdd":  # "X added Y to the thread"
        added_by = None if first_mention.id == msg.author.id else msg.author
        return [
            MemberJoined.model_construct(
                at=msg.at,
                incident_id=incident_id,
                user=first_mention,
                added_by=added_by,
                source_id=msg.id,
            )
        ]
    if kind == "RecipientRemove":
        return [MemberLeft.model_construct(at=msg.at, incident_id=incident_id, user=first_mention)]
    if kind == "GuildMemberJoin":
        return [
            MemberJoined.model_construct(
                at=msg.at, incident_id=incident_id, user=msg.author, source_id=msg.id
            )
        ]
    if kind == "ChannelPinnedMessage":
        return [
            MessagePinned.model_construct(
                at=msg.at, incident_id=incident_id, message_id=msg.ref_id, by=msg.author
            )
        ]
    return []  # ThreadCreated, ChannelNameChange, Call, unknown kinds: nothing to replay


def _posted(msg: _Message, incident_id: str, users: dict[str, User]) -> MessagePosted:
    content = msg.content
    mentions = msg.mentions
    if "<@" in content:
        mentions = list(mentions)
        listed = {u.id for u in mentions}

        def named(match: re.Match[str]) -> str:
            user = users.get(match.group(1))
            if user is None:
                return match.group(0)
            if user.id not in listed:
                listed.add(user.id)
                mentions.append(user)
            return f"@{user.name}"

        content = _RAW_MENTION.sub(named, content)
    message = ChatMessage.model_construct(
        id=msg.id,
        author=msg.author,
        at=msg.at,
        content=content,
        mentions=mentions,
        reply_to=msg.ref_id,
        edited_at=msg.edited_at,
        deleted=False,
        pinned=msg.pinned,
    )
    return MessagePosted.model_construct(at=msg.at, incident_id=incident_id, message=message)


def _bot_candidates(messages: list[_Message]) -> list[User]:
    counts: dict[str, int] = {}
    first: dict[str, User] = {}
    for msg in messages:
        for user in msg.mentions:
            if user.is_bot:
                counts[user.id] = counts.get(user.id, 0) + 1
                first.setdefault(user.id, user)
    order = {uid: i for i, uid in enumerate(first)}
    ranked = sorted(first, key=lambda uid: (-counts[uid], order[uid]))
    return [first[uid] for uid in ranked]
