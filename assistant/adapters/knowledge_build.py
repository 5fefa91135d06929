"""Bring up the knowledge store for the app: open it and ingest the knowledge folders.

Called by the composition root. A store that cannot be opened or brought up to date is
logged and replaced by ``None``: the bot then answers without the knowledge base (and says
so) instead of failing to start.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from assistant.adapters.knowledge_chroma import (
    ChromaKnowledge,
    ChromaSettingsLike,
    KnowledgeSettings,
)

log = logging.getLogger(__name__)


def open_knowledge(
    settings: KnowledgeSettings | ChromaSettingsLike,
    dirs: Iterable[Path | str],
    *,
    exclude_ids: Iterable[str] = (),
) -> ChromaKnowledge | None:
    """The Chroma knowledge store, incrementally up to date with ``dirs``; None if unusable."""
    try:
        kb = ChromaKnowledge(KnowledgeSettings.of(settings), exclude_ids=exclude_ids)
        report = kb.ingest([Path(d) for d in dirs])
    except Exception:
        log.exception("knowledge base unavailable; answering without it")
        return None
    for error in report.errors:
        log.warning("knowledge ingest: %s", error)
    log.info("knowledge ingest: %s", report.summary())
    return kb
