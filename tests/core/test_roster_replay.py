"""Replay ticking only at next_due raises the same roster flags as a live clock ticking often."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.actions import Flag
from assistant.core.engine import Engine
from assistant.core.events import (
    ClockTick,
    Command,
    Event,
    MemberJoined,
    MemberLeft,
    MessagePosted,
)
from assistant.core.model import ChatMessage, IncidentConfig, IncidentState, User

T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
LIVE_STEP = timedelta(seconds=10)
COMMANDER = User(id="id-ic", name="ic")
PEOPLE = [User(id=f"id-p{i}", name=f"p{i}") for i in range(4)]
OPS = ("join", "say", "assign", "done", "release", "leave", "react_task")

steps = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=40),  # gap in 10-second units
        st.sampled_from(OPS),
        st.integers(min_value=0, max_value=len(PEOPLE) - 1),
    ),
    max_size=25,
)


def events(plan: list[tuple[int, str, int]]) -> list[Event]:
    """Events at times 5 s off the live clock's grid, so no event coincides with a tick."""
    at = T0 + timedelta(seconds=5)
    out: list[Event] = [
        Command(at=at, incident_id="i", name="declare", user=COMMANDER, args={"title": "t"})
    ]
    for n, (gap, op, who) in enumerate(plan):
        at += gap * LIVE_STEP
        user = PEOPLE[who]
        if op == "join":
            out.append(MemberJoined(at=at, incident_id="i", user=user))
        elif op == "leave":
            out.append(MemberLeft(at=at, incident_id="i", user=user))
        elif op in ("say", "done"):
            text = "rollback complete" if op == "done" else "looking at graphs"
            msg = ChatMessage(id=f"m{n}", author=user, at=at, content=text)
            out.append(MessagePosted(at=at, incident_id="i", message=msg))
        elif op in ("assign", "react_task"):
            args = {"user": user, "task": f"task {n % 3}", "purpose": "why"}
            out.append(Command(at=at, incident_id="i", name="assign", user=COMMANDER, args=args))
        else:
            args = {"user": user}
            out.append(Command(at=at, incident_id="i", name="release", user=COMMANDER, args=args))
    return out


def fresh() -> tuple[Engine, IncidentState]:
    config = IncidentConfig(lang="en", unassigned_minutes=3, idle_minutes=5)
    return Engine(), IncidentState(id="i", config=config)


def replay(plan: list[Event], end: datetime) -> list[Flag]:
    engine, state = fresh()
    flags: list[Flag] = []

    def until(limit: datetime, inclusive: bool) -> None:
        while (due := engine.next_due(state)) is not None and (
            due < limit or (inclusive and due == limit)
        ):
            actions = engine.handle(state, ClockTick(at=due, incident_id="i"))
            flags.extend(a for a in actions if isinstance(a, Flag))

    for event in plan:
        until(event.at, inclusive=False)
        flags.extend(a for a in engine.handle(state, event) if isinstance(a, Flag))
    until(end, inclusive=True)
    return flags


def live(plan: list[Event], end: datetime) -> list[Flag]:
    engine, state = fresh()
    flags: list[Flag] = []
    queue = list(plan)
    tick = T0
    while tick <= end:
        while queue and queue[0].at < tick:
            flags.extend(a for a in engine.handle(state, queue.pop(0)) if isinstance(a, Flag))
        actions = engine.handle(state, ClockTick(at=tick, incident_id="i"))
        flags.extend(a for a in actions if isinstance(a, Flag))
        tick += LIVE_STEP
    return flags


@settings(max_examples=40, deadline=None)
@given(steps)
def test_replay_at_next_due_matches_a_live_clock(plan: list[tuple[int, str, int]]) -> None:
    """Every flag a frequent live clock raises, replay raises too, at the moment it fell due
    (at most one live tick earlier), about the same people."""
    evs = events(plan)
    end = evs[-1].at + timedelta(minutes=20) - timedelta(seconds=5)  # on the live grid
    got, want = replay(evs, end), live(evs, end)
    assert [(f.reason, [u.id for u in f.users]) for f in got] == [
        (f.reason, [u.id for u in f.users]) for f in want
    ]
    for r, w in zip(got, want, strict=True):
        assert r.at <= w.at < r.at + LIVE_STEP
