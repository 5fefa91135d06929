"""Status updates: composition, audiences, cadence. STUB: owned by the phases/updates work."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from assistant.core.actions import Action, PostUpdate
from assistant.core.model import Answer, Audience, IncidentState, StatusUpdate
from assistant.core.phases import label

UpdateKind = Literal["scheduled", "phase_change", "manual", "closing", "declared"]


def compose(
    state: IncidentState, kind: UpdateKind, at: datetime, audience: Audience | None = None
) -> StatusUpdate:
    head = label(state.phase, state.lang, state.config.phase_labels) + " " + (state.title or "")
    return StatusUpdate(at=at, phase=state.phase, lang=state.lang,
                        audience=audience or state.config.audience, kind=kind, headline=head,
                        text=head)


def mark_posted(state: IncidentState, update: StatusUpdate) -> None:
    state.updates.append(update)
    state.last_update_at = update.at
    state.activity_since_update = False


def next_due(state: IncidentState) -> datetime | None:
    if not state.is_open or state.last_update_at is None:
        return None
    return state.last_update_at + state.minutes(state.config.cadence_minutes)


def on_tick(state: IncidentState, at: datetime) -> list[Action]:
    due = next_due(state)
    if due is None or at < due or not state.activity_since_update:
        return []
    update = compose(state, "scheduled", at)
    mark_posted(state, update)
    return [PostUpdate(at=at, incident_id=state.id, update=update)]


def status_answer(state: IncidentState, in_reply_to: str, at: datetime) -> Answer:
    update = compose(state, "manual", at)
    return Answer(at=at, in_reply_to=in_reply_to, intent="status", text=update.text,
                  source_ids=update.source_ids)
