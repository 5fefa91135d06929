"""The state store's SQL, shared by the SQLite and the PostgreSQL adapters.

Durability model (what makes a SIGKILL at any moment harmless):

* Every handled event is written, with the actions it produced (the *outbox*), in ONE
  transaction. Nothing is delivered before that transaction commits.
* The incident state is snapshotted every ``snapshot_every`` events (further apart as it
  grows large); between snapshots the state is rebuilt by re-applying the logged events
  through the deterministic core.
* Events are keyed, so an event seen twice (live and backfill, or a rerun) is handled once.
* Deliveries are marked as they are carried out; undelivered ones are retried on start.
* With a lease (``fence``), every write transaction first checks, holding a lock that a
  takeover must wait for, that this process still holds it: once a standby has taken the
  lease over, a deposed holder can write nothing more (``LeaseLost``).

The tables ``messages``, ``participants``, ``assignments`` and ``updates`` are kept for
people and tools that query the store; the core never reads them.

Both databases take the same statements, written with ``?`` placeholders; a subclass runs
them on its connection and says how its dialect differs (how a transaction that will write
begins, the current time, how the fence check locks the lease row, the outbox insert).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol

from pydantic import TypeAdapter

from assistant.core.actions import Action, PostUpdate, RecordAssignment
from assistant.core.events import Event, MessageDeleted, MessageEdited, MessagePosted
from assistant.core.model import IncidentState
from assistant.store import Lease, LeaseLost, LoadedIncident, OutboxRow

_ACTION = TypeAdapter(Action)
_EVENT = TypeAdapter(Event)

QUERY_TABLES = frozenset({"messages", "participants", "assignments", "updates"})


class Cursor(Protocol):
    """What both drivers' cursors offer and the store uses."""

    @property
    def rowcount(self) -> int: ...
    @property
    def description(self) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class SqlStore:
    """The store's behaviour over any SQL database with upserts. One writer per process:
    the service serialises calls; other processes are kept out by the lease."""

    BEGIN = "BEGIN"  # how a transaction that will write begins
    NOW = ""  # SQL: now, in seconds since 1970, by the database's clock
    LOCK_ROW = ""  # appended to the fence check: lock the lease row against a takeover
    LOCK_ROW_FOR_UPDATE = ""  # appended to the takeover's read of the lease row
    INCIDENT_ORDER = ""  # the column that orders incidents by creation

    def __init__(self, *, where: str, snapshot_every: int) -> None:
        self.where = where  # for messages: the file or the server
        self.snapshot_every = snapshot_every
        self._in_batch = False
        self._in_tx = False
        self._summaries: dict[str, tuple[str, str, int]] = {}  # last written incidents row
        self._cursors: dict[str, tuple[str, str, str]] = {}  # cursors of the open batch
        self._snapshots: dict[str, tuple[int, int]] = {}  # last snapshot's seq and size
        self._lease: Lease | None = None  # writes are refused once it is lost

    # ------------------------------------------------------------------ the dialect
    def _execute(self, sql: str, args: Sequence[object] = ()) -> Cursor:
        raise NotImplementedError

    def _executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        raise NotImplementedError

    def _insert_outbox(self, args: Sequence[object]) -> int:
        """Insert one outbox row; return its ``seq``."""
        raise NotImplementedError

    def _rollback(self) -> None:
        self._execute("ROLLBACK")

    def schema_version(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def _tx(self, *, fenced: bool = True) -> Iterator[None]:
        if self._in_batch:  # part of the caller's batch: it commits or rolls back
            yield
            return
        self._execute(self.BEGIN)
        self._in_tx = True
        try:
            if fenced:
                self._check_fence()
            yield
        except BaseException:
            self._in_tx = False
            self._rollback()
            self._summaries.clear()  # what we think is written may have been rolled back
            raise
        self._in_tx = False
        self._execute("COMMIT")

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group several events' writes in one transaction (group commit, for replay).

        All or nothing, like a single event: the caller must not act on anything handled
        inside the batch until it has committed.
        """
        if self._in_batch:
            yield
            return
        with self._tx():
            self._in_batch = True
            try:
                yield
                self._write_cursors(list(self._cursors.values()))
            except BaseException:
                self._summaries.clear()
                raise
            finally:
                self._in_batch = False
                self._cursors.clear()

    # ------------------------------------------------------------------ leases
    def acquire_lease(self, name: str, holder: str, ttl_s: float) -> Lease | None:
        """Take the lease ``name`` if it is free, expired, or already ours; else None.

        A change of holder (or a lapse of our own) starts a new epoch: the fencing token.
        """
        with self._tx(fenced=False):
            row = self._execute(
                f"SELECT holder, epoch, expires_at > {self.NOW} FROM leases WHERE name = ?"
                f"{self.LOCK_ROW_FOR_UPDATE}",
                (name,),
            ).fetchone()
            if row is None:
                epoch = 1
                inserted = self._execute(
                    f"INSERT INTO leases (name, holder, epoch, expires_at)"
                    f" VALUES (?, ?, 1, {self.NOW} + ?) ON CONFLICT (name) DO NOTHING",
                    (name, holder, ttl_s),
                ).rowcount
                if inserted != 1:  # another process created it first: it holds it
                    return None
            elif row[2] and row[0] != holder:
                return None
            else:
                epoch = int(row[1]) if row[0] == holder and row[2] else int(row[1]) + 1
                self._execute(
                    f"UPDATE leases SET holder = ?, epoch = ?, expires_at = {self.NOW} + ?"
                    " WHERE name = ?",
                    (holder, epoch, ttl_s, name),
                )
        return Lease(name, holder, epoch, ttl_s)

    def renew_lease(self, lease: Lease, ttl_s: float) -> Lease | None:
        """Extend a lease still held and not yet expired; None if it is lost."""
        with self._tx(fenced=False):
            renewed = (
                self._execute(
                    f"UPDATE leases SET expires_at = {self.NOW} + ? WHERE name = ?"
                    f" AND holder = ? AND epoch = ? AND expires_at > {self.NOW}",
                    (ttl_s, lease.name, lease.holder, lease.epoch),
                ).rowcount
                == 1
            )
        return Lease(lease.name, lease.holder, lease.epoch, ttl_s) if renewed else None

    def release_lease(self, lease: Lease) -> None:
        """Give the lease up now (clean shutdown): a standby may take it at once."""
        with self._tx(fenced=False):
            self._execute(
                f"UPDATE leases SET expires_at = {self.NOW} - 1 WHERE name = ? AND holder = ?"
                " AND epoch = ?",
                (lease.name, lease.holder, lease.epoch),
            )
        if self._lease == lease:
            self._lease = None

    def fence(self, lease: Lease | None) -> None:
        """From now on every write transaction checks that ``lease`` is still held."""
        self._lease = lease

    def _check_fence(self) -> None:
        lease = self._lease
        if lease is None:
            return
        row = self._execute(
            f"SELECT 1 FROM leases WHERE name = ? AND holder = ? AND epoch = ?"
            f" AND expires_at > {self.NOW}{self.LOCK_ROW}",
            (lease.name, lease.holder, lease.epoch),
        ).fetchone()
        if row is None:
            raise LeaseLost(f"{self.where}: lease {lease.name!r} epoch {lease.epoch} is lost")

    # ------------------------------------------------------------------ incidents
    def incident_ids(self, *, open_only: bool = False) -> list[str]:
        sql = "SELECT id FROM incidents" + (" WHERE is_open = 1" if open_only else "")
        return [r[0] for r in self._execute(f"{sql} ORDER BY {self.INCIDENT_ORDER}")]

    def load(self, incident_id: str) -> LoadedIncident | None:
        row = self._execute(
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
            for r in self._execute(
                "SELECT json FROM events WHERE incident_id = ? AND seq > ? ORDER BY seq",
                (incident_id, row[1]),
            )
        ]
        return LoadedIncident(
            state=state, last_seq=self._last_seq(incident_id), events_after_snapshot=events
        )

    def _last_seq(self, incident_id: str) -> int:
        row = self._execute(
            "SELECT MAX(seq) FROM events WHERE incident_id = ?", (incident_id,)
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def create(self, state: IncidentState) -> None:
        with self._tx():
            self._execute(
                "INSERT INTO incidents (id, channel_id, title, phase, is_open)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                (state.id, state.channel_id, state.title, state.phase.value, 1),
            )
            self._execute(
                "INSERT INTO snapshots (incident_id, seq, state_json) VALUES (?, 0, ?)"
                " ON CONFLICT (incident_id) DO NOTHING",
                (state.id, state.model_dump_json()),
            )

    def processed_keys(self, incident_id: str) -> set[str]:
        return {
            r[0]
            for r in self._execute("SELECT key FROM events WHERE incident_id = ?", (incident_id,))
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
        with self._tx():
            self._execute(
                "INSERT INTO events (incident_id, seq, key, at, json) VALUES (?, ?, ?, ?, ?)",
                (state.id, seq, key, event.at.isoformat(), event.model_dump_json()),
            )
            for idx, action in enumerate(actions):
                out_seq = self._insert_outbox(
                    (
                        state.id,
                        seq,
                        idx,
                        action.at.isoformat(),
                        action.type,
                        action.model_dump_json(),
                        int(idx in held),
                    )
                )
                rows.append(
                    OutboxRow(out_seq, state.id, action, False, None, idx in held, seq, idx)
                )
                self._index_action(out_seq, action)
            self._index_event(state.id, event)
            summary = (state.title, state.phase.value, int(state.is_open))
            if self._summaries.get(state.id) != summary:  # the incidents row changes rarely
                self._execute(
                    "UPDATE incidents SET title = ?, phase = ?, is_open = ? WHERE id = ?",
                    (*summary, state.id),
                )
                self._summaries[state.id] = summary
            last_seq, last_size = self._snapshots.get(state.id, (0, 0))
            # Every ``snapshot_every`` events, and at least 1 event apart per 2 KB of state:
            # a snapshot's cost grows with the state, so its cost per event stays flat.
            if seq - last_seq >= max(self.snapshot_every, last_size // 2048):
                self._write_snapshot(state, seq)
        return rows

    def snapshot(self, state: IncidentState, seq: int) -> None:
        """Write the full state now (on clean shutdown or at the end of a replay)."""
        with self._tx():
            if self._last_seq(state.id) == seq:
                self._write_snapshot(state, seq)

    def _write_snapshot(self, state: IncidentState, seq: int) -> None:
        data = state.model_dump_json()
        self._execute(
            "UPDATE snapshots SET state_json = ?, seq = ? WHERE incident_id = ?",
            (data, seq, state.id),
        )
        self._snapshots[state.id] = (seq, len(data))
        self._index_participants(state)

    # ------------------------------------------------------------------ outbox
    def outbox(
        self, incident_id: str | None = None, *, pending_only: bool = False
    ) -> list[OutboxRow]:
        """Outbox rows in order; ``pending_only``: not delivered and not held."""
        sql = (
            "SELECT seq, incident_id, json, delivered, external_id, held, event_seq, idx"
            " FROM outbox"
        )
        where: list[str] = []
        args: list[object] = []
        if incident_id is not None:
            where.append("incident_id = ?")
            args.append(incident_id)
        if pending_only:
            where.append("delivered = 0 AND held = 0")
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [
            OutboxRow(
                r[0], r[1], _ACTION.validate_json(r[2]), bool(r[3]), r[4], bool(r[5]), r[6], r[7]
            )
            for r in self._execute(sql + " ORDER BY seq", args)
        ]

    def backlog(self) -> int:
        """Outbox rows not delivered yet (held ones included)."""
        row = self._execute("SELECT COUNT(*) FROM outbox WHERE delivered = 0").fetchone()
        return int(row[0])

    def probe_write(self, at: datetime) -> None:
        """Write one row and commit: raises when the store cannot be written now (disk
        full, read-only, locked past the timeout, the server gone). Inside a batch the
        store is being written already, so there is nothing to probe. Not fenced: it asks
        whether the store takes writes, not whether this process holds the lease."""
        if self._in_batch:
            return
        with self._tx(fenced=False):
            self._execute(
                "INSERT INTO health (id, at) VALUES (1, ?)"
                " ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                (at.isoformat(),),
            )

    def release(self, seq: int, action: Action) -> None:
        """A held row gets its final wording and becomes deliverable."""
        with self._tx():
            self._execute(
                "UPDATE outbox SET json = ?, held = 0 WHERE seq = ?",
                (action.model_dump_json(), seq),
            )
            if isinstance(action, PostUpdate) and action.draft_for is None:
                self._execute(
                    "UPDATE updates SET text = ? WHERE outbox_seq = ?", (action.update.text, seq)
                )

    def release_all_held(self) -> int:
        """Make every held row deliverable as stored (the offline text): after a restart,
        nothing is still writing their wording. Returns how many there were."""
        with self._tx():
            return self._execute("UPDATE outbox SET held = 0 WHERE held = 1").rowcount

    def mark_delivered(self, seq: int, external_id: str | None = None) -> None:
        """Record a delivery carried out. Not fenced: it states a fact (the post exists),
        and a deposed holder that records it spares the next holder a resend."""
        self._execute(
            "UPDATE outbox SET delivered = 1, external_id = ? WHERE seq = ?", (external_id, seq)
        )

    def mark_all_delivered(self, seqs: list[int]) -> None:
        """Mark several deliveries at once (replay prints in batches)."""
        if seqs:
            with self._tx(fenced=False):
                self._executemany(
                    "UPDATE outbox SET delivered = 1 WHERE seq = ?", [(s,) for s in seqs]
                )

    # ------------------------------------------------------------------ cursors
    def last_message(self, channel_id: str) -> str | None:
        row = self._execute(
            "SELECT message_id FROM cursors WHERE channel_id = ?", (channel_id,)
        ).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------ llm audit
    def record_llm_call(self, record: object) -> None:
        """AuditSink for the LLM layer (duck-typed to keep this module free of it)."""
        r: Any = record
        self._execute(
            "INSERT INTO llm_calls (at, incident_id, prompt_name, model, tokens_in, tokens_out,"
            " latency_ms, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                r.at.isoformat(),
                r.incident_id,
                r.prompt_name,
                r.model,
                r.tokens_in,
                r.tokens_out,
                r.latency_ms,
                r.outcome,
                r.error,
            ),
        )

    def llm_calls(self, limit: int = 50) -> list[dict[str, object]]:
        cur = self._execute(
            "SELECT at, incident_id, prompt_name, model, tokens_in, tokens_out, latency_ms,"
            " outcome, error FROM llm_calls ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()][::-1]

    # ------------------------------------------------------------------ query tables
    def _index_event(self, incident_id: str, event: Event) -> None:
        if isinstance(event, MessagePosted):
            m = event.message
            self._execute(
                "INSERT INTO messages (incident_id, id, author_id, author_name, at, content,"
                " edited_at, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, 0)"
                " ON CONFLICT (incident_id, id) DO UPDATE SET author_id = excluded.author_id,"
                " author_name = excluded.author_name, at = excluded.at,"
                " content = excluded.content, edited_at = excluded.edited_at, deleted = 0",
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
                self._write_cursors([cursor])
        elif isinstance(event, MessageEdited):
            self._execute(
                "UPDATE messages SET content = ?, edited_at = ? WHERE incident_id = ? AND id = ?",
                (event.content, event.at.isoformat(), incident_id, event.message_id),
            )
        elif isinstance(event, MessageDeleted):
            self._execute(
                "UPDATE messages SET deleted = 1 WHERE incident_id = ? AND id = ?",
                (incident_id, event.message_id),
            )

    def _write_cursors(self, cursors: list[tuple[str, str, str]]) -> None:
        if cursors:
            self._executemany(
                "INSERT INTO cursors (channel_id, message_id, at) VALUES (?, ?, ?)"
                " ON CONFLICT (channel_id) DO UPDATE SET message_id = excluded.message_id,"
                " at = excluded.at WHERE excluded.at >= cursors.at",
                cursors,
            )

    def _index_action(self, out_seq: int, action: Action) -> None:
        if isinstance(action, RecordAssignment):
            a = action.assignment
            self._execute(
                "INSERT INTO assignments (incident_id, id, user_name, task, purpose, status,"
                " since, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (incident_id, id) DO UPDATE SET user_name = excluded.user_name,"
                " task = excluded.task, purpose = excluded.purpose, status = excluded.status,"
                " since = excluded.since, closed_at = excluded.closed_at",
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
            self._execute(
                "INSERT INTO updates (outbox_seq, incident_id, at, phase, kind, text)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (out_seq, action.incident_id, u.at.isoformat(), u.phase.value, u.kind, u.text),
            )

    def _index_participants(self, state: IncidentState) -> None:
        rows = [
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
        ]
        if rows:
            self._executemany(
                "INSERT INTO participants (incident_id, user_id, name, joined_at,"
                " last_active_at, released_at, left_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (incident_id, user_id) DO UPDATE SET name = excluded.name,"
                " joined_at = excluded.joined_at, last_active_at = excluded.last_active_at,"
                " released_at = excluded.released_at, left_at = excluded.left_at",
                rows,
            )

    def table(self, name: str, incident_id: str) -> list[tuple[object, ...]]:
        """Rows of a query table for one incident (for tools and tests)."""
        if name not in QUERY_TABLES:
            raise ValueError(name)
        order = "outbox_seq" if name == "updates" else "1, 2"
        return [
            tuple(r)
            for r in self._execute(
                f"SELECT * FROM {name} WHERE incident_id = ? ORDER BY {order}", (incident_id,)
            )
        ]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
