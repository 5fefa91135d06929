"""The state store's guarantees, on SQLite and on a real PostgreSQL server alike."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from assistant.adapters.store_postgres import SCHEMA_VERSION as PG_VERSION
from assistant.adapters.store_postgres import PostgresStore
from assistant.adapters.store_sqlite import SCHEMA_V1, SqliteStore
from assistant.adapters.store_sqlite import SCHEMA_VERSION as SQLITE_VERSION
from assistant.core.actions import Notice
from assistant.core.engine import Engine
from assistant.core.events import MessagePosted
from assistant.core.model import ChatMessage, IncidentConfig, IncidentState, User
from assistant.service import IncidentService
from assistant.store import LeaseLost, StoreError, StorePort

OpenStore = Callable[..., StorePort]
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
ALICE = User(id="1", name="alice")


def _msg(n: int, text: str = "investigating the 500s") -> MessagePosted:
    at = T0 + timedelta(minutes=n)
    return MessagePosted(
        at=at,
        incident_id="c1",
        message=ChatMessage(id=f"m{n}", author=ALICE, content=text, at=at),
    )


def _notice(n: int) -> Notice:
    return Notice(at=T0 + timedelta(minutes=n), incident_id="c1", kind="ack", text=f"ok {n}")


def _service(store: StorePort) -> IncidentService:
    return IncidentService(store, Engine(), defaults=IncidentConfig(lang="en"))


def test_an_event_and_its_actions_survive_a_restart(open_store: OpenStore) -> None:
    """Events handled through the service, then a new store on the same database: the
    state rebuilt from the snapshot plus the log equals the state before, the outbox
    is the same, and the same events offered again are handled once."""
    store = open_store(snapshot_every=3)
    service = _service(store)
    service.ensure_incident("c1", channel_id="c1", title="500s")
    for n in range(8):
        asyncio.run(service.handle(_msg(n, f"message {n}: checking the api")))
    before = service.state("c1")
    assert before is not None
    outbox = [(r.seq, r.action) for r in store.outbox("c1")]
    store.close()

    store = open_store(snapshot_every=3)
    again = _service(store)
    rebuilt = again.state("c1")
    assert rebuilt is not None and rebuilt.model_dump() == before.model_dump()
    assert [(r.seq, r.action) for r in store.outbox("c1")] == outbox
    for n in range(8):
        assert asyncio.run(again.handle(_msg(n, f"message {n}: checking the api"))) == []
    assert len(store.outbox("c1")) == len(outbox)
    assert store.last_message("c1") == "m7"
    assert {row[1] for row in store.table("messages", "c1")} == {f"m{n}" for n in range(8)}
    store.close()


def test_held_rows_wait_for_their_wording(open_store: OpenStore) -> None:
    """A held row is stored but not pending; ``release`` gives its words and makes it
    pending; after a restart ``release_all_held`` frees what nobody is wording any more."""
    store = open_store()
    state = IncidentState(id="c1", channel_id="c1")
    store.create(state)
    rows = store.commit_event(
        state, key="k1", event=_msg(1), actions=[_notice(1), _notice(2)], seq=1, held={1}
    )
    assert [r.held for r in rows] == [False, True]
    assert [(r.event_seq, r.idx) for r in rows] == [(1, 0), (1, 1)]
    assert [r.seq for r in store.outbox("c1", pending_only=True)] == [rows[0].seq]
    store.release(rows[1].seq, _notice(3))
    pending = store.outbox("c1", pending_only=True)
    assert [r.action for r in pending] == [_notice(1), _notice(3)]
    store.commit_event(state, key="k2", event=_msg(2), actions=[_notice(4)], seq=2, held={0})
    assert store.release_all_held() == 1
    assert len(store.outbox("c1", pending_only=True)) == 3


def test_deliveries_are_marked_once_carried_out(open_store: OpenStore) -> None:
    """``mark_delivered`` takes a row out of the pending ones and keeps what it posted."""
    store = open_store()
    state = IncidentState(id="c1", channel_id="c1")
    store.create(state)
    a, b = store.commit_event(
        state, key="k", event=_msg(1), actions=[_notice(1), _notice(2)], seq=1
    )
    store.mark_delivered(a.seq, "9001")
    store.mark_all_delivered([b.seq])
    assert store.outbox("c1", pending_only=True) == []
    assert [(r.delivered, r.external_id) for r in store.outbox("c1")] == [
        (True, "9001"),
        (True, None),
    ]


def test_a_failed_batch_writes_nothing(open_store: OpenStore) -> None:
    """A batch is all or nothing: an error inside it leaves no event and no action."""
    store = open_store()
    state = IncidentState(id="c1", channel_id="c1")
    store.create(state)
    with pytest.raises(RuntimeError), store.batch():
        store.commit_event(state, key="k1", event=_msg(1), actions=[_notice(1)], seq=1)
        raise RuntimeError("boom")
    assert store.outbox() == [] and store.processed_keys("c1") == set()
    assert store.last_message("c1") is None


def test_the_same_event_key_cannot_be_logged_twice(open_store: OpenStore) -> None:
    """The log refuses a second event with a key it holds (the database enforces it)."""
    store = open_store()
    state = IncidentState(id="c1", channel_id="c1")
    store.create(state)
    store.commit_event(state, key="k1", event=_msg(1), actions=[_notice(1)], seq=1)
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.UniqueViolation)):
        store.commit_event(state, key="k1", event=_msg(1), actions=[_notice(1)], seq=2)
    assert len(store.outbox()) == 1


def test_one_holder_at_a_time_and_fencing(open_store: OpenStore) -> None:
    """A held lease is refused to another holder; once it expires the other takes it with
    the next epoch, the first can neither renew it nor write anything more."""
    a, b = open_store(), open_store()
    lease_a = a.acquire_lease("bot", "A", 0.4)
    assert lease_a is not None and lease_a.epoch == 1
    a.fence(lease_a)
    assert b.acquire_lease("bot", "B", 30) is None
    state = IncidentState(id="c1", channel_id="c1")
    a.create(state)
    a.commit_event(state, key="k1", event=_msg(1), actions=[_notice(1)], seq=1)
    time.sleep(0.5)
    lease_b = b.acquire_lease("bot", "B", 30)
    assert lease_b is not None and lease_b.epoch == 2
    assert a.renew_lease(lease_a, 30) is None
    with pytest.raises(LeaseLost):
        a.commit_event(state, key="k2", event=_msg(2), actions=[_notice(2)], seq=2)
    with pytest.raises(LeaseLost), a.batch():
        pass
    assert b.processed_keys("c1") == {"k1"}
    b.fence(lease_b)
    b.commit_event(state, key="k2", event=_msg(2), actions=[_notice(2)], seq=2)
    assert b.renew_lease(lease_b, 30) is not None


def test_a_released_lease_is_taken_at_once(open_store: OpenStore) -> None:
    """A clean stop releases the lease: a standby takes it without waiting for it to expire,
    and a holder that takes its own valid lease again keeps its epoch."""
    a, b = open_store(), open_store()
    lease = a.acquire_lease("bot", "A", 30)
    assert lease is not None
    again = a.acquire_lease("bot", "A", 30)
    assert again is not None and again.epoch == lease.epoch
    assert b.acquire_lease("bot", "B", 30) is None
    a.release_lease(lease)
    taken = b.acquire_lease("bot", "B", 30)
    assert taken is not None and taken.epoch == lease.epoch + 1
    assert b.acquire_lease("other", "B", 30) is not None  # leases are per name


def test_an_empty_database_gets_the_whole_schema(open_store: OpenStore) -> None:
    """Opening an empty database creates every table at the latest version, and opening it
    again changes nothing."""
    store = open_store()
    latest = SQLITE_VERSION if isinstance(store, SqliteStore) else PG_VERSION
    assert store.schema_version() == latest
    store.close()
    assert open_store().schema_version() == latest


def test_sqlite_state_file_from_main_is_migrated(tmp_path: Path) -> None:
    """A state file written by the previous version (unversioned, no leases table) keeps
    its incidents, log and outbox, and gains leases."""
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_V1)
    state = IncidentState(id="c1", channel_id="c1")
    db.execute(
        "INSERT INTO incidents (id, channel_id, title, phase, is_open)"
        " VALUES ('c1', 'c1', '', 'investigating', 1)"
    )
    db.execute(
        "INSERT INTO snapshots (incident_id, seq, state_json) VALUES ('c1', 0, ?)",
        (state.model_dump_json(),),
    )
    db.execute(
        "INSERT INTO outbox (incident_id, event_seq, idx, at, type, json)"
        " VALUES ('c1', 1, 0, ?, 'notice', ?)",
        (T0.isoformat(), _notice(1).model_dump_json()),
    )
    db.commit()
    assert db.execute("PRAGMA user_version").fetchone()[0] == 0
    db.close()
    store = SqliteStore(path)
    assert store.schema_version() == SQLITE_VERSION
    assert [r.action for r in store.outbox("c1", pending_only=True)] == [_notice(1)]
    assert store.load("c1") is not None
    assert store.acquire_lease("bot", "A", 30) is not None
    store.close()


def test_postgres_database_of_the_first_version_is_migrated(pg_url: str) -> None:
    """A database at schema version 1 (before leases) keeps its data and gains leases."""
    old = PostgresStore(pg_url, migrate_to=1)
    assert old.schema_version() == 1
    state = IncidentState(id="c1", channel_id="c1")
    old.create(state)
    old.commit_event(state, key="k1", event=_msg(1), actions=[_notice(1)], seq=1)
    old.close()
    store = PostgresStore(pg_url)
    assert store.schema_version() == PG_VERSION > 1
    assert [r.action for r in store.outbox("c1")] == [_notice(1)]
    assert store.processed_keys("c1") == {"k1"}
    assert store.acquire_lease("bot", "A", 30) is not None
    store.close()


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path, pg_url: str) -> None:
    """A schema newer than this program's is an error naming the store, not a guess."""
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SQLITE_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer"):
        SqliteStore(path)
    PostgresStore(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as db2:
        db2.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (PG_VERSION + 1,))
    with pytest.raises(StoreError, match="newer"):
        PostgresStore(pg_url)


def test_an_unreachable_postgres_is_one_clear_error() -> None:
    """A server that is not there is a StoreError naming it, without the password."""
    with pytest.raises(StoreError) as info:
        PostgresStore("postgresql://bot:s3cret@127.0.0.1:9/state?connect_timeout=2")
    assert "127.0.0.1:9" in str(info.value) and "s3cret" not in str(info.value)


def test_backlog_and_write_probe(open_store: OpenStore) -> None:
    """The health checks' view: undelivered rows are the backlog, and the write probe
    commits even when this process's lease is lost (it asks about the store, not the
    lease)."""
    store = open_store()
    state = IncidentState(id="c1", channel_id="c1")
    store.create(state)
    a, _ = store.commit_event(
        state, key="k", event=_msg(1), actions=[_notice(1), _notice(2)], seq=1, held={1}
    )
    assert store.backlog() == 2
    store.mark_delivered(a.seq)
    assert store.backlog() == 1
    lease = store.acquire_lease("bot", "A", 0.1)
    assert lease is not None
    store.fence(lease)
    time.sleep(0.2)
    store.probe_write(T0)
    with pytest.raises(LeaseLost):
        store.create(IncidentState(id="c2", channel_id="c2"))
