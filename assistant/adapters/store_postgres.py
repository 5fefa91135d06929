"""The PostgreSQL state store: shared state for an active bot and its standby.

``STATE_URL=postgresql://…`` selects it. The behaviour (one transaction per event and its
actions, keyed events, snapshots, the outbox, leases and fencing) is ``store_sql.SqlStore``'s,
the same as SQLite's; this module connects (psycopg 3), migrates the schema and runs the
statements. Migrations are numbered, each applied in its own transaction under an advisory
lock (two processes starting together migrate once) and recorded in ``schema_migrations``;
a database migrated by a newer version is refused.

The connection is in autocommit mode, with explicit transactions for writes. TCP keepalives
and a TCP user timeout are set unless the URL sets them, so a statement on a connection
that a partition cut off fails within seconds instead of hanging the event loop; the next
call outside a transaction reconnects.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import conninfo

from assistant.adapters.store_sql import Cursor, SqlStore
from assistant.store import StoreError

log = logging.getLogger(__name__)

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
CREATE TABLE incidents (
    ord BIGINT GENERATED ALWAYS AS IDENTITY,
    id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    phase TEXT NOT NULL,
    is_open INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE snapshots (
    incident_id TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    state_json TEXT NOT NULL
);
CREATE TABLE events (
    incident_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    key TEXT NOT NULL,
    at TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (incident_id, seq),
    UNIQUE (incident_id, key)
);
CREATE TABLE outbox (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id TEXT NOT NULL,
    event_seq BIGINT NOT NULL,
    idx INTEGER NOT NULL,
    at TEXT NOT NULL,
    type TEXT NOT NULL,
    json TEXT NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0,
    external_id TEXT,
    held INTEGER NOT NULL DEFAULT 0,
    UNIQUE (incident_id, event_seq, idx)
);
CREATE INDEX outbox_pending ON outbox (delivered, seq);
CREATE TABLE messages (
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
CREATE TABLE participants (
    incident_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    joined_at TEXT NOT NULL,
    last_active_at TEXT NOT NULL,
    released_at TEXT,
    left_at TEXT,
    PRIMARY KEY (incident_id, user_id)
);
CREATE TABLE assignments (
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
CREATE TABLE updates (
    outbox_seq BIGINT PRIMARY KEY,
    incident_id TEXT NOT NULL,
    at TEXT NOT NULL,
    phase TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE cursors (
    channel_id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE health (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TEXT NOT NULL
);
CREATE TABLE llm_calls (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TEXT NOT NULL,
    incident_id TEXT,
    prompt_name TEXT NOT NULL,
    model TEXT NOT NULL,
    tokens_in INTEGER NOT NULL,
    tokens_out INTEGER NOT NULL,
    latency_ms DOUBLE PRECISION NOT NULL,
    outcome TEXT NOT NULL,
    error TEXT
);
""",
    ),
    (
        2,
        """
-- one active process per lease name; epoch is the fencing token
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    epoch BIGINT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL  -- seconds since 1970 by the server's clock
);
""",
    ),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
_MIGRATION_LOCK = 0x1A_57A7E  # pg_advisory_xact_lock key: one migrator at a time

# Unless the URL says otherwise: fail fast on a dead network instead of hanging.
_CONNECT_DEFAULTS = {
    "connect_timeout": "5",
    "keepalives": "1",
    "keepalives_idle": "5",
    "keepalives_interval": "2",
    "keepalives_count": "3",
    "tcp_user_timeout": "10000",
    "application_name": "incident-assistant",
}


def redact_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        params = conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the PostgreSQL URL (STATE_URL)"
    host = params.get("host", "localhost")
    port = params.get("port", "5432")
    return f"postgresql://{host}:{port}/{params.get('dbname', '')}"


class PostgresStore(SqlStore):
    """The state store over a PostgreSQL database (psycopg 3)."""

    NOW = "extract(epoch from now())::float8"
    LOCK_ROW = " FOR SHARE"
    LOCK_ROW_FOR_UPDATE = " FOR UPDATE"
    INCIDENT_ORDER = "ord"

    def __init__(
        self, url: str, *, snapshot_every: int = 1000, migrate_to: int = SCHEMA_VERSION
    ) -> None:
        super().__init__(where=redact_url(url), snapshot_every=snapshot_every)
        self.url = url
        self._sql_cache: dict[str, str] = {}
        try:
            params: dict[str, Any] = conninfo.conninfo_to_dict(url)
        except psycopg.ProgrammingError as exc:
            raise StoreError(f"STATE_URL is not a PostgreSQL URL ({exc})") from None
        self._params = {**_CONNECT_DEFAULTS, **params}
        try:
            self._db = self._connect()
        except psycopg.Error as exc:
            raise StoreError(f"{self.where}: cannot open the state store ({exc})") from exc
        try:
            self._migrate(migrate_to)
        except psycopg.Error as exc:
            self._db.close()
            raise StoreError(f"{self.where}: cannot migrate the state store ({exc})") from exc
        except BaseException:
            self._db.close()
            raise

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(**self._params, autocommit=True)

    # ------------------------------------------------------------------ the dialect
    def _sql(self, sql: str) -> str:
        out = self._sql_cache.get(sql)
        if out is None:
            out = self._sql_cache[sql] = sql.replace("?", "%s")
        return out

    def _live(self) -> psycopg.Connection[Any]:
        if self._db.closed or self._db.broken:
            if self._in_tx:
                raise StoreError(f"{self.where}: the connection was lost in a transaction")
            log.warning("%s: the connection was lost; reconnecting", self.where)
            self._db = self._connect()
        return self._db

    def _execute(self, sql: str, args: Sequence[object] = ()) -> Cursor:
        return self._live().execute(self._sql(sql), args)

    def _executemany(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        with self._live().cursor() as cur:
            cur.executemany(self._sql(sql), rows)

    def _insert_outbox(self, args: Sequence[object]) -> int:
        row = self._execute(
            "INSERT INTO outbox (incident_id, event_seq, idx, at, type, json, held)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq",
            args,
        ).fetchone()
        return int(row[0])

    def _rollback(self) -> None:
        if not (self._db.closed or self._db.broken):
            self._db.execute("ROLLBACK")

    # ------------------------------------------------------------------ schema
    def _migrate(self, target: int) -> None:
        """Apply each migration above the database's version, one transaction each."""
        db = self._db
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.where}: the state store has schema version {version}, newer than"
                f" this program's {SCHEMA_VERSION}; upgrade incident-assistant"
            )
        for number, script in MIGRATIONS:
            if number > target:
                break
            with db.transaction():
                db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                if self.schema_version() >= number:  # another process got here first
                    continue
                db.execute(script)
                db.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (number,))
                log.info("%s: schema migrated to version %d", self.where, number)

    def schema_version(self) -> int:
        row = self._live().execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def close(self) -> None:
        self._db.close()


__all__ = ["SCHEMA_VERSION", "PostgresStore", "redact_url"]
