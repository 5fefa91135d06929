"""The composition root: settings -> adapters -> service. Nothing here runs at import."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.engine import Engine
from assistant.core.ports import KnowledgePort
from assistant.core.safety import Redactor
from assistant.service import IncidentService, Polisher
from assistant.settings import Settings
from assistant.store import StorePort

if TYPE_CHECKING:
    from assistant.metrics import Metrics

log = logging.getLogger(__name__)


@dataclass
class App:
    """What a command needs, and what must be closed when it is done."""

    settings: Settings
    store: StorePort
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


def open_store(
    settings: Settings, *, state_path: Path | None = None, state_url: str | None = None
) -> StorePort:
    """PostgreSQL when a URL is given (or STATE_URL is set and no path is), else SQLite."""
    url = state_url
    if url is None and state_path is None and settings.state_url is not None:
        url = settings.state_url.get_secret_value()
    if url:
        from assistant.adapters.store_postgres import PostgresStore

        return PostgresStore(url)
    from assistant.adapters.store_sqlite import SqliteStore

    return SqliteStore(state_path or settings.state_path)


def build_llm(
    settings: Settings, store: StorePort, metrics: Metrics | None = None
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
    state_url: str | None = None,
    knowledge_dirs: list[Path] | None = None,
    use_knowledge: bool = True,
    with_metrics: bool = False,
    standby: bool = False,
) -> App:
    """``standby``: the service writes nothing until ``service.take_over()`` (it may share
    the store with an active process)."""
    store = open_store(settings, state_path=state_path, state_url=state_url)
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
        standby=standby,
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


def health_checks(store: StorePort, knowledge: KnowledgePort | None) -> dict[str, Check]:
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
