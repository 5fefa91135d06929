"""What comes out of the core: things the bot would do. Adapters carry them out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from assistant.core.model import (
    Answer,
    Assignment,
    Model,
    Phase,
    PhaseProposal,
    StatusUpdate,
    User,
)


class _Action(Model):
    at: datetime
    incident_id: str


class PhaseChanged(_Action):
    type: Literal["phase"] = "phase"
    phase: Phase
    previous: Phase | None
    source_ids: list[str] = Field(default_factory=list)
    how: str = "inferred"
    proposed: bool = False


class ProposePhase(_Action):
    """An uncertain inferred change: live, the commander confirms it with one click."""

    type: Literal["proposal"] = "proposal"
    proposal: PhaseProposal
    text: str


class PostUpdate(_Action):
    type: Literal["update"] = "update"
    update: StatusUpdate
    draft_for: User | None = None  # /update: shown privately to this user first


class RecordAssignment(_Action):
    type: Literal["assignment"] = "assignment"
    assignment: Assignment


class RecordRelease(_Action):
    type: Literal["release"] = "release"
    user: User
    source_ids: list[str] = Field(default_factory=list)


class Flag(_Action):
    """Tell the commander about people without work, or ask an idle assignee for status.

    ``users`` lists everyone the flag is about; ``mention`` lists who the message should
    ping (the idle assignee; never each unassigned person).
    """

    type: Literal["flag"] = "flag"
    reason: Literal["unassigned", "idle"]
    users: list[User]
    text: str
    mention: list[User] = Field(default_factory=list)


class Reply(_Action):
    """An answer to a mention or ``/ask``."""

    type: Literal["answer"] = "answer"
    answer: Answer
    ephemeral: bool = False


class Notice(_Action):
    """A short message: a prompt for a purpose, a reminder, a refusal, a confirmation."""

    type: Literal["notice"] = "notice"
    kind: Literal[
        "purpose_prompt",
        "update_reminder",
        "refusal",
        "stale",  # a click on a proposal that is no longer current
        "commander_changed",
        "ack",
        "roster",
    ]
    text: str
    in_reply_to: str | None = None
    to: User | None = None
    ephemeral: bool = False


Action = Annotated[
    PhaseChanged
    | ProposePhase
    | PostUpdate
    | RecordAssignment
    | RecordRelease
    | Flag
    | Reply
    | Notice,
    Field(discriminator="type"),
]
