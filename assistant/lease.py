"""Active/standby: a lease row in the shared store says which process may act.

Why a lease row with a heartbeat, not a PostgreSQL advisory lock:

* An advisory lock lives as long as the server thinks its session does. After a network
  partition the server may keep a cut-off session (and its lock) until TCP keepalives give
  up, minutes to hours by default, and the holder cannot tell a lost lock from a slow
  network without asking the server. A lease has an expiry on the *server's* clock: the
  takeover time is a setting (``TAKEOVER_SECONDS``), not a property of the network.
* A lease carries an epoch that grows at every change of holder: a fencing token. Every
  write transaction of the active checks its epoch under a row lock (``SELECT … FOR
  SHARE``) that a takeover (``FOR UPDATE``) must wait for, so once a standby has taken over,
  a deposed active that wakes up can commit nothing more: it cannot record an event, and
  nothing is ever posted that was not recorded first.
* It works the same on SQLite (two processes on one host) and through connection poolers,
  which break session-level advisory locks.

Timing (T = ``TAKEOVER_SECONDS``): the lease lasts 0.75 T and is renewed every 0.25 T; a
standby tries to take it every T / 8, so it takes over at most 0.875 T after the active's
last renewal. The holder measures the lease on its own monotonic clock from *before* the
call that granted it, so its idea of the lease ends no later than the server's. It counts
itself active only until a margin (T / 8) before that end, and every post is cut off at
that point too; a post cut off mid-flight may still have reached Discord, and the next
holder sends it again with the same nonce, which Discord answers with the first message.

On a partition: the side that cannot reach the database stops renewing, counts itself
standby when its lease runs out (it can record nothing anyway: every event is written
before it is acted on), and a standby that can reach the database takes over once the lease
has expired on the server's clock. A standby that cannot reach it simply waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from assistant.store import Lease, StorePort

log = logging.getLogger(__name__)

Hook = Callable[[], Coroutine[Any, Any, None]]


class LeaseKeeper:
    """Holds, renews or waits for one lease on the store; says whether we are active."""

    def __init__(
        self,
        store: StorePort,
        name: str,
        *,
        takeover_s: float = 30.0,
        holder: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.name = name
        self.takeover_s = takeover_s
        self.ttl_s = takeover_s * 0.75
        self.renew_every_s = takeover_s * 0.25
        self.poll_every_s = takeover_s / 8
        self.margin_s = takeover_s / 8
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.clock = clock
        self.lease: Lease | None = None
        # renewals failed, and one has just succeeded again with the lease still ours:
        # events of that time may not have been recorded
        self.store_back = False
        self._store_down = False
        self._valid_until = 0.0  # monotonic: the lease's end, as seen from here
        self._renewed_at = 0.0

    # ------------------------------------------------------------------ state
    @property
    def active(self) -> bool:
        return self.lease is not None and self.clock() < self._valid_until - self.margin_s

    def post_budget(self) -> float:
        """Seconds left in which this process may post (0: it may not)."""
        if self.lease is None:
            return 0.0
        return max(0.0, self._valid_until - self.margin_s - self.clock())

    def health(self) -> tuple[bool, str]:
        """For ``/healthz``: a standby is as healthy as the active; say which this is."""
        if self.active and self.lease is not None:
            return True, f"active (lease {self.name!r}, epoch {self.lease.epoch})"
        return True, f"standby (lease {self.name!r})"

    @property
    def epoch(self) -> int | None:
        return self.lease.epoch if self.lease is not None else None

    # ------------------------------------------------------------------ one step each
    def try_acquire(self) -> bool:
        """One attempt to take the lease; on success every write is fenced by it."""
        started = self.clock()
        try:
            lease = self.store.acquire_lease(self.name, self.holder, self.ttl_s)
        except Exception as exc:  # the database is unreachable: stay standby
            log.warning("lease %s: cannot reach the store (%s)", self.name, exc)
            return False
        if lease is None:
            return False
        self._hold(lease, started)
        self.store.fence(lease)
        log.info("lease %s: active (epoch %d, holder %s)", self.name, lease.epoch, self.holder)
        return True

    def renew(self) -> bool:
        """Extend the lease; False once it is lost (or has run out unrenewed)."""
        if self.lease is None:
            return False
        started = self.clock()
        try:
            renewed = self.store.renew_lease(self.lease, self.ttl_s)
        except Exception as exc:  # keep it until it runs out: the network may come back
            log.warning("lease %s: renewal failed (%s)", self.name, exc)
            self._store_down = True
            if self.active:
                return True
            self.drop("it ran out while the store was unreachable")
            return False
        if renewed is None:
            self.drop("another process holds it now")
            return False
        self._hold(renewed, started)
        if self._store_down:
            self._store_down, self.store_back = False, True
            log.info("lease %s: the store is reachable again", self.name)
        return True

    def renew_if_due(self) -> bool:
        """Renew when a renewal is due (for callers without a background loop)."""
        if self.lease is not None and self.clock() - self._renewed_at < self.renew_every_s:
            return self.active
        return self.renew()

    def drop(self, why: str) -> None:
        """Stop counting ourselves active (a write was refused, or the lease ran out)."""
        if self.lease is not None:
            log.warning("lease %s: standby (%s)", self.name, why)
        self.lease = None
        self._valid_until = 0.0
        self._store_down = self.store_back = False

    def release(self) -> None:
        """Give the lease up (clean shutdown), so a standby takes over at once."""
        lease, self.lease = self.lease, None
        if lease is not None:
            try:
                self.store.release_lease(lease)
            except Exception as exc:
                log.warning("lease %s: could not release it (%s)", self.name, exc)

    def _hold(self, lease: Lease, started: float) -> None:
        self.lease = lease
        self._valid_until = started + lease.remaining_s
        self._renewed_at = started

    # ------------------------------------------------------------------ loops
    async def wait_active(self) -> None:
        """Poll until the lease is ours."""
        while not self.try_acquire():
            await asyncio.sleep(self.poll_every_s)

    async def run(
        self, on_active: Hook, on_standby: Hook, on_store_back: Hook | None = None
    ) -> None:
        """Forever: wait for the lease, start ``on_active``, renew the lease meanwhile (a
        long catch-up must not let it lapse); when it is lost, stop what ``on_active``
        still does, call ``on_standby`` and wait again. When the store comes back after
        renewals failed and the lease was kept, start ``on_store_back``: what arrived while
        nothing could be recorded is still to be read."""
        acting: asyncio.Task[None] | None = None
        try:
            while True:
                if self.lease is None:
                    await self.wait_active()
                    acting = asyncio.create_task(on_active())
                await asyncio.sleep(self.renew_every_s)
                if not self.renew():
                    await _cancel(acting)
                    await on_standby()
                elif self.store_back and on_store_back is not None:
                    self.store_back = False
                    await _cancel(acting)
                    acting = asyncio.create_task(on_store_back())
        finally:
            await _cancel(acting)


async def _cancel(task: asyncio.Task[None] | None) -> None:
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
