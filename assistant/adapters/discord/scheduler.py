"""One scheduler for every incident: sleep until the earliest due moment, tick, deliver.

The core decides what is due (scheduled summaries, reminders, roster flags); this loop only
asks ``next_due`` and feeds ``run_due_ticks``. Sleeps are capped so a clock change or a new
incident is picked up within ``max_sleep`` seconds even if nobody calls ``wake()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from assistant.adapters.discord.deliver import Deliverer
from assistant.adapters.discord.port import ServicePort
from assistant.core.model import IncidentState

log = logging.getLogger(__name__)

MIN_SLEEP = 0.5


class Scheduler:
    def __init__(
        self,
        service: ServicePort,
        deliverer: Deliverer,
        *,
        clock: Callable[[], datetime],
        max_sleep: float = 30.0,
        serves: Callable[[str | None], bool] = lambda guild_id: True,
    ) -> None:
        self.service = service
        self.deliverer = deliverer
        self.clock = clock
        self.max_sleep = max_sleep
        self.serves = serves  # is an incident's guild on this process's shards?
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something changed (new incident, update posted): recompute the next due time."""
        self._wake.set()

    async def run_once(self) -> float:
        """Tick every incident that is due now; return how long to sleep before the next."""
        now = self.clock()
        for state in self._incidents():
            due = self.service.next_due(state.id)
            if due is None or due > now:
                continue
            try:
                deliveries = await self.service.run_due_ticks(state.id, now)
                await self.deliverer.deliver(deliveries)
            except Exception:  # one incident's failure must not stop the others' schedules
                log.exception("scheduled tick failed for incident %s", state.id)
                await self._sweep(state.id)
        return self.sleep_seconds()

    async def _sweep(self, incident_id: str) -> None:
        """After a failed run, send what it had already committed (the ticks before the
        failure). Private replies and drafts belong to an interaction and are left alone."""
        try:
            left = [
                d
                for d in self.service.pending_deliveries(incident_id)
                if not getattr(d.action, "ephemeral", False)
                and getattr(d.action, "draft_for", None) is None
            ]
            await self.deliverer.deliver(left)
        except Exception:
            log.exception("incident %s: could not send what a failed tick left", incident_id)

    def sleep_seconds(self) -> float:
        now = self.clock()
        dues = [d for s in self._incidents() if (d := self.service.next_due(s.id))]
        if not dues:
            return self.max_sleep
        wait = (min(dues) - now).total_seconds()
        return max(MIN_SLEEP, min(self.max_sleep, wait))

    def _incidents(self) -> list[IncidentState]:
        return [s for s in self.service.open_incidents() if self.serves(s.guild_id)]

    async def run_forever(self) -> None:
        while True:
            delay = await self.run_once()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
