"""The logic of ``incident-assistant kb ingest`` and ``kb search``; the CLI stays thin.

``settings`` is a ``KnowledgeSettings`` or the app's settings (anything with ``chroma_path``,
``chroma_host`` and ``chroma_port``); ``store_dir`` overrides the store directory.

Both functions write to ``out`` and return a process exit code: 0 on success, 1 when the run
finished but something failed (a bad file, no hits), 2 when nothing could be done.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Literal, TextIO

from assistant.adapters.knowledge_chroma import (
    ChromaKnowledge,
    ChromaSettingsLike,
    KnowledgeSettings,
)

Kind = Literal["postmortem", "guidance"]


def _settings(
    store_dir: str | None, settings: KnowledgeSettings | ChromaSettingsLike | None
) -> KnowledgeSettings:
    base = KnowledgeSettings.of(settings)
    return replace(base, store_dir=store_dir) if store_dir else base


def _where(settings: KnowledgeSettings) -> str:
    if settings.chroma_host:
        return f"Chroma server {settings.chroma_host}:{settings.chroma_port or 8000}"
    return settings.store_dir


def run_ingest(
    paths: list[str],
    *,
    store_dir: str | None = None,
    out: TextIO,
    settings: KnowledgeSettings | ChromaSettingsLike | None = None,
) -> int:
    """Ingest files and directories incrementally; print progress, errors and a summary."""
    if not paths:
        out.write("kb ingest: give at least one directory or file\n")
        return 2
    resolved = _settings(store_dir, settings)
    started = time.perf_counter()
    try:
        kb = ChromaKnowledge(resolved)
    except Exception as exc:  # the store is unreachable or unreadable: say so, exit non-zero
        out.write(f"kb ingest: cannot open the knowledge store at {_where(resolved)}: {exc}\n")
        return 2

    def progress(done: int, total: int) -> None:
        out.write(f"  {done}/{total} documents\n")
        out.flush()

    with kb:
        report = kb.ingest(paths, progress=progress)
    for error in report.errors:
        out.write(f"error: {error}\n")
    elapsed = time.perf_counter() - started
    out.write(f"kb ingest ({_where(resolved)}): {report.summary()} in {elapsed:.1f}s\n")
    return 0 if report.ok else 1


def run_search(
    query: str,
    *,
    k: int = 5,
    store_dir: str | None = None,
    kind: str | None = None,
    out: TextIO,
    settings: KnowledgeSettings | ChromaSettingsLike | None = None,
) -> int:
    """Print the top ``k`` documents for ``query`` with their scores and best sections."""
    if kind not in (None, "postmortem", "guidance"):
        out.write("kb search: --kind must be postmortem or guidance\n")
        return 2
    resolved = _settings(store_dir, settings)
    try:
        kb = ChromaKnowledge(resolved)
    except Exception as exc:
        out.write(f"kb search: cannot open the knowledge store at {_where(resolved)}: {exc}\n")
        return 2
    kind_filter: Kind | None = "postmortem" if kind == "postmortem" else None
    if kind == "guidance":
        kind_filter = "guidance"
    with kb:
        if kb.count() == 0:
            out.write(f"kb search: the store at {_where(resolved)} is empty; run kb ingest\n")
            return 1
        hits = kb.search(query, kind=kind_filter, k=k)
    if not hits:
        out.write("no matching documents\n")
        return 1
    for rank, hit in enumerate(hits, start=1):
        section = f" § {hit.section}" if hit.section else ""
        out.write(f"{rank}. {hit.score:.3f}  [{hit.kind}] {hit.doc_id}\n")
        out.write(f"   {hit.title}{section}\n")
        if hit.rollback_attempted is not None or hit.rollback_outcome:
            outcome = hit.rollback_outcome or "outcome unknown"
            attempted = {True: "yes", False: "no", None: "?"}[hit.rollback_attempted]
            out.write(f"   rollback attempted: {attempted}; {outcome}\n")
        if hit.source_url:
            out.write(f"   {hit.source_url}\n")
        first = " ".join(hit.snippet.split())[:200]
        if first:
            out.write(f"   {first}\n")
    return 0
