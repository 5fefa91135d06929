"""Prometheus metrics of the running bot, observed at the service and adapter level.

``Metrics`` owns its own registry (never the global one, so tests and several services in
one process do not collide). The service calls ``recorded(state, actions)`` after every
event it commits; the LLM audit sink is wrapped so each call is counted; gauges that
describe the present (open incidents by phase, outbox backlog, gateway latency) are read
when Prometheus scrapes. The core knows nothing of this.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from assistant.core.actions import Action, Flag, PhaseChanged, PostUpdate, Reply
from assistant.core.model import PHASE_ORDER, IncidentState
from assistant.core.postmortem_times import milestones
from assistant.llm.audit import AuditSink, LLMCallRecord

log = logging.getLogger(__name__)

PREFIX = "incident_assistant"
# time to a phase: minutes to a day
PHASE_BUCKETS = (60, 300, 600, 900, 1800, 2700, 3600, 7200, 14400, 28800, 86400)
LLM_BUCKETS = (0.25, 0.5, 1, 2, 5, 10, 20, 45, 90)


class _OpenIncidents(Collector):
    """``incidents_open{phase}``, counted from the service when scraped."""

    def __init__(self, source: Callable[[], Sequence[IncidentState]]) -> None:
        self.source = source

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            f"{PREFIX}_incidents_open", "Open incidents by phase.", labels=["phase"]
        )
        counts = {p.value: 0 for p in PHASE_ORDER if p.value != "resolved"}
        try:
            for state in self.source():
                if state.is_open:
                    counts[state.phase.value] = counts.get(state.phase.value, 0) + 1
        except Exception:
            log.exception("metrics: could not count open incidents")
        for phase, n in counts.items():
            family.add_metric([phase], n)
        yield family


class Metrics:
    """Every metric the bot exports, in one registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.time_to_phase = Histogram(
            f"{PREFIX}_time_to_phase_seconds",
            "Seconds from detection to the first entry into a phase (resolved: each resolution).",
            ["phase"],
            buckets=PHASE_BUCKETS,
            registry=r,
        )
        self.updates = Counter(
            f"{PREFIX}_updates_posted",
            "Status updates decided for posting in an incident channel.",
            ["kind", "audience"],
            registry=r,
        )
        self.flags = Counter(
            f"{PREFIX}_flags_raised", "Roster flags raised.", ["reason"], registry=r
        )
        self.answers = Counter(
            f"{PREFIX}_answers",
            "Answers given, by intent and recommendation ('none' for answers without one).",
            ["intent", "recommendation"],
            registry=r,
        )
        self.llm_calls = Counter(
            f"{PREFIX}_llm_calls", "LLM calls by prompt and outcome.", ["prompt", "outcome"],
            registry=r,
        )  # fmt: skip
        self.llm_latency = Histogram(
            f"{PREFIX}_llm_call_seconds",
            "Latency of one LLM call, retries and repair included.",
            ["prompt"],
            buckets=LLM_BUCKETS,
            registry=r,
        )
        self.outbox_backlog = Gauge(
            f"{PREFIX}_outbox_backlog", "Outbox rows not delivered yet.", registry=r
        )
        self.gateway_latency = Gauge(
            f"{PREFIX}_gateway_latency_seconds",
            "Discord gateway heartbeat latency (NaN before the first heartbeat).",
            registry=r,
        )

    # ---- wiring of the gauges read at scrape time
    def watch_incidents(self, source: Callable[[], Sequence[IncidentState]]) -> None:
        self.registry.register(_OpenIncidents(source))

    def watch_backlog(self, source: Callable[[], int]) -> None:
        self.outbox_backlog.set_function(lambda: float(source()))

    def watch_gateway(self, source: Callable[[], float]) -> None:
        self.gateway_latency.set_function(source)

    # ---- observations
    def recorded(self, state: IncidentState, actions: Sequence[Action]) -> None:
        """The actions the service just committed for ``state``."""
        for action in actions:
            if isinstance(action, PostUpdate) and action.draft_for is None:
                self.updates.labels(action.update.kind, action.update.audience).inc()
            elif isinstance(action, Flag):
                self.flags.labels(action.reason).inc()
            elif isinstance(action, Reply):
                answer = action.answer
                self.answers.labels(answer.intent, answer.recommendation or "none").inc()
            elif isinstance(action, PhaseChanged):
                self._phase(state, action)

    def _phase(self, state: IncidentState, change: PhaseChanged) -> None:
        marks = {m.key: m for m in milestones(state)}
        mark, detected = marks.get(change.phase.value), marks["detected"].at  # type: ignore[call-overload]
        if mark is None or mark.at != change.at or detected is None:
            return  # not a first entry (a re-entry after a regression), or declared
        self.time_to_phase.labels(change.phase.value).observe(
            max(0.0, (change.at - detected).total_seconds())
        )

    def llm_call(self, record: LLMCallRecord) -> None:
        self.llm_calls.labels(record.prompt_name, record.outcome).inc()
        self.llm_latency.labels(record.prompt_name).observe(record.latency_ms / 1000)


class MeteredAudit:
    """An ``AuditSink`` that records each LLM call where it did, and counts it."""

    def __init__(self, inner: AuditSink, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics

    def record_llm_call(self, record: LLMCallRecord) -> None:
        try:
            self.metrics.llm_call(record)
        except Exception:
            log.exception("metrics: could not count an LLM call")
        self.inner.record_llm_call(record)
