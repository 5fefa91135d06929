"""Real incident chat (public timelines in shared data) through the engine: every update is
phase-prefixed, cites only live messages, and inferred phases move by the rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.core.actions import PhaseChanged, PostUpdate
from assistant.core.engine import Engine
from assistant.core.events import ClockTick, MessagePosted
from assistant.core.model import (
    PHASE_ORDER,
    ChatMessage,
    IncidentConfig,
    IncidentState,
    Phase,
    User,
)
from assistant.core.phases import LABELS

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "timelines"
T0 = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)


def _chat_timelines() -> list[Path]:
    if not SHARED.is_dir():
        return []
    out = []
    for path in sorted(SHARED.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("n_chat_messages", 0) >= 10:
            out.append(path)
    return out


@pytest.mark.parametrize("path", _chat_timelines() or [None], ids=lambda p: p.stem if p else "none")
def test_real_chat_gives_well_formed_updates(path: Path | None) -> None:
    """Replaying real chat yields prefixed updates that cite existing messages only."""
    if path is None:
        pytest.skip("shared timelines not available")
    data = json.loads(path.read_text(encoding="utf-8"))
    chat = [e for e in data["events"] if e.get("type") == "chat" and e.get("speaker")]
    state = IncidentState(
        id="c1", config=IncidentConfig(lang="en", auto_confirm_proposals=True, cadence_minutes=10)
    )
    engine = Engine()
    posted: list[PostUpdate] = []
    changes: list[PhaseChanged] = []
    for i, event in enumerate(chat):
        now = T0 + timedelta(minutes=2 * i)
        while (due := engine.next_due(state)) is not None and due <= now:
            posted += [a for a in engine.handle(state, ClockTick(at=due, incident_id="c1"))
                       if isinstance(a, PostUpdate)]  # fmt: skip
        speaker = str(event["speaker"])
        user = User(id=speaker, name=speaker)
        msg = ChatMessage(id=f"m{i}", author=user, at=now, content=str(event["text"]))
        actions = engine.handle(state, MessagePosted(at=now, incident_id="c1", message=msg))
        posted += [a for a in actions if isinstance(a, PostUpdate)]
        changes += [a for a in actions if isinstance(a, PhaseChanged)]
    assert posted, "a long real conversation produces at least one update"
    labels = tuple(LABELS["en"].values())
    for action in posted:
        update = action.update
        assert update.headline.startswith(labels)
        assert set(update.source_ids) <= set(state.messages)
        assert all(c.source_ids for c in update.claims)
    for change in changes:
        assert change.previous is not None
        forward = PHASE_ORDER.index(change.phase) > PHASE_ORDER.index(change.previous)
        assert forward or change.phase is Phase.INVESTIGATING or change.how == "prefix"
