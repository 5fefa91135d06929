"""What comes into the core. Every event carries its own time: the core has no clock."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from assistant.core.model import ChatMessage, Model, User
from assistant.core.reading import Reading


class _Event(Model):
    at: datetime
    incident_id: str


class MessagePosted(_Event):
    kind: Literal["message_posted"] = "message_posted"
    message: ChatMessage


class MessageEdited(_Event):
    kind: Literal["message_edited"] = "message_edited"
    message_id: str
    content: str
    mentions: list[User] | None = None
    reading: Reading | None = None  # what the Reader understood from the new text


class MessageDeleted(_Event):
    kind: Literal["message_deleted"] = "message_deleted"
    message_id: str


class MemberJoined(_Event):
    """Someone joined the incident: added to the thread, or entered its voice channel."""

    kind: Literal["member_joined"] = "member_joined"
    user: User
    added_by: User | None = None
    source_id: str | None = None


class MemberLeft(_Event):
    kind: Literal["member_left"] = "member_left"
    user: User


class ReactionAdded(_Event):
    kind: Literal["reaction_added"] = "reaction_added"
    message_id: str
    user: User
    emoji: str


class MessagePinned(_Event):
    kind: Literal["message_pinned"] = "message_pinned"
    message_id: str | None
    by: User


class ClockTick(_Event):
    """Time passed. Scheduled summaries and roster checks run on ticks."""

    kind: Literal["clock_tick"] = "clock_tick"


CommandName = Literal[
    "declare",  # args: title, severity
    "resolve",  # args: note?
    "phase",  # args: phase
    "confirm_phase",  # args: proposal_id, accept: bool
    "commander",  # args: user (User)
    "assign",  # args: user (User), task, purpose?
    "release",  # args: user (User)
    "roster",
    "update",  # draft an update now (args: audience?)
    "ask",  # args: question
]


class Command(_Event):
    """A slash command (or button) from a user.

    ``privileged`` is set by the adapter when the user holds the configured commander role;
    the core also treats the incident's commander as privileged.
    """

    kind: Literal["command"] = "command"
    name: CommandName
    user: User
    args: dict[str, Any] = Field(default_factory=dict)
    privileged: bool = False
    interaction_id: str | None = None

    @field_validator("args")
    @classmethod
    def _restore_users(cls, args: dict[str, Any]) -> dict[str, Any]:
        """A user argument read back from the event log is a dict again: make it a User."""
        user = args.get("user")
        return {**args, "user": User.model_validate(user)} if isinstance(user, dict) else args


Event = Annotated[
    MessagePosted
    | MessageEdited
    | MessageDeleted
    | MemberJoined
    | MemberLeft
    | ReactionAdded
    | MessagePinned
    | ClockTick
    | Command,
    Field(discriminator="kind"),
]
