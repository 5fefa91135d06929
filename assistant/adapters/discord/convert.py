"""Discord objects in, core events out. No sending, no service calls.

Mentions are rewritten from ``<@id>`` / ``<@!id>`` to ``@name`` (the account name) for every
user the message mentions, as the shared conventions require; ids Discord did not resolve
stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import discord

from assistant.core.events import (
    Command,
    CommandName,
    MemberJoined,
    MemberLeft,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    ReactionAdded,
)
from assistant.core.model import ChatMessage, User

_RAW_MENTION = re.compile(r"<@!?(\d+)>")

AnyUser = discord.User | discord.Member | discord.ClientUser


def to_user(who: AnyUser) -> User:
    """A Discord user or member as a core ``User`` (display name kept only when it differs)."""
    display = who.display_name
    return User(
        id=str(who.id),
        name=who.name,
        display_name=display if display and display != who.name else None,
        is_bot=who.bot,
    )


def rewrite_mentions(content: str, users: Iterable[User]) -> str:
    """``<@123>`` and ``<@!123>`` become ``@name`` for the users the message mentions."""
    by_id = {u.id: u.name for u in users}

    def swap(m: re.Match[str]) -> str:
        name = by_id.get(m.group(1))
        return f"@{name}" if name is not None else m.group(0)

    return _RAW_MENTION.sub(swap, content)


def to_chat_message(message: discord.Message) -> ChatMessage:
    mentions = [to_user(u) for u in message.mentions]
    ref = message.reference
    return ChatMessage(
        id=str(message.id),
        author=to_user(message.author),
        at=message.created_at,
        content=rewrite_mentions(message.content, mentions),
        mentions=mentions,
        reply_to=str(ref.message_id) if ref is not None and ref.message_id else None,
        edited_at=message.edited_at,
        pinned=message.pinned,
    )


def message_posted(message: discord.Message, incident_id: str) -> MessagePosted:
    return MessagePosted(
        at=message.created_at, incident_id=incident_id, message=to_chat_message(message)
    )


def message_edited(message: discord.Message, incident_id: str) -> MessageEdited:
    mentions = [to_user(u) for u in message.mentions]
    return MessageEdited(
        at=message.edited_at or message.created_at,
        incident_id=incident_id,
        message_id=str(message.id),
        content=rewrite_mentions(message.content, mentions),
        mentions=mentions,
    )


def message_deleted(message_id: int, incident_id: str, at: datetime) -> MessageDeleted:
    return MessageDeleted(at=at, incident_id=incident_id, message_id=str(message_id))


def reaction_added(
    message_id: int,
    member: AnyUser,
    emoji: discord.PartialEmoji | str,
    incident_id: str,
    at: datetime,
) -> ReactionAdded:
    return ReactionAdded(
        at=at,
        incident_id=incident_id,
        message_id=str(message_id),
        user=to_user(member),
        emoji=str(emoji),
    )


def member_joined(member: AnyUser, incident_id: str, at: datetime) -> MemberJoined:
    return MemberJoined(at=at, incident_id=incident_id, user=to_user(member))


def member_left(member: AnyUser, incident_id: str, at: datetime) -> MemberLeft:
    return MemberLeft(at=at, incident_id=incident_id, user=to_user(member))


def holds_role(who: AnyUser, role_id: int | None) -> bool:
    """True when ``who`` is a guild member holding the configured commander role."""
    if role_id is None or not isinstance(who, discord.Member):
        return False
    return any(role.id == role_id for role in who.roles)


def command(
    interaction: discord.Interaction[Any],
    name: CommandName,
    incident_id: str,
    *,
    role_id: int | None,
    args: Mapping[str, Any] | None = None,
) -> Command:
    """A slash command (or button press) as a core ``Command``; ``privileged`` from the role."""
    return Command(
        at=interaction.created_at,
        incident_id=incident_id,
        name=name,
        user=to_user(interaction.user),
        args=dict(args or {}),
        privileged=holds_role(interaction.user, role_id),
        interaction_id=str(interaction.id),
    )
