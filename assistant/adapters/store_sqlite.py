"""The SQLite state store: one file (WAL), the default.

The behaviour (one transaction per event and its actions, keyed events, snapshots, the
outbox, leases and fencing) is ``store_sql.SqlStore``'s; this module opens the file and
migrates its schema. The schema is versioned (``PRAGMA user_version``) and migrated on open,
one version at a time; a file written by a newer version is refused rather than guessed at.
Two processes on one file on one host can share it: the lease keeps one of them active.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from assistant.adapters.store_sql import Cursor, SqlStore
from assistant.store import Lease, LeaseLost, LoadedIncident, OutboxRow, StoreError

# Version 1: the schema before versioning (a file written then has user_version 0).
SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS incidents (
    id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    phase TEXT NOT NULL,
    is_open INTEGER NOT NULL DEFAULT 1
);
-- kept apart from ``incidents`` so that the per-event bookkeeping never rewrites it
CREATE TABLE IF NOT EXISTS snapshots (
    incident_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    state_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    incident_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    key TEXT NOT NULL,
    at TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (incident_id, seq),
    UNIQUE (incident_id, key)
);
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id TEXT NOT NULL,
    event_seq INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    at TEXT NOT NULL,
    type TEXT NOT NULL,
    json TEXT NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0,
    external_id TEXT,
    held INTEGER NOT NULL DEFAULT 0,
    UNIQUE (incident_id, event_seq, idx)
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (delivered, seq);
CREATE TABLE IF NOT EXISTS messages (
    incident_id TEXT NOT NULL,
    id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    author_name TEXT NOT NULL,
    at TEXT NOT NULL,
    content TEXT NOT NULL,
    edited_at TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (incident_id, id)
);
CREATE TABLE IF NOT EXISTS participants (
    incident_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    joined_at TEXT NOT NULL,
    last_active_at TEXT NOT NULL,
    released_at TEXT,
    left_at TEXT,
    PRIMARY KEY (incident_id, user_id)
);
CREATE TABLE IF NOT EXISTS assignments (
    incident_id TEXT NOT NULL,
    id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    task TEXT NOT NULL,
    purpose TEXT,
    status TEXT NOT NULL,
    since TEXT NOT NULL,
    closed_at TEXT,
    PRIMARY KEY (incident_id, id)
);
CREATE TABLE IF NOT EXISTS updates (
    outbox_seq INTEGER PRIMARY KEY,
    incident_id TEXT NOT NULL,
    at TEXT NOT NULL,
    phase TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cursors (
    channel_id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS health (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS llm_calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    incident_id TEXT,
    prompt_name TEXT NOT NULL,
    model TEXT NOT NULL,
    tokens_in INTEGER NOT NULL,
    tokens_out INTEGER NOT NULL,
    latency_ms REAL NOT NULL,
    outcome TEXT NOT NULL,
    error TEXT
);
"""


# Version 2: leases, for an active process and its standbys on one store.
SCHEMA_V2 = """
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    expires_at REAL NOT NULL  -- seconds since 1970 by this host's clock
);
"""
SCHEMA_VERSION = 2


class SqliteStore(SqlStore):
    """The state store over one SQLite file (WAL)."""

    BEGIN = "BEGIN IMMEDIATE"  # take the write lock first: a takeover waits for us
    NOW = "((julianday('now') - 2440587.5) * 86400.0)"
    INCIDENT_ORDER = "rowid"

    def __init__(self, path: str | Path, *, snapshot_every: int = 1000) -> None:
        self.path = str(path)
        super().__init__(where=self.path, snapshot_every=snapshot_every)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=5000")  # another process on the same file
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the state store ({exc})") from exc

    def _execute(self, sql: str, args: Sequence[object] = ()) -> Cursor:
        return self._db.execute(sql, args)

    def _executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        self._db.executemany(sql, rows)

    def _insert_outbox(self, args: Sequence[object]) -> int:
        cur = self._db.execute(
            "INSERT INTO outbox (incident_id, event_seq, idx, at, type, json, held)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            args,
        )
        return int(cur.lastrowid or 0)

    def _migrate(self) -> None:
        """Bring a state file written by an earlier version up to this schema, one version
        per transaction; refuse a file from a newer version."""
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: the state store has schema version {version}, newer than this"
                f" program's {SCHEMA_VERSION}; upgrade incident-assistant"
            )
        if version < 1:
            self._db.executescript(SCHEMA_V1)  # idempotent: an unversioned file may hold it
            columns = {r[1] for r in self._db.execute("PRAGMA table_info(outbox)")}
            if "held" not in columns:
                self._db.execute("ALTER TABLE outbox ADD COLUMN held INTEGER NOT NULL DEFAULT 0")
            self._db.execute("PRAGMA user_version = 1")
        if version < 2:
            with self._tx(fenced=False):
                self._db.execute(SCHEMA_V2)
                self._db.execute("PRAGMA user_version = 2")

    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self._db.close()


__all__ = ["Lease", "LeaseLost", "LoadedIncident", "OutboxRow", "SqliteStore", "StoreError"]
