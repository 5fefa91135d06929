"""The incident's vocabulary: pydantic models shared by the core, the adapters and the tests.

Nothing here reads a clock, the environment or the network: every timestamp arrives with an
event. ``IncidentState`` is the whole memory of one incident; the engine folds events into it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import ConfigDict, Field, PrivateAttr

from assistant.core.reading.model import Reading
from assistant.core.vocab import (
    PHASE_ORDER,
    Audience,
    Certainty,
    Intent,
    Lang,
    LangSetting,
    Model,
    Phase,
    Recommendation,
)

__all__ = [
    "PHASE_ORDER",
    "Audience",
    "Certainty",
    "Intent",
    "Lang",
    "LangSetting",
    "Model",
    "Phase",
    "Recommendation",
]


class User(Model):
    """A chat user. ``name`` is the account name (the export's ``author.name``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    display_name: str | None = None
    is_bot: bool = False

    @property
    def label(self) -> str:
        """What people call this user in text: nickname if any, else account name."""
        return self.display_name or self.name


class ChatMessage(Model):
    """One message in the incident channel, as it currently reads.

    ``reading`` is what the Reader understood from it; it is stored with the message's event,
    so a replay or a restart reproduces it without reading (or calling a model) again.
    """

    id: str
    author: User
    at: datetime
    content: str
    mentions: list[User] = Field(default_factory=list)
    reply_to: str | None = None
    edited_at: datetime | None = None
    deleted: bool = False
    pinned: bool = False
    # the author holds the configured commander role (set by the chat adapter)
    privileged: bool = False
    reading: Reading | None = None


class Fact(Model):
    """A claim extracted from one or more messages, with its certainty and its sources.

    ``kind`` says what the claim is about; updates and the advisor read facts rather than
    raw chat. A fact whose every source was deleted is dropped.
    """

    kind: Literal[
        "impact",  # who/what is affected, since when
        "symptom",  # errors, latency, alerts
        "cause",  # a (suspected or confirmed) cause
        "change",  # a release, deploy, config change, migration
        "action",  # something being done (rollback started, fix deploying…)
        "recovery",  # metrics back to normal, errors gone
        "decision",  # a decision taken, by whom
        "escalation",  # waiting on a decision from outside the channel
        "user_comms",  # communication to users / status page
    ]
    text: str
    certainty: Certainty = "confirmed"
    source_ids: list[str]
    at: datetime
    by: str | None = None  # user id of the author


class Assignment(Model):
    """Person + task + purpose: the unit of the declarative roster."""

    id: str
    user: User
    task: str
    purpose: str | None = None
    assigned_by: str | None = None  # user id; None for self-assignment
    since: datetime
    source_ids: list[str] = Field(default_factory=list)
    status: Literal["open", "done", "reassigned", "released"] = "open"
    closed_at: datetime | None = None


class Participant(Model):
    """Someone present in the incident and what the roster rules know about them."""

    user: User
    joined_at: datetime
    last_active_at: datetime
    released_at: datetime | None = None
    left_at: datetime | None = None
    # no-repeat bookkeeping: when the current unassigned/idle state was flagged
    unassigned_flagged_at: datetime | None = None
    idle_flagged_at: datetime | None = None
    idle_flags: int = 0  # idle flags since the person last spoke (each waits twice as long)
    # when they last posted a status update (a phase-prefixed post) or handed out a task:
    # coordinating the incident without a task of their own restarts the unassigned clock

    reported_at: datetime | None = None


class PhaseChange(Model):
    at: datetime
    phase: Phase
    previous: Phase | None
    source_ids: list[str] = Field(default_factory=list)
    by: str | None = None  # user id of who caused it (author of the message or command)
    how: Literal["declared", "command", "prefix", "inferred", "confirmed"] = "inferred"
    proposed: bool = False  # an inferred change the commander had not confirmed


class PhaseProposal(Model):
    """An inferred phase change waiting for the commander's one-click confirmation."""

    id: str
    at: datetime
    phase: Phase
    reason: str
    source_ids: list[str]


class Claim(Model):
    """One line of an update's body, traceable to its sources."""

    section: Literal["impact", "actions", "confirmed", "suspected", "decisions", "waiting"]
    text: str
    certainty: Certainty = "confirmed"
    source_ids: list[str]
    # For a claim reworded by the LLM engine: the key of the offline claim it rewords, so the
    # next update can keep this wording while that claim stays the same. None otherwise.
    basis: str | None = None


class StatusUpdate(Model):
    """A phase-prefixed status update, ready to post."""

    at: datetime
    phase: Phase
    lang: Lang
    audience: Audience
    kind: Literal["scheduled", "phase_change", "manual", "closing", "declared"]
    headline: str  # phase prefix + one sentence
    claims: list[Claim] = Field(default_factory=list)
    next_update_at: datetime | None = None
    text: str  # the whole rendered update (headline + body)
    source_ids: list[str] = Field(default_factory=list)
    engine: Literal["offline", "llm", "offline-fallback"] = "offline"


class ChecklistItem(Model):
    """One risk question of the rollback checklist, answered from the chat or unknown."""

    key: Literal[
        "recent_change",
        "causal_link",
        "data_rollback",
        "procedure_ready",
        "rollback_safe_label",
        "feature_flag",
        "previous_version_ok",
    ]
    question: str
    answer: Literal["yes", "no", "unknown"]
    detail: str = ""
    source_ids: list[str] = Field(default_factory=list)
    ask: str | None = None  # the question to ask the channel when unknown


class KnowledgeHit(Model):
    """A retrieved knowledge-base document (or one of its sections)."""

    doc_id: str
    kind: Literal["postmortem", "guidance"]
    title: str
    score: float
    section: str = ""
    snippet: str = ""
    source_url: str | None = None
    rollback_attempted: bool | None = None
    rollback_outcome: Literal["helped", "did_not_help", "made_worse", "not_attempted"] | None = None
    lang: str | None = None


class Answer(Model):
    """The bot's reply to a message that mentioned it, or to ``/ask``."""

    at: datetime
    in_reply_to: str
    intent: Intent
    text: str
    recommendation: Recommendation | None = None
    checklist: list[ChecklistItem] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)
    source_ids: list[str] = Field(default_factory=list)
    engine: Literal["offline", "llm", "offline-fallback"] = "offline"


class IncidentConfig(Model):
    """Per-incident settings; defaults come from the server's settings."""

    lang: LangSetting = "auto"
    audience: Audience = "responders"
    cadence_minutes: float = 15
    idle_minutes: float = 20
    unassigned_minutes: float = 10
    bot_user_id: str | None = None
    bot_name: str | None = None
    # labels override per language, e.g. {"ja": {"resolved": "【解決】"}}
    phase_labels: dict[str, dict[str, str]] = Field(default_factory=dict)
    # Which phase proposals are taken as confirmed without a click. Live: none (the commander
    # clicks). Replay: "commander" by default, i.e. the proposals the commander's own messages
    # raised (the commander would confirm their own words); "all" also confirms everyone
    # else's. ``auto_confirm_proposals`` is the older spelling of "all".
    confirm_proposals: Literal["none", "commander", "all"] = "none"
    auto_confirm_proposals: bool = False


class _AssignmentIndex:
    """Assignments by user, for the roster rules that run on every event.

    The list of assignments only grows and a closed assignment never reopens, so the index
    is extended rather than rebuilt, and each user's fully closed prefix is passed over once.
    """

    __slots__ = ("by_user", "positions", "prefix", "size", "source")

    def __init__(self) -> None:
        self.by_user: dict[str, list[Assignment]] = {}
        self.positions: dict[int, int] = {}  # id(assignment) -> its place in the list
        self.prefix: dict[str, tuple[int, datetime | None]] = {}
        self.size = 0
        self.source: list[Assignment] | None = None

    def sync(self, assignments: list[Assignment]) -> _AssignmentIndex:
        if assignments is not self.source or self.size > len(assignments):
            self.by_user, self.positions, self.prefix = {}, {}, {}
            self.size, self.source = 0, assignments
        for pos in range(self.size, len(assignments)):
            a = assignments[pos]
            self.by_user.setdefault(a.user.id, []).append(a)
            self.positions[id(a)] = pos
        self.size = len(assignments)
        return self

    def position(self, a: Assignment) -> int:
        return self.positions[id(a)]

    def open_tail(self, user_id: str) -> tuple[list[Assignment], datetime | None]:
        """The user's assignments from the first still open, and the closed prefix's latest
        closing time."""
        mine = self.by_user.get(user_id, [])
        start, last_closed = self.prefix.get(user_id, (0, None))
        while start < len(mine) and mine[start].status != "open":
            closed_at = mine[start].closed_at
            if closed_at is not None and (last_closed is None or closed_at > last_closed):
                last_closed = closed_at
            start += 1
        self.prefix[user_id] = (start, last_closed)
        return mine[start:], last_closed


class IncidentState(Model):
    """Everything the core remembers about one incident. Serialisable as JSON."""

    id: str
    title: str = ""
    channel_id: str = ""
    guild_id: str | None = None
    severity: str | None = None
    config: IncidentConfig = Field(default_factory=IncidentConfig)
    declared_at: datetime | None = None
    now: datetime | None = None  # time of the last event handled
    commander: User | None = None
    phase: Phase = Phase.INVESTIGATING
    phase_history: list[PhaseChange] = Field(default_factory=list)
    proposal: PhaseProposal | None = None
    messages: dict[str, ChatMessage] = Field(default_factory=dict)
    facts: list[Fact] = Field(default_factory=list)
    participants: dict[str, Participant] = Field(default_factory=dict)
    assignments: list[Assignment] = Field(default_factory=list)
    updates: list[StatusUpdate] = Field(default_factory=list)
    last_update_at: datetime | None = None
    activity_since_update: bool = False
    reminder_sent_at: datetime | None = None
    resolved_at: datetime | None = None
    detected_lang: Lang | None = None
    seq: int = 0  # counter for ids the core mints (assignments, proposals)

    _assignment_index: _AssignmentIndex = PrivateAttr(default_factory=lambda: _AssignmentIndex())
    # derived data that feature modules keep between events (never serialised; rebuilt)
    _memo: dict[str, object] = PrivateAttr(default_factory=dict)

    # --- small derived helpers (no I/O, no clock) ---

    @property
    def lang(self) -> Lang:
        if self.config.lang != "auto":
            return self.config.lang
        return self.detected_lang or "en"

    @property
    def is_open(self) -> bool:
        return self.phase is not Phase.RESOLVED

    @property
    def memo(self) -> dict[str, object]:
        """Scratch space for caches of derived data, keyed by module; not persisted."""
        return self._memo

    def next_id(self, prefix: str) -> str:
        self.seq += 1
        return f"{prefix}{self.seq}"

    def live_messages(self) -> list[ChatMessage]:
        """Messages that still exist, oldest first."""
        return [m for m in self.messages.values() if not m.deleted]

    def open_assignments(self, user_id: str | None = None) -> list[Assignment]:
        index = self._assignment_index.sync(self.assignments)
        if user_id is None:
            tails = [a for uid in index.by_user for a in index.open_tail(uid)[0]]
            return sorted((a for a in tails if a.status == "open"), key=index.position)
        tail, _ = index.open_tail(user_id)
        return [a for a in tail if a.status == "open"]

    def open_by_user(self) -> dict[str, list[Assignment]]:
        """Every user's open assignments at once (users without any are left out)."""
        index = self._assignment_index.sync(self.assignments)
        out: dict[str, list[Assignment]] = {}
        for uid in index.by_user:
            tasks = [a for a in index.open_tail(uid)[0] if a.status == "open"]
            if tasks:
                out[uid] = tasks
        return out

    def last_closed_at(self, user_id: str) -> datetime | None:
        """When the user's most recently closed assignment was closed (``None``: never)."""
        tail, last = self._assignment_index.sync(self.assignments).open_tail(user_id)
        for a in tail:
            if (
                a.status != "open"
                and a.closed_at is not None
                and (last is None or a.closed_at > last)
            ):
                last = a.closed_at
        return last

    def is_bot(self, user: User) -> bool:
        if user.is_bot:
            return True
        cfg = self.config
        return (cfg.bot_user_id is not None and user.id == cfg.bot_user_id) or (
            cfg.bot_name is not None and user.name == cfg.bot_name
        )

    def minutes(self, value: float) -> timedelta:
        return timedelta(minutes=value)
