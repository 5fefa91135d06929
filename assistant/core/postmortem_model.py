"""The postmortem draft's vocabulary: pydantic models and the small helpers every section
uses (quoting chat, naming people, writing times and spans)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Literal

from pydantic import Field

from assistant.core.model import (
    Certainty,
    ChecklistItem,
    IncidentState,
    Lang,
    Model,
    Phase,
    Recommendation,
)
from assistant.core.postmortem_times import MilestoneKey, Outcome
from assistant.core.safety import neutralize_mentions
from assistant.core.update_texts import duration, hhmm

ActionKind = Literal["root_cause", "permanent_fix", "prevent", "detect", "recover"]
ACTION_KINDS: tuple[ActionKind, ...] = (
    "root_cause",
    "permanent_fix",
    "prevent",
    "detect",
    "recover",
)
QUOTE_CHARS = 120


class Entry(Model):
    """One dated line: a quoted fact, a phase change, a piece of advice."""

    at: datetime
    text: str
    kind: str
    certainty: Certainty | None = None
    by: str | None = None  # a display name
    source_ids: list[str] = Field(default_factory=list)


class Milestone(Model):
    key: MilestoneKey
    at: datetime | None
    how: str | None = None
    by: str | None = None
    source_ids: list[str] = Field(default_factory=list)
    since_detected_s: float | None = None
    since_previous_s: float | None = None


class Advice(Model):
    """One rollback answer the assistant gave."""

    at: datetime
    question_id: str
    asked_by: str | None
    recommendation: Recommendation | None
    checklist: list[ChecklistItem] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)
    source_ids: list[str] = Field(default_factory=list)

    def item(self, key: str) -> ChecklistItem | None:
        return next((c for c in self.checklist if c.key == key), None)


class RosterLine(Model):
    who: str
    task: str
    purpose: str | None
    status: str
    since: datetime
    until: datetime | None
    source_ids: list[str] = Field(default_factory=list)


class Bystander(Model):
    """Someone who took part without any assignment."""

    who: str
    joined_at: datetime
    released_at: datetime | None = None
    left_at: datetime | None = None


class Candidate(Model):
    """A follow-up action the record suggests, with the messages that back it."""

    kind: ActionKind
    text: str
    source_ids: list[str] = Field(default_factory=list)


class Postmortem(Model):
    incident_id: str
    lang: Lang
    title: str
    date: str
    services: list[str]
    severity: str
    cause: str
    cause_certainty: Literal["confirmed", "suspected", "unknown"]
    rollback_attempted: bool
    rollback_outcome: Outcome | None
    tags: list[str]
    phase: Phase
    as_of: datetime | None
    summary: str
    impact: list[Entry]
    timeline: list[Entry]
    milestones: list[Milestone]
    advice: list[Advice]
    done: list[Entry]
    decisions: list[Entry]
    commander: str | None
    roster: list[RosterLine]
    bystanders: list[Bystander]
    flags_raised: int
    actions: list[Candidate]
    links: dict[str, str] = Field(default_factory=dict)
    engine: Literal["offline", "llm", "offline-fallback"] = "offline"

    def candidates(self, kind: ActionKind) -> list[Candidate]:
        return [c for c in self.actions if c.kind == kind]

    def cited(self) -> list[str]:
        """Every message id the draft cites, in order of first citation."""
        ids: list[str] = []
        for group in (self.impact, self.timeline, self.done, self.decisions):
            ids += [s for e in group for s in e.source_ids]
        ids += [s for m in self.milestones for s in m.source_ids]
        ids += [s for a in self.advice for s in a.source_ids]
        ids += [s for r in self.roster for s in r.source_ids]
        ids += [s for c in self.actions for s in c.source_ids]
        return list(dict.fromkeys(ids))


# ------------------------------------------------------------------ helpers


def quote(text: str, lang: Lang, limit: int = QUOTE_CHARS) -> str:
    """Chat text quoted in the draft: one line, no live mass mention, not too long."""
    one = neutralize_mentions(" ".join(text.split()))
    if len(one) > limit:
        one = one[: limit - 1] + "…"
    return f"「{one}」" if lang == "ja" else f"“{one}”"


def name_of(state: IncidentState, user_id: str | None) -> str | None:
    if user_id is None:
        return None
    p = state.participants.get(user_id)
    if p is not None:
        return p.user.label
    if state.commander is not None and state.commander.id == user_id:
        return state.commander.label
    for m in state.messages.values():
        if m.author.id == user_id:
            return m.author.label
    return None


def clock(at: datetime | None) -> str:
    """``14:02 JST``, or a dash for a moment the record does not have.

    Times read back from the store and times from the export name the same offset
    differently; a fixed-offset zone makes them read alike.
    """
    if at is None:
        return "—"
    offset = at.utcoffset()
    return hhmm(at.astimezone(timezone(offset)) if offset is not None else at)


def span_between(start: datetime | None, end: datetime | None, lang: Lang) -> str:
    """The span between two moments as their clock times read (both cut to the minute), so
    a reader who subtracts the shown times gets the shown span."""
    if start is None or end is None:
        return "—"
    a = start.replace(second=0, microsecond=0)
    b = end.replace(second=0, microsecond=0)
    return span((b - a).total_seconds(), lang)


def span(seconds: float | None, lang: Lang) -> str:
    """A duration in the draft's language; negative spans (before detection) get a minus."""
    if seconds is None:
        return "—"
    sign = "−" if seconds < 0 else ""
    return sign + duration(timedelta(seconds=abs(seconds)), lang)
