"""The composition root: settings -> adapters -> service. Nothing here runs at import."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.adapters.store_sqlite import SqliteStore
from assistant.core.engine import Engine
from assistant.core.ports import KnowledgePort
from assistant.core.safety import Redactor
from assistant.service import IncidentService, Polisher
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.metrics import Metrics

log = logging.getLogger(__name__)


@dataclass
class App:
    """What a command needs, and what must be closed when it is done."""

    settings: Settings
    store: SqliteStore
    service: IncidentService
    knowledge: KnowledgePort | None
    closers: list[Any] = field(default_factory=list)
    metrics: Metrics | None = None  # with METRICS_PORT

    def close(self) -> None:
        for closer in reversed(self.closers):
            closer()


def build_knowledge(settings: Settings, dirs: list[Path] | None = None) -> KnowledgePort | None:
    """The Chroma knowledge store, synced with ``dirs`` (incremental). Without ``dirs``: the
    team's shared knowledge base, synced with KNOWLEDGE_DIRS; with them: exactly those."""
    from assistant.adapters.knowledge_build import open_knowledge

    if dirs is None:
        return open_knowledge(settings, settings.knowledge_dirs)
    return open_knowledge(settings, dirs, isolated=True)


def build_llm(
    settings: Settings, store: SqliteStore, metrics: Metrics | None = None
) -> Polisher | None:
    if not settings.llm_enabled:
        return None
    from assistant.llm.wiring import llm_from_settings

    if metrics is None:
        return llm_from_settings(settings, audit=store)
    from assistant.metrics import MeteredAudit

    return llm_from_settings(settings, audit=MeteredAudit(store, metrics))


def build_app(
    settings: Settings,
    *,
    state_path: Path | None = None,
    knowledge_dirs: list[Path] | None = None,
    use_knowledge: bool = True,
    with_metrics: bool = False,
) -> App:
    store = SqliteStore(state_path or settings.state_path)
    knowledge = build_knowledge(settings, knowledge_dirs) if use_knowledge else None
    metrics = None
    if with_metrics and settings.metrics_port is not None:
        from assistant.metrics import Metrics

        metrics = Metrics()
    service = IncidentService(
        store,
        Engine(knowledge=knowledge),
        defaults=settings.incident_defaults(),
        llm=build_llm(settings, store, metrics),
        redactor=Redactor(extra=settings.redact_patterns),
        observer=metrics,
    )
    if metrics is not None:
        metrics.watch_incidents(service.open_incidents)
        metrics.watch_backlog(store.backlog)
    closers = [store.close]
    close_knowledge = getattr(knowledge, "close", None)
    if close_knowledge is not None:
        closers.append(close_knowledge)
    return App(
        settings=settings,
        store=store,
        service=service,
        knowledge=knowledge,
        closers=closers,
        metrics=metrics,
    )


Check = Callable[[], tuple[bool, str]]


def health_checks(store: SqliteStore, knowledge: KnowledgePort | None) -> dict[str, Check]:
    """``/healthz`` checks of the store and the knowledge base (the bot adds the gateway)."""

    def store_writable() -> tuple[bool, str]:
        store.probe_write(datetime.now(UTC))
        return True, "writable"

    def knowledge_readable() -> tuple[bool, str]:
        if knowledge is None:
            return True, "not configured"
        count = getattr(knowledge, "count", None)
        if count is None:
            return True, "readable"
        return True, f"{int(count())} chunks"

    return {"store": store_writable, "knowledge": knowledge_readable}
