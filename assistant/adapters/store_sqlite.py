"""The SQLite state store: incidents, their event log, the outbox, and query tables.

Durability model (what makes a SIGKILL at any moment harmless):

* Every handled event is written, with the actions it produced (the *outbox*), in ONE
  transaction. Nothing is delivered before that transaction commits.
* The incident state is snapshotted every ``snapshot_every`` events (further apart as it
  grows large); between snapshots the state is rebuilt by re-applying the logged events
  through the deterministic core.
* Events are keyed, so an event seen twice (live and backfill, or a rerun) is handled once.
* Deliveries are marked as they are carried out; undelivered ones are retried on start.

The tables ``messages``, ``assignments`` and ``updates`` are kept for people and tools that
query the store; the core never reads them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import TypeAdapter

from assistant.core.actions import Action, PostUpdate, RecordAssignment
from assistant.core.events import Event, MessageDeleted, MessageEdited, MessagePosted
from assistant.core.model import IncidentState

_ACTION = TypeAdapter(Action)
_EVENT = TypeAdapter(Event)

SCHEMA = """
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


class StoreError(Exception):
    """The state file cannot be opened or is not ours."""


@dataclass(frozen=True)
class OutboxRow:
    seq: int
    incident_id: str
    action: Action
    delivered: bool
    external_id: str | None
    held: bool = False  # persisted, but its LLM wording is still being written


@dataclass(frozen=True)
class LoadedIncident:
    """A snapshot and the events logged after it, to re-apply through the core."""

    state: IncidentState
    last_seq: int
    events_after_snapshot: list[Event]


class SqliteStore:
    """Repository over one SQLite file (WAL). One writer: the service serialises calls."""

    def __init__(self, path: str | Path, *, snapshot_every: int = 1000) -> None:
        self.path = str(path)
        self.snapshot_every = snapshot_every
        self._in_batch = False
        self._summaries: dict[str, tuple[str, str, int]] = {}  # last written incidents row
        self._cursors: dict[str, tuple[str, str, str]] = {}  # cursors of the open batch
        self._snapshots: dict[str, tuple[int, int]] = {}  # last snapshot's seq and size
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(SCHEMA)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the state store ({exc})") from exc

    def _migrate(self) -> None:
        """Bring a state file written by an earlier version up to this schema."""
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(outbox)")}
        if "held" not in columns:
            self._db.execute("ALTER TABLE outbox ADD COLUMN held INTEGER NOT NULL DEFAULT 0")

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        if self._in_batch:  # part of the caller's batch: it commits or rolls back
            yield self._db
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            self._summaries.clear()  # what we think is written may have been rolled back
            raise
        self._db.execute("COMMIT")

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group several events' writes in one transaction (group commit, for replay).

        All or nothing, like a single event: the caller must not act on anything handled
        inside the batch until it has committed.
        """
        if self._in_batch:
            yield
            return
        self._db.execute("BEGIN IMMEDIATE")
        self._in_batch = True
        try:
            yield
        except BaseException:
            self._in_batch = False
            self._db.execute("ROLLBACK")
            self._summaries.clear()
            self._cursors.clear()
            raise
        self._in_batch = False
        self._write_cursors(self._db, list(self._cursors.values()))
        self._cursors.clear()
        self._db.execute("COMMIT")

    # ------------------------------------------------------------------ incidents
    def incident_ids(self, *, open_only: bool = False) -> list[str]:
        sql = "SELECT id FROM incidents" + (" WHERE is_open = 1" if open_only else "")
        return [r[0] for r in self._db.execute(sql + " ORDER BY rowid")]

    def load(self, incident_id: str) -> LoadedIncident | None:
        row = self._db.execute(
            "SELECT s.state_json, s.seq FROM incidents i"
            " JOIN snapshots s ON s.incident_id = i.id WHERE i.id = ?",
            (incident_id,),
        ).fetchone()
        if row is None:
            return None
        state = IncidentState.model_validate_json(row[0])
        self._snapshots[incident_id] = (row[1], len(row[0]))
        events = [
            _EVENT.validate_json(r[0])
            for r in self._db.execute(
                "SELECT json FROM events WHERE incident_id = ? AND seq > ? ORDER BY seq",
                (incident_id, row[1]),
            )
        ]
        return LoadedIncident(
            state=state,
            last_seq=self._last_seq(self._db, incident_id),
            events_after_snapshot=events,
        )

    @staticmethod
    def _last_seq(db: sqlite3.Connection, incident_id: str) -> int:
        row = db.execute(
            "SELECT MAX(seq) FROM events WHERE incident_id = ?", (incident_id,)
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def create(self, state: IncidentState) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO incidents (id, channel_id, title, phase, is_open)"
                " VALUES (?, ?, ?, ?, ?)",
                (state.id, state.channel_id, state.title, state.phase.value, 1),
            )
            db.execute(
                "INSERT OR IGNORE INTO snapshots (incident_id, seq, state_json) VALUES (?, 0, ?)",
                (state.id, state.model_dump_json()),
            )

    def processed_keys(self, incident_id: str) -> set[str]:
        return {
            r[0]
            for r in self._db.execute(
                "SELECT key FROM events WHERE incident_id = ?", (incident_id,)
            )
        }

    def commit_event(
        self,
        state: IncidentState,
        *,
        key: str,
        event: Event,
        actions: list[Action],
        seq: int,
        held: Collection[int] = (),
    ) -> list[OutboxRow]:
        """Persist one handled event, its actions and (periodically) the state, atomically.

        Actions whose index is in ``held`` are stored as they are (the offline text) but not
        offered for delivery until ``release`` gives their final wording.
        """
        rows: list[OutboxRow] = []
        with self._tx() as db:
            db.execute(
                "INSERT INTO events (incident_id, seq, key, at, json) VALUES (?, ?, ?, ?, ?)",
                (state.id, seq, key, event.at.isoformat(), event.model_dump_json()),
            )
            for idx, action in enumerate(actions):
                cur = db.execute(
                    "INSERT INTO outbox (incident_id, event_seq, idx, at, type, json, held)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        state.id,
                        seq,
                        idx,
                        action.at.isoformat(),
                        action.type,
                        action.model_dump_json(),
                        int(idx in held),
                    ),
                )
                out_seq = int(cur.lastrowid or 0)
                rows.append(OutboxRow(out_seq, state.id, action, False, None, idx in held))
                self._index_action(db, out_seq, action)
            self._index_event(db, state.id, event)
            summary = (state.title, state.phase.value, int(state.is_open))
            if self._summaries.get(state.id) != summary:  # the incidents row changes rarely
                db.execute(
                    "UPDATE incidents SET title = ?, phase = ?, is_open = ? WHERE id = ?",
                    (*summary, state.id),
                )
                self._summaries[state.id] = summary
            last_seq, last_size = self._snapshots.get(state.id, (0, 0))
            # Every ``snapshot_every`` events, and at least 1 event apart per 2 KB of state:
            # a snapshot's cost grows with the state, so its cost per event stays flat.
            if seq - last_seq >= max(self.snapshot_every, last_size // 2048):
                self._write_snapshot(db, state, seq)
        return rows

    def snapshot(self, state: IncidentState, seq: int) -> None:
        """Write the full state now (on clean shutdown or at the end of a replay)."""
        with self._tx() as db:
            if self._last_seq(db, state.id) == seq:
                self._write_snapshot(db, state, seq)

    def _write_snapshot(self, db: sqlite3.Connection, state: IncidentState, seq: int) -> None:
        data = state.model_dump_json()
        db.execute(
            "UPDATE snapshots SET state_json = ?, seq = ? WHERE incident_id = ?",
            (data, seq, state.id),
        )
        self._snapshots[state.id] = (seq, len(data))
        self._index_participants(db, state)

    # ------------------------------------------------------------------ outbox
    def outbox(
        self, incident_id: str | None = None, *, pending_only: bool = False
    ) -> list[OutboxRow]:
        """Outbox rows in order; ``pending_only``: not delivered and not held."""
        sql = "SELECT seq, incident_id, json, delivered, external_id, held FROM outbox"
        where, args = [], []
        if incident_id is not None:
            where.append("incident_id = ?")
            args.append(incident_id)
        if pending_only:
            where.append("delivered = 0 AND held = 0")
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._db.execute(sql + " ORDER BY seq", args)
        return [
            OutboxRow(r[0], r[1], _ACTION.validate_json(r[2]), bool(r[3]), r[4], bool(r[5]))
            for r in rows
        ]

    def backlog(self) -> int:
        """Outbox rows not delivered yet (held ones included)."""
        row = self._db.execute("SELECT COUNT(*) FROM outbox WHERE delivered = 0").fetchone()
        return int(row[0])

    def probe_write(self, at: datetime) -> None:
        """Write one row and commit: raises ``sqlite3.Error`` when the file cannot be
        written now (disk full, read-only, locked past the timeout). Inside a batch the
        store is being written already, so there is nothing to probe."""
        if self._in_batch:
            return
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO health (id, at) VALUES (1, ?)", (at.isoformat(),))

    def release(self, seq: int, action: Action) -> None:
        """A held row gets its final wording and becomes deliverable."""
        with self._tx() as db:
            db.execute(
                "UPDATE outbox SET json = ?, held = 0 WHERE seq = ?",
                (action.model_dump_json(), seq),
            )
            if isinstance(action, PostUpdate) and action.draft_for is None:
                db.execute(
                    "UPDATE updates SET text = ? WHERE outbox_seq = ?", (action.update.text, seq)
                )

    def release_all_held(self) -> int:
        """Make every held row deliverable as stored (the offline text): after a restart,
        nothing is still writing their wording. Returns how many there were."""
        with self._tx() as db:
            return db.execute("UPDATE outbox SET held = 0 WHERE held = 1").rowcount

    def mark_delivered(self, seq: int, external_id: str | None = None) -> None:
        self._db.execute(
            "UPDATE outbox SET delivered = 1, external_id = ? WHERE seq = ?", (external_id, seq)
        )

    def mark_all_delivered(self, seqs: list[int]) -> None:
        """Mark several deliveries at once (replay prints in batches)."""
        if seqs:
            with self._tx() as db:
                db.executemany(
                    "UPDATE outbox SET delivered = 1 WHERE seq = ?", [(s,) for s in seqs]
                )

    # ------------------------------------------------------------------ cursors
    def last_message(self, channel_id: str) -> str | None:
        row = self._db.execute(
            "SELECT message_id FROM cursors WHERE channel_id = ?", (channel_id,)
        ).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------ llm audit
    def record_llm_call(self, record: object) -> None:
        """AuditSink for the LLM layer (duck-typed to keep this module free of it)."""
        r = record
        self._db.execute(
            "INSERT INTO llm_calls (at, incident_id, prompt_name, model, tokens_in, tokens_out,"
            " latency_ms, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                r.at.isoformat(),  # type: ignore[attr-defined]
                r.incident_id,  # type: ignore[attr-defined]
                r.prompt_name,  # type: ignore[attr-defined]
                r.model,  # type: ignore[attr-defined]
                r.tokens_in,  # type: ignore[attr-defined]
                r.tokens_out,  # type: ignore[attr-defined]
                r.latency_ms,  # type: ignore[attr-defined]
                r.outcome,  # type: ignore[attr-defined]
                r.error,  # type: ignore[attr-defined]
            ),
        )

    def llm_calls(self, limit: int = 50) -> list[dict[str, object]]:
        cur = self._db.execute(
            "SELECT at, incident_id, prompt_name, model, tokens_in, tokens_out, latency_ms,"
            " outcome, error FROM llm_calls ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()][::-1]

    # ------------------------------------------------------------------ query tables
    def _index_event(self, db: sqlite3.Connection, incident_id: str, event: Event) -> None:
        if isinstance(event, MessagePosted):
            m = event.message
            db.execute(
                "INSERT OR REPLACE INTO messages (incident_id, id, author_id, author_name, at,"
                " content, edited_at, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                (
                    incident_id,
                    m.id,
                    m.author.id,
                    m.author.name,
                    m.at.isoformat(),
                    m.content,
                    _iso(m.edited_at),
                ),
            )
            cursor = (incident_id, m.id, m.at.isoformat())
            if self._in_batch:  # written once, when the batch commits
                self._cursors[incident_id] = cursor
            else:
                self._write_cursors(db, [cursor])
        elif isinstance(event, MessageEdited):
            db.execute(
                "UPDATE messages SET content = ?, edited_at = ? WHERE incident_id = ? AND id = ?",
                (event.content, event.at.isoformat(), incident_id, event.message_id),
            )
        elif isinstance(event, MessageDeleted):
            db.execute(
                "UPDATE messages SET deleted = 1 WHERE incident_id = ? AND id = ?",
                (incident_id, event.message_id),
            )

    @staticmethod
    def _write_cursors(db: sqlite3.Connection, cursors: list[tuple[str, str, str]]) -> None:
        db.executemany(
            "INSERT INTO cursors (channel_id, message_id, at) VALUES (?, ?, ?)"
            " ON CONFLICT (channel_id) DO UPDATE SET message_id = excluded.message_id,"
            " at = excluded.at WHERE excluded.at >= cursors.at",
            cursors,
        )

    def _index_action(self, db: sqlite3.Connection, out_seq: int, action: Action) -> None:
        if isinstance(action, RecordAssignment):
            a = action.assignment
            db.execute(
                "INSERT OR REPLACE INTO assignments (incident_id, id, user_name, task, purpose,"
                " status, since, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    action.incident_id,
                    a.id,
                    a.user.name,
                    a.task,
                    a.purpose,
                    a.status,
                    a.since.isoformat(),
                    _iso(a.closed_at),
                ),
            )
        elif isinstance(action, PostUpdate) and action.draft_for is None:
            u = action.update
            db.execute(
                "INSERT INTO updates (outbox_seq, incident_id, at, phase, kind, text)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (out_seq, action.incident_id, u.at.isoformat(), u.phase.value, u.kind, u.text),
            )

    def _index_participants(self, db: sqlite3.Connection, state: IncidentState) -> None:
        db.executemany(
            "INSERT OR REPLACE INTO participants (incident_id, user_id, name, joined_at,"
            " last_active_at, released_at, left_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    state.id,
                    p.user.id,
                    p.user.name,
                    p.joined_at.isoformat(),
                    p.last_active_at.isoformat(),
                    _iso(p.released_at),
                    _iso(p.left_at),
                )
                for p in state.participants.values()
            ],
        )

    def table(self, name: str, incident_id: str) -> list[tuple[object, ...]]:
        """Rows of a query table for one incident (for tools and tests)."""
        if name not in {"messages", "participants", "assignments", "updates"}:
            raise ValueError(name)
        return list(self._db.execute(f"SELECT * FROM {name} WHERE incident_id = ?", (incident_id,)))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
