"""/metrics and /healthz of a running service, scraped over loopback.

A real ``IncidentService`` on a SQLite file with ``Metrics`` as its observer replays the
ja sample and runs a second, small incident; the endpoint is served by aiohttp on
127.0.0.1 and read with an HTTP client, as Prometheus and a container probe would.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from assistant.adapters.export_dce import load_export
from assistant.adapters.metrics_http import MetricsServer
from assistant.adapters.store_sqlite import SqliteStore
from assistant.app import health_checks
from assistant.core import postmortem
from assistant.core.actions import Flag
from assistant.core.engine import Engine
from assistant.core.events import Command
from assistant.core.model import IncidentConfig, User
from assistant.llm.audit import LLMCallRecord, MemoryAudit
from assistant.metrics import MeteredAudit, Metrics
from assistant.replay import ReplayOptions, replay
from assistant.service import IncidentService
from tests.conftest import REPO

SAMPLE = REPO / "samples" / "ja-release-rollback" / "export.json"
T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
BOSS = User(id="1", name="alice")


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


class Gateway:
    """Stands in for the bot's gateway state."""

    def __init__(self) -> None:
        self.connected = True

    def health(self) -> tuple[bool, str]:
        return (True, "connected, 42 ms") if self.connected else (False, "not connected")


async def test_metrics_and_health_of_a_running_service(tmp_path: Path) -> None:
    """Counts, histograms and gauges match what the service did; /healthz is 200 while
    every check passes and 503 naming the check that fails."""
    metrics = Metrics()
    store = SqliteStore(tmp_path / "state.sqlite3")
    service = IncidentService(store, Engine(), defaults=IncidentConfig(lang="en"), observer=metrics)
    metrics.watch_incidents(service.open_incidents)
    metrics.watch_backlog(store.backlog)
    metrics.watch_gateway(lambda: 0.042)
    audit = MeteredAudit(MemoryAudit(), metrics)
    gateway = Gateway()
    checks = {**health_checks(store, None), "gateway": gateway.health}
    server = MetricsServer(metrics, checks, host="127.0.0.1", port=0)
    await server.start()
    try:
        export = load_export(SAMPLE)
        await replay(service, export, ReplayOptions(export=SAMPLE), io.StringIO())
        for minute, name, args in [(0, "declare", {"title": "checkout errors"}),
                                   (7, "phase", {"phase": "mitigating"})]:  # fmt: skip
            await service.handle(
                Command(
                    at=T0 + timedelta(minutes=minute),
                    incident_id="c2",
                    name=name,  # type: ignore[arg-type]
                    user=BOSS,
                    args=args,
                    interaction_id=f"i{minute}",
                )
            )
        audit.record_llm_call(
            LLMCallRecord(
                at=T0,
                prompt_name="update",
                model="m",
                tokens_in=10,
                tokens_out=5,
                latency_ms=1500.0,
                outcome="ok",
            )
        )
        base = f"http://127.0.0.1:{server.bound_port}"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/metrics") as resp:
                assert resp.status == 200
                assert resp.headers["Content-Type"].startswith("text/plain")
                scraped = _samples(await resp.text())
            async with http.get(f"{base}/healthz") as resp:
                healthy = (resp.status, await resp.json())
            gateway.connected = False
            async with http.get(f"{base}/healthz") as resp:
                unhealthy = (resp.status, await resp.json())
    finally:
        await server.stop()

    def value(name: str, **labels: str) -> float:
        return scraped[(f"incident_assistant_{name}", tuple(sorted(labels.items())))]

    sample = service.state(export.incident_id)
    small = service.state("c2")
    assert sample is not None and small is not None
    assert value("incidents_open", phase="mitigating") == 1
    assert value("incidents_open", phase="investigating") == 0
    assert value("time_to_phase_seconds_count", phase="mitigating") == 2
    assert value("time_to_phase_seconds_count", phase="resolved") == 1
    marks = {m.key: m for m in postmortem.build(sample).milestones}
    resolved_s = marks["resolved"].since_detected_s
    assert resolved_s is not None
    assert abs(value("time_to_phase_seconds_sum", phase="resolved") - resolved_s) < 1e-6
    posted = sum(
        v for (n, _), v in scraped.items() if n == "incident_assistant_updates_posted_total"
    )
    assert posted == len(sample.updates) + len(small.updates)
    flags = [d.action for d in service.deliveries(export.incident_id) if isinstance(d.action, Flag)]
    assert value("flags_raised_total", reason="unassigned") == sum(
        1 for f in flags if f.reason == "unassigned"
    )
    assert value("answers_total", intent="rollback", recommendation="rollback") == 1
    assert value("answers_total", intent="rollback", recommendation="hold") == 1
    assert value("answers_total", intent="status", recommendation="none") == 2
    assert value("llm_calls_total", prompt="update", outcome="ok") == 1
    assert value("llm_call_seconds_sum", prompt="update") == 1.5
    assert value("outbox_backlog") == store.backlog() > 0
    assert value("gateway_latency_seconds") == 0.042
    status, body = healthy
    assert status == 200 and body["status"] == "ok"
    assert body["checks"]["store"] == {"ok": True, "detail": "writable"}
    assert body["checks"]["knowledge"]["ok"] is True
    status, body = unhealthy
    assert status == 503 and body["status"] == "fail"
    assert body["checks"]["gateway"] == {"ok": False, "detail": "not connected"}
    store.close()


async def test_a_store_that_cannot_be_written_fails_the_probe(tmp_path: Path) -> None:
    """The store check writes for real: a closed (or broken) store answers 503."""
    store = SqliteStore(tmp_path / "s.sqlite3")
    server = MetricsServer(Metrics(), health_checks(store, None), host="127.0.0.1", port=0)
    await server.start()
    store.close()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{server.bound_port}/healthz") as resp,
        ):
            status, body = resp.status, await resp.json()
    finally:
        await server.stop()
    assert status == 503 and body["checks"]["store"]["ok"] is False
    assert "ProgrammingError" in body["checks"]["store"]["detail"]
