"""The optional HTTP endpoint for a container orchestrator: ``/metrics`` and ``/healthz``.

Served by aiohttp (already there for discord.py) inside the bot's event loop, so the health
checks read the live gateway state. ``/metrics`` is Prometheus' text format from the
``Metrics`` registry; ``/healthz`` runs each check and answers 200 when all pass, 503
otherwise, with a JSON body saying which failed and why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from assistant.metrics import Metrics

log = logging.getLogger(__name__)

Check = Callable[[], tuple[bool, str]]


@dataclass
class MetricsServer:
    """``/metrics`` and ``/healthz`` on ``host:port`` (port 0: any free port)."""

    metrics: Metrics
    checks: Mapping[str, Check]
    host: str = "0.0.0.0"
    port: int = 9108
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        log.info("metrics and health checks on http://%s:%d", self.host, self.bound_port)

    @property
    def bound_port(self) -> int:
        """The port actually listened on (useful with port 0)."""
        assert self._runner is not None, "not started"
        for address in self._runner.addresses:
            if isinstance(address, tuple):
                return int(address[1])
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _metrics(self, request: web.Request) -> web.Response:
        body = generate_latest(self.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _healthz(self, request: web.Request) -> web.Response:
        results: dict[str, dict[str, object]] = {}
        for name, check in self.checks.items():
            try:
                ok, detail = check()
            except Exception as exc:  # a check that breaks is a failed check
                ok, detail = False, f"{type(exc).__name__}: {exc}"
            results[name] = {"ok": ok, "detail": detail}
        healthy = all(r["ok"] for r in results.values())
        body = {"status": "ok" if healthy else "fail", "checks": results}
        return web.json_response(body, status=200 if healthy else 503)
