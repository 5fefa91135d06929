"""When updates are due: the scheduled summary and the two-cadence reminder.

- A scheduled update is due one cadence after the last update (or after the declaration,
  before any update), and only if something happened since: nothing is posted while
  nothing changes.
- If no update went out for two cadences while the incident is open, the commander is
  reminded once for that silence; the next update starts a new silence period. Whether the
  reminder was sent is read from ``state.reminder_sent_at`` (later than the last update
  means this silence was already reminded), so no extra state is needed.

``due_at`` gives the exact moment a tick would produce something, so a replay that ticks at
that moment fires summaries and reminders when they would have fired live (never earlier
than the last event seen, because a tick cannot go back in time).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from assistant.core.model import IncidentState

Due = tuple[datetime, Literal["update", "reminder"]]


def baseline(state: IncidentState) -> datetime | None:
    """When the current silence started: the last update, else the declaration."""
    return state.last_update_at or state.declared_at


def _not_before_now(state: IncidentState, at: datetime) -> datetime:
    return max(at, state.now) if state.now is not None else at


def due(state: IncidentState) -> Due | None:
    """What the next tick could produce, and from when."""
    base = baseline(state)
    if not state.is_open or base is None:
        return None
    cadence = state.minutes(state.config.cadence_minutes)
    if state.activity_since_update:
        return _not_before_now(state, base + cadence), "update"
    reminded = state.reminder_sent_at is not None and state.reminder_sent_at >= base
    if reminded:
        return None
    return _not_before_now(state, base + 2 * cadence), "reminder"


def due_at(state: IncidentState) -> datetime | None:
    d = due(state)
    return d[0] if d else None


def what_is_due(state: IncidentState, at: datetime) -> Literal["update", "reminder"] | None:
    """What a tick at ``at`` must do (the threshold ignores the not-before-now clamp)."""
    base = baseline(state)
    if not state.is_open or base is None:
        return None
    cadence = state.minutes(state.config.cadence_minutes)
    if state.activity_since_update:
        return "update" if at >= base + cadence else None
    reminded = state.reminder_sent_at is not None and state.reminder_sent_at >= base
    if not reminded and at >= base + 2 * cadence:
        return "reminder"
    return None
