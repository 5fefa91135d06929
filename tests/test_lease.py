"""The lease keeper: when this process counts itself active, and for how long it may post."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from assistant.adapters.store_sqlite import SqliteStore
from assistant.lease import LeaseKeeper
from assistant.store import Lease


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class FlakyStore(SqliteStore):
    """A store whose database can be made unreachable."""

    down = False

    def renew_lease(self, lease: Lease, ttl_s: float) -> Lease | None:
        if self.down:
            raise OSError("network is unreachable")
        return super().renew_lease(lease, ttl_s)


def test_timings_follow_the_takeover_time(tmp_path: Path) -> None:
    """The lease lasts 0.75 T, is renewed every 0.25 T, and a standby polls every T / 8: a
    standby takes over within T of the active's last renewal."""
    keeper = LeaseKeeper(SqliteStore(tmp_path / "s.db"), "bot", takeover_s=30)
    assert (keeper.ttl_s, keeper.renew_every_s, keeper.poll_every_s) == (22.5, 7.5, 3.75)
    assert keeper.ttl_s + keeper.poll_every_s < 30


def test_active_only_while_the_lease_has_a_margin_left(tmp_path: Path) -> None:
    """Holding the lease, the keeper is active and may post until a margin before the
    lease's end as measured from before the call that granted it; then it is not."""
    clock = Clock()
    keeper = LeaseKeeper(SqliteStore(tmp_path / "s.db"), "bot", takeover_s=8, clock=clock)
    assert not keeper.active and keeper.post_budget() == 0
    assert keeper.health() == (True, "standby (lease 'bot')")
    assert keeper.try_acquire()
    assert keeper.active and keeper.post_budget() == 6 - 1  # ttl 6 s, margin 1 s
    assert keeper.health() == (True, "active (lease 'bot', epoch 1)")
    clock.t += 4.5
    assert keeper.active and keeper.post_budget() == 0.5
    clock.t += 1
    assert not keeper.active and keeper.post_budget() == 0


def test_an_unreachable_store_keeps_the_lease_until_it_runs_out(tmp_path: Path) -> None:
    """A failed renewal is not a lost lease: the keeper stays active until its margin, then
    drops to standby and refuses to post."""
    clock = Clock()
    store = FlakyStore(tmp_path / "s.db")
    keeper = LeaseKeeper(store, "bot", takeover_s=8, clock=clock)
    assert keeper.try_acquire()
    store.down = True
    clock.t += 2
    assert keeper.renew() and keeper.active
    clock.t += 3.5
    assert not keeper.renew() and not keeper.active and keeper.lease is None


def test_a_lease_taken_over_is_given_up_at_the_next_renewal(tmp_path: Path) -> None:
    """When another process holds the lease, renewal fails and the keeper is standby."""
    path = tmp_path / "s.db"
    first = LeaseKeeper(SqliteStore(path), "bot", takeover_s=1)
    assert first.try_acquire()
    assert first.lease is not None
    SqliteStore(path).release_lease(first.lease)  # as if it had expired
    second = LeaseKeeper(SqliteStore(path), "bot", takeover_s=30)
    assert second.try_acquire() and second.epoch == 2
    assert not first.renew() and not first.active
    assert not first.try_acquire()


def test_release_lets_a_standby_in_at_once(tmp_path: Path) -> None:
    """A clean stop releases the lease for the next process."""
    path = tmp_path / "s.db"
    first = LeaseKeeper(SqliteStore(path), "bot", takeover_s=30)
    second = LeaseKeeper(SqliteStore(path), "bot", takeover_s=30)
    assert first.try_acquire() and not second.try_acquire()
    first.release()
    assert not first.active and second.try_acquire()


async def test_the_lease_is_kept_through_a_long_takeover_and_given_up_when_taken(
    tmp_path: Path,
) -> None:
    """``run`` keeps renewing while the takeover work (catch-up) runs longer than the lease
    lasts; when another process takes the lease, the work still running is stopped and
    ``on_standby`` is called."""
    path = tmp_path / "s.db"
    keeper = LeaseKeeper(SqliteStore(path), "bot", takeover_s=0.4)
    seen: list[str] = []

    async def on_active() -> None:
        seen.append("active")
        await asyncio.sleep(1.0)  # more than three lease lifetimes
        seen.append("caught up")
        await asyncio.sleep(10)
        seen.append("never")

    async def on_standby() -> None:
        seen.append("standby")

    task = asyncio.create_task(keeper.run(on_active, on_standby))
    await asyncio.sleep(1.3)
    assert seen == ["active", "caught up"] and keeper.active
    other = SqliteStore(path)
    assert keeper.lease is not None
    other.release_lease(keeper.lease)  # as if it had lapsed
    assert other.acquire_lease("bot", "other", 30) is not None
    await asyncio.sleep(0.3)
    assert seen == ["active", "caught up", "standby"] and not keeper.active
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_a_store_that_comes_back_while_the_lease_held_triggers_a_catch_up(
    tmp_path: Path,
) -> None:
    """Renewals fail for less than the lease's life, then succeed: the keeper stays active
    throughout and calls ``on_store_back`` once (events of the outage were not recorded
    and must be read back from Discord)."""
    store = FlakyStore(tmp_path / "s.db")
    keeper = LeaseKeeper(store, "bot", takeover_s=2.4)  # renew every 0.6 s, lease 1.8 s
    seen: list[str] = []

    async def record(what: str) -> None:
        seen.append(what)

    task = asyncio.create_task(
        keeper.run(
            lambda: record("active"), lambda: record("standby"), lambda: record("store back")
        )
    )
    await asyncio.sleep(0.1)
    store.down = True
    await asyncio.sleep(0.8)  # one failed renewal
    assert keeper.active and seen == ["active"]
    store.down = False
    await asyncio.sleep(0.9)
    assert seen == ["active", "store back"] and keeper.active
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
