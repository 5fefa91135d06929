"""The state store port: what the service needs from wherever incident state is kept.

Two adapters implement it: ``adapters/store_sqlite`` (one file, the default) and
``adapters/store_postgres`` (a shared PostgreSQL for an active/standby pair). Both give the
same guarantees:

* a handled event and its actions (the *outbox*) are written in ONE transaction, before
  anything is delivered;
* events are keyed, so an event seen twice is handled once;
* a restart rebuilds each incident from its last snapshot plus the events logged after it;
* outbox rows may be *held* (their LLM wording is being written) and are offered for
  delivery only once released; deliveries are marked with the id of what they posted.

The lease methods let several processes share one store with exactly one of them active;
``fence`` makes every later write of this store fail with ``LeaseLost`` once another holder
has taken the lease over (see ``assistant/lease.py``).
"""

from __future__ import annotations

from collections.abc import Collection
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from assistant.core.actions import Action
from assistant.core.events import Event
from assistant.core.model import IncidentState


class StoreError(Exception):
    """The state store cannot be opened, is not ours, or is of a newer schema."""


class LeaseLost(StoreError):
    """A write was refused: this process no longer holds the lease it was fenced with."""


@dataclass(frozen=True)
class OutboxRow:
    seq: int
    incident_id: str
    action: Action
    delivered: bool
    external_id: str | None
    held: bool = False  # persisted, but its LLM wording is still being written
    event_seq: int = 0  # with ``idx``: the row's identity, the same in every run of a log
    idx: int = 0


@dataclass(frozen=True)
class LoadedIncident:
    """A snapshot and the events logged after it, to re-apply through the core."""

    state: IncidentState
    last_seq: int
    events_after_snapshot: list[Event]


@dataclass(frozen=True)
class Lease:
    """A held lease: ``epoch`` grows by one at every change of holder (the fencing token);
    ``remaining_s`` is how long it is valid after the call that returned it, by the
    store's clock (so the holders' clocks need not agree)."""

    name: str
    holder: str
    epoch: int
    remaining_s: float


class StorePort(Protocol):
    """The incident state store, as the service and the lease keeper use it."""

    # incidents and the event log
    def incident_ids(self, *, open_only: bool = False) -> list[str]: ...
    def load(self, incident_id: str) -> LoadedIncident | None: ...
    def create(self, state: IncidentState) -> None: ...
    def processed_keys(self, incident_id: str) -> set[str]: ...
    def commit_event(
        self,
        state: IncidentState,
        *,
        key: str,
        event: Event,
        actions: list[Action],
        seq: int,
        held: Collection[int] = (),
    ) -> list[OutboxRow]: ...
    def snapshot(self, state: IncidentState, seq: int) -> None: ...
    def batch(self) -> AbstractContextManager[None]: ...

    # the outbox
    def outbox(
        self, incident_id: str | None = None, *, pending_only: bool = False
    ) -> list[OutboxRow]: ...
    def release(self, seq: int, action: Action) -> None: ...
    def release_all_held(self) -> int: ...
    def mark_delivered(self, seq: int, external_id: str | None = None) -> None: ...
    def mark_all_delivered(self, seqs: list[int]) -> None: ...
    def backlog(self) -> int: ...

    # cursors, the LLM audit, query tables
    def last_message(self, channel_id: str) -> str | None: ...
    def record_llm_call(self, record: object) -> None: ...
    def llm_calls(self, limit: int = 50) -> list[dict[str, object]]: ...
    def table(self, name: str, incident_id: str) -> list[tuple[object, ...]]: ...

    # one active process per lease name
    def acquire_lease(self, name: str, holder: str, ttl_s: float) -> Lease | None: ...
    def renew_lease(self, lease: Lease, ttl_s: float) -> Lease | None: ...
    def release_lease(self, lease: Lease) -> None: ...
    def fence(self, lease: Lease | None) -> None: ...

    def probe_write(self, at: datetime) -> None: ...
    def schema_version(self) -> int: ...
    def close(self) -> None: ...
