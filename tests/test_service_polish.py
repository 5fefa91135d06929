"""The service and the LLM engine: what each update is written against, across a restart.

An update is polished against the last update posted to the same readers, as they saw it
(the LLM's words, read back from the outbox after a restart), so its unchanged claims can
keep their words. An approved /update draft is posted as approved, never polished again.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.adapters.export_dce import load_export
from assistant.adapters.store_sqlite import SqliteStore
from assistant.core.actions import Action, PostUpdate
from assistant.core.engine import Engine
from assistant.core.events import ClockTick, Command, Event, MessagePosted
from assistant.core.model import (
    Answer,
    ChatMessage,
    IncidentConfig,
    IncidentState,
    StatusUpdate,
    User,
)
from assistant.service import EngineFailure, IncidentService
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
        remember: bool = True,
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


# ---------------------------------------------------------------- wording outside the lock
ALICE = User(id="1", name="alice")
BOB = User(id="2", name="bob")
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


class GatedPolisher(RecordingPolisher):
    """Holds every update until the test opens the gate; answers go straight through."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.waiting = asyncio.Event()

    async def polish_update(
        self,
        state: IncidentState,
        update: StatusUpdate,
        *,
        previous: StatusUpdate | None,
        since: list[ChatMessage],
        remember: bool = True,
    ) -> StatusUpdate:
        self.waiting.set()
        await self.gate.wait()
        return await super().polish_update(
            state, update, previous=previous, since=since, remember=remember
        )


def _gated(tmp_path: Path, *, gate_open: bool = False) -> tuple[GatedPolisher, IncidentService]:
    """A service on a fresh store with the gated LLM and the incident "inc"."""
    llm = GatedPolisher()
    if gate_open:
        llm.gate.set()
    service = _service(tmp_path / "s.sqlite3", llm)
    service.ensure_incident("inc", channel_id="inc")
    return llm, service


def _declare() -> Command:
    return Command(
        at=T0,
        incident_id="inc",
        name="declare",
        user=ALICE,
        args={"title": "checkout errors"},
        privileged=True,
        interaction_id="i1",
    )


def _say(n: int, text: str, who: User = BOB) -> MessagePosted:
    at = T0 + timedelta(minutes=n)
    msg = ChatMessage(id=f"m{n}", author=who, at=at, content=text)
    return MessagePosted(at=at, incident_id="inc", message=msg)


async def _until(flag: asyncio.Event) -> None:
    await asyncio.wait_for(flag.wait(), timeout=10)  # a guard against a hang, not a speed test


async def test_a_slow_wording_holds_up_neither_the_next_event_nor_a_wrong_delivery(
    tmp_path: Path,
) -> None:
    """While the LLM words an update, other events are handled, and the update is not
    offered for delivery in its offline words; once worded it is, once."""
    llm, service = _gated(tmp_path)
    declared = asyncio.create_task(service.handle(_declare()))
    await _until(llm.waiting)
    held = [r for r in service.store.outbox("inc") if isinstance(r.action, PostUpdate)]
    assert [r.held for r in held] == [True]
    assert not any(isinstance(d.action, PostUpdate) for d in service.pending_deliveries("inc"))
    quick = await asyncio.wait_for(service.handle(_say(1, "looking at the logs")), timeout=10)
    assert all(not isinstance(d.action, PostUpdate) for d in quick)
    assert not declared.done()
    llm.gate.set()
    deliveries = await declared
    (update,) = [d.action.update for d in deliveries if isinstance(d.action, PostUpdate)]
    assert update.headline.endswith("(polished 1)")
    pending = [d for d in service.pending_deliveries("inc") if isinstance(d.action, PostUpdate)]
    assert [d.action.update for d in pending] == [update]  # type: ignore[union-attr]
    updates_table = service.store.table("updates", "inc")
    assert [row[5] for row in updates_table] == [update.text]
    service.store.close()


async def test_updates_are_worded_in_order_each_against_the_one_before(tmp_path: Path) -> None:
    """A second update waits for the first one's wording, and is written against it."""
    llm, service = _gated(tmp_path)
    first = asyncio.create_task(service.handle(_declare()))
    await _until(llm.waiting)
    second = asyncio.create_task(service.handle(_say(2, "[Resolved] all good again", ALICE)))
    for _ in range(20):
        await asyncio.sleep(0)
    assert len(llm.calls) == 0 and not second.done()
    llm.gate.set()
    await first
    await second
    assert len(llm.calls) == 2
    first_posted = llm.calls[0][0]
    assert llm.calls[1][1] is not None
    assert llm.calls[1][1].headline == first_posted.headline + " (polished 1)"
    service.store.close()


async def test_an_update_cut_off_mid_wording_is_posted_offline_after_a_restart(
    tmp_path: Path,
) -> None:
    """The process dies while the LLM works: the event is kept, and the next start offers
    the update once, in its offline words."""
    llm, service = _gated(tmp_path)
    task = asyncio.create_task(service.handle(_declare()))
    await _until(llm.waiting)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    service.store.close()

    again = _service(tmp_path / "s.sqlite3", RecordingPolisher())
    (delivery,) = [d for d in again.pending_deliveries("inc") if isinstance(d.action, PostUpdate)]
    assert isinstance(delivery.action, PostUpdate)
    assert delivery.action.update.engine == "offline"
    assert not delivery.action.update.headline.endswith(")")
    assert await again.handle(_declare()) == []  # the event itself is not handled twice
    again.store.close()


async def test_an_approved_draft_waits_for_the_update_being_worded(tmp_path: Path) -> None:
    """Posted while an earlier update is with the LLM, the draft goes out after it, is the
    next update's previous, and lends no LLM wording (the commander may have edited it)."""
    llm, service = _gated(tmp_path)
    auto_task = asyncio.create_task(service.handle(_declare()))
    await _until(llm.waiting)
    auto = next(
        r.action.update for r in service.store.outbox("inc") if isinstance(r.action, PostUpdate)
    )
    claims = [c.model_copy(update={"basis": "k"}) for c in auto.claims]
    approved = auto.model_copy(
        update={
            "at": T0 + timedelta(minutes=5),
            "headline": "[Investigating] approved words",
            "kind": "manual",
            "claims": claims,
        }
    )
    draft_task = asyncio.create_task(service.post_draft("inc", approved))
    for _ in range(20):
        await asyncio.sleep(0)
    assert not draft_task.done()  # waits for the update before it
    assert not any(isinstance(d.action, PostUpdate) for d in service.pending_deliveries("inc"))
    llm.gate.set()
    first = [d for d in await auto_task if isinstance(d.action, PostUpdate)]
    second = [d for d in await draft_task if isinstance(d.action, PostUpdate)]
    assert first[0].seq < second[0].seq
    posted = second[0].action.update  # type: ignore[union-attr]
    assert posted.headline == "[Investigating] approved words"
    assert all(c.basis is None for c in posted.claims)
    assert service._last_posted("inc", posted.audience) == posted
    service.store.close()


async def test_a_wording_cut_off_in_process_is_released_offline_at_once(tmp_path: Path) -> None:
    """Cancelled while the LLM works, the update is released with its offline text for the
    next sweep of pending deliveries; nothing waits for a restart."""
    llm, service = _gated(tmp_path)
    task = asyncio.create_task(service.handle(_declare()))
    await _until(llm.waiting)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    (delivery,) = [d for d in service.pending_deliveries("inc") if isinstance(d.action, PostUpdate)]
    assert delivery.action.update.engine == "offline"  # type: ignore[union-attr]
    # and the next update does not wait for the cancelled one
    llm.gate.set()
    later = await asyncio.wait_for(
        service.handle(_say(30, "[Resolved] all good again", ALICE)), timeout=10
    )
    assert any(isinstance(d.action, PostUpdate) for d in later)
    service.store.close()


async def test_a_tick_run_that_fails_leaves_no_turn_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The core fails on the third tick of a run: the second tick's update, already
    recorded, is released offline, and a later update of the incident does not wait."""
    _, service = _gated(tmp_path, gate_open=True)
    await service.handle(_declare())
    await service.handle(_say(1, "checkout errors for every user since 10:00"))
    handle = service.engine.handle
    ticks: list[ClockTick] = []

    def failing(state: IncidentState, event: Event) -> list[Action]:
        if isinstance(event, ClockTick):
            ticks.append(event)
            if len(ticks) == 3:  # after the flag tick and the update tick
                raise RuntimeError("boom")
        return handle(state, event)

    monkeypatch.setattr(service.engine, "handle", failing)
    with pytest.raises(EngineFailure):
        await service.run_due_ticks("inc", T0 + timedelta(hours=3))
    assert len(ticks) == 3
    assert not any(r.held for r in service.store.outbox("inc"))
    later = await asyncio.wait_for(
        service.handle(_say(200, "[Resolved] all good again", ALICE)), timeout=10
    )
    assert any(isinstance(d.action, PostUpdate) for d in later)
    service.store.close()


async def test_an_update_cancelled_while_waiting_keeps_its_place(tmp_path: Path) -> None:
    """B waits for A's wording and is cancelled: B is not offered before A, and once A is
    out, B follows with its offline text and is the next update's previous."""
    llm, service = _gated(tmp_path)
    a = asyncio.create_task(service.handle(_declare()))
    await _until(llm.waiting)
    b = asyncio.create_task(service.handle(_say(2, "[Resolved] all good again", ALICE)))
    for _ in range(20):
        await asyncio.sleep(0)
    b.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await b
    assert not any(isinstance(d.action, PostUpdate) for d in service.pending_deliveries("inc"))
    llm.gate.set()
    await a
    out = [d for d in service.pending_deliveries("inc") if isinstance(d.action, PostUpdate)]
    assert len(out) == 2 and out[0].seq < out[1].seq
    first, second = (d.action.update for d in out)  # type: ignore[union-attr]
    assert first.headline.endswith("(polished 1)") and second.engine == "offline"
    assert service._last_posted("inc", second.audience) == second
    # nobody sent B (its caller was cancelled): it goes out with the next update, ahead
    after = await service.handle(_say(3, "[Investigating] errors are back", ALICE))
    posts = [d for d in after if isinstance(d.action, PostUpdate)]
    assert len(posts) == 2 and posts[0].seq == out[1].seq
    service.store.close()


async def test_a_failed_release_does_not_leave_the_row_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store refuses the worded text once: the row is released offline right after."""
    import sqlite3

    _, service = _gated(tmp_path, gate_open=True)
    release = service.store.release
    calls: list[int] = []

    def flaky(seq: int, action: Action) -> None:
        calls.append(seq)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        release(seq, action)

    monkeypatch.setattr(service.store, "release", flaky)
    with pytest.raises(sqlite3.OperationalError):
        await service.handle(_declare())
    assert not any(r.held for r in service.store.outbox("inc"))
    assert len(calls) == 2
    declared = [r for r in service.store.outbox("inc") if isinstance(r.action, PostUpdate)]
    later = await service.handle(_say(2, "[Resolved] all good again", ALICE))
    posts = [d for d in later if isinstance(d.action, PostUpdate)]
    assert [d.seq for d in posts] == [declared[0].seq, max(d.seq for d in later)]
    service.store.close()
