"""The store's query tables (messages, participants, assignments, updates) follow a replay."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from assistant.adapters.export_dce import load_export
from assistant.adapters.store_sqlite import SqliteStore
from assistant.core.engine import Engine
from assistant.replay import ReplayOptions, replay
from assistant.service import IncidentService
from assistant.store import StorePort
from tests.conftest import REPO

SAMPLE = REPO / "samples" / "ja-release-rollback" / "export.json"


class _Sink:
    def write(self, s: str) -> int:
        return len(s)

    def flush(self) -> None:
        pass


def test_query_tables_hold_the_incident(open_store: Callable[..., StorePort]) -> None:
    """After a replay the tables tools read hold every message, each participant, each
    assignment (latest status) and each posted update, for that incident only (SQLite
    and PostgreSQL)."""
    store = open_store()
    export = load_export(SAMPLE)
    service = IncidentService(store, Engine())
    asyncio.run(replay(service, export, ReplayOptions(export=SAMPLE, fmt="jsonl"), _Sink()))  # type: ignore[arg-type]
    inc = export.incident_id
    posted = {e.message.id for e in export.events if e.kind == "message_posted"}  # type: ignore[union-attr]
    assert {row[1] for row in store.table("messages", inc)} == posted
    names = {row[2] for row in store.table("participants", inc)}
    assert {"tanaka", "suzuki", "kato"} <= names and "incident-assistant" not in names
    statuses = {row[5] for row in store.table("assignments", inc)}
    assert "open" in statuses or "done" in statuses
    updates = store.table("updates", inc)
    assert updates and all(str(row[5]).startswith("【") for row in updates)
    assert store.table("messages", "another-incident") == []


def test_a_state_file_from_before_held_rows_is_migrated(tmp_path: Path) -> None:
    """An outbox table without the ``held`` column gets it; its rows stay deliverable."""
    import sqlite3

    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, incident_id TEXT NOT NULL,"
        " event_seq INTEGER NOT NULL, idx INTEGER NOT NULL, at TEXT NOT NULL, type TEXT NOT NULL,"
        " json TEXT NOT NULL, delivered INTEGER NOT NULL DEFAULT 0, external_id TEXT,"
        " UNIQUE (incident_id, event_seq, idx))"
    )
    action = '{"type": "notice", "at": "2026-03-01T10:00:00Z", "incident_id": "i",'
    action += ' "kind": "ack", "text": "ok"}'
    db.execute(
        "INSERT INTO outbox (incident_id, event_seq, idx, at, type, json)"
        " VALUES ('i', 1, 0, '2026-03-01T10:00:00Z', 'notice', ?)",
        (action,),
    )
    db.commit()
    db.close()
    store = SqliteStore(path)
    (row,) = store.outbox("i", pending_only=True)
    assert row.held is False and row.action.type == "notice"
    store.close()
