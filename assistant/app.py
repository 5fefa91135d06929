"""The composition root: settings -> adapters -> service. Nothing here runs at import."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.adapters.store_sqlite import SqliteStore
from assistant.core.engine import Engine
from assistant.core.ports import KnowledgePort
from assistant.core.safety import Redactor
from assistant.service import IncidentService, Polisher
from assistant.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class App:
    """What a command needs, and what must be closed when it is done."""

    settings: Settings
    store: SqliteStore
    service: IncidentService
    knowledge: KnowledgePort | None
    closers: list[Any] = field(default_factory=list)

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


def build_llm(settings: Settings, store: SqliteStore) -> Polisher | None:
    if not settings.llm_enabled:
        return None
    from assistant.llm.wiring import llm_from_settings

    return llm_from_settings(settings, audit=store)


def build_app(
    settings: Settings,
    *,
    state_path: Path | None = None,
    knowledge_dirs: list[Path] | None = None,
    use_knowledge: bool = True,
) -> App:
    store = SqliteStore(state_path or settings.state_path)
    knowledge = build_knowledge(settings, knowledge_dirs) if use_knowledge else None
    service = IncidentService(
        store,
        Engine(knowledge=knowledge),
        defaults=settings.incident_defaults(),
        llm=build_llm(settings, store),
        redactor=Redactor(extra=settings.redact_patterns),
    )
    closers = [store.close]
    close_knowledge = getattr(knowledge, "close", None)
    if close_knowledge is not None:
        closers.append(close_knowledge)
    return App(
        settings=settings, store=store, service=service, knowledge=knowledge, closers=closers
    )
