"""The incremental merge of facts gives exactly what a full recomputation gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.core.engine import Engine
from assistant.core.events import MessageDeleted, MessageEdited, MessagePosted
from assistant.core.model import ChatMessage, IncidentConfig, IncidentState, User
from assistant.core.update_select import _merge, live_facts, merged_live_facts

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
ALICE = User(id="u1", name="alice")
LINES = [
    "error rate is up to 8% on checkout",
    "エラー率が8%まで上がっています",
    "we deployed v2.3.1 at 09:50",
    "rolling back to v2.3.0 now",
    "the root cause is the new connection pool size",
    "error rate back to normal",
    "メトリクスが平常値に戻りました",
    "maybe the cache is involved",
]

step = st.one_of(
    st.tuples(st.just("post"), st.integers(0, len(LINES) - 1)),
    st.tuples(st.just("edit"), st.integers(0, len(LINES) - 1)),
    st.tuples(st.just("delete"), st.integers(0, 30)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(step, min_size=1, max_size=40))
def test_incremental_merge_matches_full_recomputation(steps: list[tuple[str, int]]) -> None:
    """Whatever mix of posts, edits and deletions, the cached merge equals the full one
    after every event (the cache is only an optimisation)."""
    state = IncidentState(id="c1", config=IncidentConfig(lang="en"))
    engine = Engine()
    posted: list[str] = []
    for i, (kind, n) in enumerate(steps):
        at = T0 + timedelta(minutes=i)
        if kind == "post":
            mid = f"m{i}"
            msg = ChatMessage(id=mid, author=ALICE, at=at, content=LINES[n])
            engine.handle(state, MessagePosted(at=at, incident_id="c1", message=msg))
            posted.append(mid)
        elif posted and kind == "edit":
            target = posted[n % len(posted)]
            engine.handle(
                state,
                MessageEdited(
                    at=at, incident_id="c1", message_id=target, content=LINES[(n + 3) % len(LINES)]
                ),
            )
        elif posted:
            engine.handle(
                state, MessageDeleted(at=at, incident_id="c1", message_id=posted[n % len(posted)])
            )
        assert merged_live_facts(state) == _merge(live_facts(state))
