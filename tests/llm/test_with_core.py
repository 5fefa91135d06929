"""The LLM engine on the real offline core's updates: bundled samples, ja and en.

A cooperative fake model returns each draft as valid JSON, so every update the core
posts should come back as the LLM's, with the offline phase and sources. This catches
drift between the offline composer's updates and what the LLM layer accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.adapters.export_dce import load_export
from assistant.core.actions import PostUpdate
from assistant.core.engine import Engine
from assistant.core.events import ClockTick, Event
from assistant.core.model import IncidentConfig, IncidentState, StatusUpdate
from assistant.llm.context import messages_since
from tests.llm.conftest import Wired
from tests.llm.fake_server import FakeOpenAIServer, rewrite_draft

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _with_ticks(core: Engine, state: IncidentState, event: Event) -> list[Any]:
    actions: list[Any] = []
    while True:
        due = core.next_due(state)
        if due is None or due > event.at or (state.now is not None and due <= state.now):
            break
        actions += core.handle(state, ClockTick(at=due, incident_id=state.id))
    return actions + core.handle(state, event)


@pytest.mark.parametrize("sample", ["ja-release-rollback", "en-flag-disable"])
async def test_every_offline_update_of_a_sample_polishes_cleanly(
    server: FakeOpenAIServer, wire: Callable[..., Wired], sample: str
) -> None:
    """Each update the core posts, rewritten by a cooperative model, is accepted as is."""
    path = SAMPLES / sample / "export.json"
    if not path.is_file():
        pytest.skip(f"bundled sample not found: {path}")
    export = load_export(path)
    bot = export.bot_candidates[0] if export.bot_candidates else None
    state = IncidentState(
        id=export.incident_id,
        config=IncidentConfig(
            auto_confirm_proposals=True,
            bot_name=bot.name if bot else None,
            bot_user_id=bot.id if bot else None,
        ),
    )
    server.responder = rewrite_draft
    w = wire()
    core = Engine()
    previous: StatusUpdate | None = None
    polished: list[tuple[StatusUpdate, StatusUpdate]] = []
    for event in export.events:
        for action in _with_ticks(core, state, event):
            if isinstance(action, PostUpdate) and action.draft_for is None:
                result = await w.engine.polish_update(
                    state, action.update, previous=previous, since=messages_since(state, previous)
                )
                polished.append((action.update, result))
                previous = result
    assert polished, "the sample produced no update"
    for offline, result in polished:
        assert result.engine == "llm", w.audit.records
        assert result.phase == offline.phase
        assert result.headline == " ".join(offline.headline.split())
        assert set(result.source_ids) >= set(offline.source_ids)
    assert all(r.outcome == "ok" for r in w.audit.records)
