"""Open the knowledge store for the app, brought up to date with the configured directories.

The bot, ``ask`` and a plain ``replay`` use the team's knowledge base: the one collection
that ``kb ingest`` adds to, synced on open with ``KNOWLEDGE_DIRS``. ``replay --knowledge DIR``
is hermetic instead: that set of directories gets a collection of its own, so the replay
answers from exactly those documents. Ingest is incremental: an unchanged file costs a hash.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from assistant.adapters.knowledge_chroma import COLLECTION, ChromaKnowledge, KnowledgeSettings
from assistant.settings import Settings

log = logging.getLogger(__name__)


def collection_name(dirs: list[Path]) -> str:
    """A stable collection name for a set of directories (Chroma allows [a-zA-Z0-9._-])."""
    key = "\n".join(sorted(str(d.resolve()) for d in dirs))
    return f"{COLLECTION}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def knowledge_settings(settings: Settings, dirs: list[Path] | None = None) -> KnowledgeSettings:
    """The shared collection, or with ``dirs`` a collection of exactly those directories."""
    return KnowledgeSettings(
        store_dir=str(settings.chroma_path),
        chroma_host=settings.chroma_host,
        chroma_port=settings.chroma_port,
        collection=collection_name(dirs) if dirs else COLLECTION,
    )


def open_knowledge(
    settings: Settings, dirs: list[Path], *, isolated: bool = False
) -> ChromaKnowledge | None:
    """The knowledge store synced with ``dirs`` (the shared collection unless ``isolated``);
    ``None`` (answers without citations) when none of the directories exists."""
    present = [d for d in dirs if d.exists()]
    for missing in set(dirs) - set(present):
        log.warning("knowledge directory %s does not exist; skipped", missing)
    if not present:
        return None
    kb = ChromaKnowledge(knowledge_settings(settings, present if isolated else None))
    for directory in present:
        kb.base_dir = directory if directory.is_dir() else directory.parent
        report = kb.ingest([directory])
        for error in report.errors:
            log.warning("knowledge: %s", error)
    return kb
