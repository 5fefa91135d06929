"""The service and the LLM engine: what each update is written against, across a restart.

An update is polished against the last update posted to the same readers, as they saw it
(the LLM's words, read back from the outbox after a restart), so its unchanged claims can
keep their words. An approved /update draft is posted as approved, never polished again.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from assistant.adapters.export_dce import load_export
from assistant.adapters.store_sqlite import SqliteStore
from assistant.core.actions import PostUpdate
from assistant.core.engine import Engine
from assistant.core.model import Answer, ChatMessage, IncidentConfig, IncidentState, StatusUpdate
from assistant.service import IncidentService
from tests.conftest import REPO

SAMPLE = REPO / "samples" / "en-flag-disable" / "export.json"


class RecordingPolisher:
    """Marks every update it polishes, and records what each was written against."""

    def __init__(self) -> None:
        self.calls: list[tuple[StatusUpdate, StatusUpdate | None]] = []

    async def polish_update(
        self,
        state: IncidentState,
        update: StatusUpdate,
        *,
        previous: StatusUpdate | None,
        since: list[ChatMessage],
    ) -> StatusUpdate:
        self.calls.append((update, previous))
        n = len(self.calls)
        return update.model_copy(
            update={"headline": f"{update.headline} (polished {n})", "engine": "llm"}
        )

    async def polish_answer(self, state: IncidentState, answer: Answer, *, question: str) -> Answer:
        return answer


def _service(path: Path, llm: RecordingPolisher) -> IncidentService:
    return IncidentService(
        SqliteStore(path), Engine(), defaults=IncidentConfig(auto_confirm_proposals=True), llm=llm
    )


async def _feed(service: IncidentService, events: list, incident_id: str) -> None:  # type: ignore[type-arg]
    for event in events:
        await service.run_due_ticks(incident_id, event.at)
        await service.handle(event)


def _posted(service: IncidentService, incident_id: str) -> list[StatusUpdate]:
    return [
        d.action.update
        for d in service.deliveries(incident_id)
        if isinstance(d.action, PostUpdate) and d.action.draft_for is None
    ]


def test_each_update_is_polished_against_the_last_posted_even_after_a_restart(
    tmp_path: Path,
) -> None:
    """Previous = the update as posted (polished words), also for a fresh service process."""
    export = load_export(SAMPLE)
    inc = export.incident_id
    events = export.events
    half = len(events) // 2
    first_llm = RecordingPolisher()
    first = _service(tmp_path / "s.sqlite3", first_llm)
    first.ensure_incident(inc, channel_id=export.channel_id)
    asyncio.run(_feed(first, events[:half], inc))
    posted_before = _posted(first, inc)
    assert posted_before, "the first half of the sample posts no update"
    assert len(first_llm.calls) == len(posted_before)
    assert first_llm.calls[0][1] is None
    for (_, previous), earlier in zip(first_llm.calls[1:], posted_before, strict=False):
        assert previous == earlier  # the posted, polished one
    first.store.close()

    second_llm = RecordingPolisher()
    second = _service(tmp_path / "s.sqlite3", second_llm)
    asyncio.run(_feed(second, events[half:], inc))
    assert second_llm.calls, "the second half of the sample posts no update"
    previous = second_llm.calls[0][1]
    assert previous == posted_before[-1]
    assert previous is not None and "(polished" in previous.headline
    second.store.close()


def test_an_approved_draft_is_posted_as_approved_and_becomes_the_previous(
    tmp_path: Path,
) -> None:
    """post_draft never reaches the LLM; the next update is written against the draft."""
    export = load_export(SAMPLE)
    inc = export.incident_id
    events = export.events
    half = len(events) // 2
    llm = RecordingPolisher()
    service = _service(tmp_path / "s.sqlite3", llm)
    service.ensure_incident(inc, channel_id=export.channel_id)
    asyncio.run(_feed(service, events[:half], inc))
    state = service.state(inc)
    assert state is not None and state.commander is not None and state.now is not None
    approved = _posted(service, inc)[-1].model_copy(
        update={
            "at": state.now + timedelta(seconds=1),
            "headline": "Approved words, edited by the commander.",
            "kind": "manual",
        }
    )
    calls = len(llm.calls)
    deliveries = asyncio.run(service.post_draft(inc, approved))
    assert len(llm.calls) == calls
    posted = [d.action.update for d in deliveries if isinstance(d.action, PostUpdate)]
    assert [u.headline for u in posted] == [approved.headline]
    asyncio.run(_feed(service, events[half:], inc))
    assert len(llm.calls) > calls, "the second half of the sample posts no update"
    assert llm.calls[calls][1] == posted[0]
    service.store.close()
