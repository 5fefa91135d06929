"""When things happened: detection, each phase's first entry, stated start times, and
what the rollback did.

Everything is read from ``IncidentState`` (facts, phase history, declaration time), never
from raw chat rules, so the same answers hold whichever reader filled the state. The one
thing read from message text is a clock time the writer states ("errors since 13:52"), and
only in a message the state already holds as a symptom or impact: the problem's onset as
the team told it, which is often earlier than the first message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from assistant.core.model import Fact, IncidentState, Phase
from assistant.core.update_select import action_kind

MilestoneKey = Literal[
    "onset", "detected", "declared", "identified", "mitigating", "monitoring", "resolved"
]
PHASE_MILESTONES: tuple[Phase, ...] = (
    Phase.IDENTIFIED,
    Phase.MITIGATING,
    Phase.MONITORING,
    Phase.RESOLVED,
)
STOPGAP_KINDS = frozenset({"rollback", "flag", "failover", "scale", "restart"})
Outcome = Literal["helped", "did_not_help", "made_worse", "not_attempted"]

# "13:52", "9:05 pm", "13:52 UTC"; not part of a longer number or a ratio like 1:2:3
_CLOCK = re.compile(
    r"(?<![\d:.])([01]?\d|2[0-3])[:：]([0-5]\d)(?![\d:])\s*(?:([ap])\.?m\.?\b)?\s*(UTC|GMT|Z\b)?",
    re.IGNORECASE,
)
MAX_ONSET_LEAD = timedelta(hours=12)
STOPGAP_LEAD = timedelta(minutes=5)


@dataclass(frozen=True)
class Mark:
    """One milestone: when it was reached, how, by whom (user id) and from which messages."""

    key: MilestoneKey
    at: datetime | None
    how: str | None = None
    by: str | None = None
    source_ids: list[str] = field(default_factory=list)


def live_facts(state: IncidentState) -> list[Fact]:
    """Facts whose sources still exist, with deleted sources dropped, oldest first."""
    out: list[Fact] = []
    for fact in state.facts:
        ids = [s for s in fact.source_ids if s in state.messages and not state.messages[s].deleted]
        if ids:
            out.append(
                fact if ids == fact.source_ids else fact.model_copy(update={"source_ids": ids})
            )
    return sorted(out, key=lambda f: f.at)


def stated_times(text: str, at: datetime) -> list[datetime]:
    """Clock times written in ``text``, placed on the last such moment at or before ``at``
    (in ``at``'s zone, or UTC when the text says so)."""
    out: list[datetime] = []
    for m in _CLOCK.finditer(text):
        hour, minute = int(m.group(1)), int(m.group(2))
        ampm, zone = m.group(3), m.group(4)
        if ampm:
            if hour > 12:
                continue
            hour = hour % 12 + (12 if ampm.lower() == "p" else 0)
        local = at.astimezone(UTC) if zone else at
        when = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if when > local:
            when -= timedelta(days=1)
        out.append(when)
    return out


def first_report(facts: list[Fact]) -> Fact | None:
    """The earliest symptom or impact the channel reported."""
    reports = [f for f in facts if f.kind in ("symptom", "impact")]
    return reports[0] if reports else None


def detected_at(state: IncidentState, facts: list[Fact]) -> datetime | None:
    """When the team knew: the first report of a symptom or impact, or the declaration if
    that came first."""
    times = [t for t in (state.declared_at,) if t is not None]
    report = first_report(facts)
    if report is not None:
        times.append(report.at)
    return min(times) if times else None


def onset(state: IncidentState, facts: list[Fact], detected: datetime | None) -> Mark | None:
    """The earliest start time stated in a symptom or impact message, if before detection."""
    if detected is None:
        return None
    best: tuple[datetime, Fact, str] | None = None
    for fact in facts:
        if fact.kind not in ("symptom", "impact"):
            continue
        for source in fact.source_ids:
            msg = state.messages[source]
            for when in stated_times(msg.content, msg.at):
                if detected - MAX_ONSET_LEAD <= when < detected and (
                    best is None or when < best[0]
                ):
                    best = (when, fact, source)
    if best is None:
        return None
    when, fact, source = best
    return Mark("onset", when, "stated", fact.by, [source])


def milestones(state: IncidentState, facts: list[Fact] | None = None) -> list[Mark]:
    """Onset (when stated), detection, declaration, then the first entry into each later
    phase; ``resolved`` is the final resolution (``None`` while the incident is open)."""
    facts = live_facts(state) if facts is None else facts
    detected = detected_at(state, facts)
    marks: list[Mark] = []
    start = onset(state, facts, detected)
    if start is not None:
        marks.append(start)
    report = first_report(facts)
    if report is not None and detected is not None and report.at <= detected:
        marks.append(Mark("detected", detected, "first_report", report.by, list(report.source_ids)))
    else:
        marks.append(Mark("detected", detected, "first_message"))
    declared = next((c for c in state.phase_history if c.how == "declared"), None)
    if declared is not None:
        marks.append(Mark("declared", declared.at, "declared", declared.by))
    else:
        marks.append(Mark("declared", state.declared_at, "first_message"))
    for phase in PHASE_MILESTONES:
        changes = [c for c in state.phase_history if c.phase is phase]
        if phase is Phase.RESOLVED:
            changes = changes[-1:] if state.phase is Phase.RESOLVED else []
        if not changes:
            marks.append(Mark(phase.value, None))  # type: ignore[arg-type]
            continue
        c = changes[0]
        sources = [s for s in c.source_ids if s in state.messages]
        marks.append(Mark(phase.value, c.at, c.how, c.by, sources))  # type: ignore[arg-type]
    return marks


def stopgaps(state: IncidentState, facts: list[Fact]) -> list[tuple[str, Fact]]:
    """Confirmed actions that restore service without fixing the cause, with their kind.

    Once the incident has entered Mitigating, the actions from then on count: earlier,
    "rollback" or "restart" in a message is mostly talk about one (is it safe? what
    changed?), not one being done. Only when none follows are the few minutes before the
    entry used (the order to do it, read as an action, came just before the phase moved).
    """
    found = []
    for f in facts:
        if f.kind == "action" and f.certainty == "confirmed":
            kind = action_kind(f.text)
            if kind in STOPGAP_KINDS:
                found.append((kind, f))
    entered = [c.at for c in state.phase_history if c.phase is Phase.MITIGATING]
    if not entered:
        return found
    start = min(entered)
    after = [g for g in found if g[1].at >= start]
    return after or [g for g in found if g[1].at >= start - STOPGAP_LEAD]


def recovered_after(state: IncidentState, facts: list[Fact], at: datetime) -> datetime | None:
    """The first sign of recovery after ``at``: a confirmed recovery fact, or the phase
    moving to monitoring or resolved."""
    times = [
        f.at for f in facts if f.kind == "recovery" and f.certainty == "confirmed" and f.at >= at
    ]
    times += [
        c.at
        for c in state.phase_history
        if c.phase in (Phase.MONITORING, Phase.RESOLVED) and c.at >= at
    ]
    return min(times) if times else None


def regressed_after(state: IncidentState, at: datetime) -> datetime | None:
    """When the problem came back (the phase fell back to investigating) after ``at``."""
    later = (Phase.MITIGATING, Phase.MONITORING, Phase.RESOLVED)
    back = [
        c.at
        for c in state.phase_history
        if c.phase is Phase.INVESTIGATING and c.previous in later and c.at > at
    ]
    return min(back) if back else None


def rollback_outcome(
    state: IncidentState, facts: list[Fact]
) -> tuple[bool, Outcome | None, Fact | None]:
    """(attempted, outcome, the first rollback) as the record shows it.

    Helped: recovery followed and the problem did not come back before it. Did not help:
    the problem came back, or another stop-gap was needed, before any recovery. No outcome
    when the record shows neither (the front matter then leaves it out).
    """
    gaps = stopgaps(state, facts)
    rollbacks = [f for kind, f in gaps if kind == "rollback"]
    if not rollbacks:
        return False, "not_attempted", None
    first = rollbacks[0]
    recovered = recovered_after(state, facts, first.at)
    regressed = regressed_after(state, first.at)
    other = [f.at for kind, f in gaps if kind != "rollback" and f.at > first.at]
    if recovered is None:
        return True, ("did_not_help" if regressed or other else None), first
    if (regressed is not None and regressed < recovered) or (other and min(other) < recovered):
        return True, "did_not_help", first
    return True, "helped", first
