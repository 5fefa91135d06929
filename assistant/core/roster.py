"""The declarative roster: participants, assignments, flags. STUB: owned by the roster work."""

from __future__ import annotations

from datetime import datetime

from assistant.core.actions import Action, RecordAssignment, RecordRelease
from assistant.core.events import ReactionAdded
from assistant.core.model import Answer, Assignment, ChatMessage, IncidentState, Participant, User


def touch(state: IncidentState, user: User, at: datetime) -> list[Action]:
    """Record activity by ``user``; adds them as a participant on first sight."""
    p = state.participants.get(user.id)
    if p is None:
        state.participants[user.id] = Participant(user=user, joined_at=at, last_active_at=at)
    else:
        p.last_active_at = at
    return []


def on_join(state: IncidentState, user: User, at: datetime, added_by: User | None) -> list[Action]:
    if user.id not in state.participants:
        state.participants[user.id] = Participant(user=user, joined_at=at, last_active_at=at)
    return []


def on_leave(state: IncidentState, user: User, at: datetime) -> list[Action]:
    p = state.participants.get(user.id)
    if p is not None:
        p.left_at = at
    return []


def on_reaction(state: IncidentState, event: ReactionAdded) -> list[Action]:
    touch(state, event.user, event.at)
    return []


def on_message(state: IncidentState, msg: ChatMessage) -> list[Action]:
    return []


def on_tick(state: IncidentState, at: datetime) -> list[Action]:
    return []


def next_due(state: IncidentState) -> datetime | None:
    return None


def assign(
    state: IncidentState,
    user: User,
    task: str,
    purpose: str | None,
    at: datetime,
    *,
    by: User | None,
    source_ids: list[str],
) -> list[Action]:
    touch(state, user, at)
    a = Assignment(id=state.next_id("a"), user=user, task=task, purpose=purpose,
                   assigned_by=by.id if by else None, since=at, source_ids=source_ids)
    state.assignments.append(a)
    return [RecordAssignment(at=at, incident_id=state.id, assignment=a)]


def release(state: IncidentState, user: User, at: datetime, source_ids: list[str]) -> list[Action]:
    p = state.participants.get(user.id)
    if p is not None:
        p.released_at = at
    return [RecordRelease(at=at, incident_id=state.id, user=user, source_ids=source_ids)]


def set_commander(
    state: IncidentState, user: User, at: datetime, source_ids: list[str]
) -> list[Action]:
    state.commander = user
    return []


def roster_answer(state: IncidentState, in_reply_to: str, at: datetime) -> Answer:
    lines = [f"{a.user.label}: {a.task}" for a in state.open_assignments()]
    return Answer(at=at, in_reply_to=in_reply_to, intent="roster", text="\n".join(lines) or "-")
