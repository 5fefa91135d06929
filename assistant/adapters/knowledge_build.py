"""Open the knowledge store for the app, brought up to date with the configured directories.

Each set of knowledge directories gets its own collection, so ``replay --knowledge DIR``
answers from exactly those documents and never from what another run ingested. Ingest is
incremental: an unchanged file costs a hash, not an embedding.
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
    return KnowledgeSettings(
        store_dir=str(settings.chroma_path),
        chroma_host=settings.chroma_host,
        chroma_port=settings.chroma_port,
        collection=collection_name(dirs) if dirs else COLLECTION,
    )


def open_knowledge(settings: Settings, dirs: list[Path]) -> ChromaKnowledge | None:
    """The knowledge store over ``dirs``; ``None`` (answers without citations) if none exist."""
    present = [d for d in dirs if d.exists()]
    for missing in set(dirs) - set(present):
        log.warning("knowledge directory %s does not exist; skipped", missing)
    if not present:
        return None
    kb = ChromaKnowledge(knowledge_settings(settings, present))
    for directory in present:
        kb.base_dir = directory if directory.is_dir() else directory.parent
        report = kb.ingest([directory])
        for error in report.errors:
            log.warning("knowledge: %s", error)
    return kb
