"""Incremental ingest of knowledge files into a Chroma collection.

Each chunk carries its document's content hash, its source file (relative to a base
directory) and a tag of that base directory (a hash, never the path), so a new run can tell what
changed: an unchanged document is skipped, a changed one has its chunks replaced, and a
document that was stored from a directory being ingested but is no longer there is removed.
A file that fails to parse is reported and its previously stored version is kept.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.adapters.knowledge_docs import (
    Chunk,
    DocumentError,
    SourceDoc,
    chunk,
    read_jsonl,
    read_markdown,
)

MARKDOWN_SUFFIXES = (".md", ".markdown")
BATCH = 128
Progress = Callable[[int, int], None]


@dataclass
class IngestReport:
    """What one ingest run did. ``errors`` are human-readable and name the file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    chunks_written: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, removed {len(self.removed)}, "
            f"errors {len(self.errors)} ({self.chunks_written} chunks written)"
        )


@dataclass
class _Stored:
    doc_hash: str
    source: str
    base: str
    chunk_ids: list[str] = field(default_factory=list)


def source_key(path: Path, base_dir: Path) -> str:
    """The stored form of a file path: relative to ``base_dir``, never absolute."""
    return Path(os.path.relpath(path.resolve(), base_dir.resolve())).as_posix()


def base_tag(base_dir: Path) -> str:
    """Which base a stored source is relative to, without storing the path itself.

    A run only removes documents stored against its own base: a source relative to another
    base would resolve to the wrong place.
    """
    return hashlib.sha256(str(base_dir.resolve()).encode("utf-8")).hexdigest()[:12]


def ingest(
    collection: Any,
    paths: Iterable[str | Path],
    *,
    base_dir: Path,
    progress: Progress | None = None,
    progress_every: int = 50,
) -> IngestReport:
    """Bring ``collection`` in line with the documents under ``paths``."""
    report = IngestReport()
    stored = _stored_docs(collection)
    tag = base_tag(base_dir)
    seen: dict[str, str] = {}  # doc id -> source key
    failed_sources: set[str] = set()
    scanned_dirs: list[Path] = []
    docs: list[SourceDoc] = []

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            scanned_dirs.append(path.resolve())
        elif not path.exists():
            report.errors.append(f"{path}: no such file or directory")
            continue
        for item in _read_all(path):
            if isinstance(item, DocumentError):
                report.errors.append(str(item))
                failed_sources.add(source_key(item.path, base_dir))
                continue
            key = source_key(item.source, base_dir)
            if item.doc_id in seen:
                first = seen[item.doc_id]
                report.errors.append(
                    f"{item.source}: duplicate document id {item.doc_id!r} (also in {first})"
                )
                continue
            seen[item.doc_id] = key
            docs.append(item)

    pending: list[Chunk] = []
    stale: list[str] = []
    for done, doc in enumerate(docs, start=1):
        key = seen[doc.doc_id]
        old = stored.get(doc.doc_id)
        if old is not None and old.doc_hash == doc.content_hash:
            report.unchanged.append(doc.doc_id)
            if (old.source, old.base) != (key, tag):  # moved file: refresh its path only
                pieces = chunk(doc)
                collection.update(
                    ids=[c.chunk_id for c in pieces],
                    metadatas=[chunk_metadata(c, base_dir) for c in pieces],
                )
        else:
            (report.added if old is None else report.updated).append(doc.doc_id)
            if old is not None:
                stale.extend(old.chunk_ids)
            pending.extend(chunk(doc))
        if len(pending) >= BATCH:
            report.chunks_written += _flush(collection, stale, pending, base_dir)
        if progress is not None and (done % progress_every == 0 or done == len(docs)):
            progress(done, len(docs))
    report.chunks_written += _flush(collection, stale, pending, base_dir)

    gone = [
        doc_id
        for doc_id, old in stored.items()
        if doc_id not in seen
        and old.base == tag
        and old.source not in failed_sources
        and _under_any(base_dir / old.source, scanned_dirs)
    ]
    for doc_id in gone:
        collection.delete(ids=stored[doc_id].chunk_ids)
        report.removed.append(doc_id)
    return report


def _read_all(path: Path) -> Iterator[SourceDoc | DocumentError]:
    files = sorted(_walk(path)) if path.is_dir() else [path]
    for file in files:
        suffix = file.suffix.lower()
        try:
            if suffix in MARKDOWN_SUFFIXES:
                yield read_markdown(file)
            elif suffix == ".jsonl":
                yield from read_jsonl(file)
            else:
                yield DocumentError(file, "not a Markdown (.md) or JSON Lines (.jsonl) file")
        except DocumentError as exc:
            yield exc
        except OSError as exc:
            yield DocumentError(file, f"cannot read: {exc.strerror or exc}")


def _walk(directory: Path) -> Iterator[Path]:
    """Knowledge files under ``directory``: hidden entries and READMEs are not documents."""
    for path in directory.rglob("*"):
        rel = path.relative_to(directory).parts
        if any(part.startswith(".") for part in rel) or not path.is_file():
            continue
        if path.name.lower().startswith("readme"):
            continue
        suffix = path.suffix.lower()
        if suffix == ".jsonl" or (suffix in MARKDOWN_SUFFIXES and _has_kind_dir(path)):
            yield path


def _has_kind_dir(path: Path) -> bool:
    return any(part in ("postmortems", "guidance") for part in path.parts[:-1])


def _under_any(path: Path, dirs: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved.is_relative_to(d) for d in dirs)


def _stored_docs(collection: Any) -> dict[str, _Stored]:
    got = collection.get(include=["metadatas"])
    docs: dict[str, _Stored] = {}
    for chunk_id, meta in zip(got["ids"], got["metadatas"] or [], strict=False):
        doc_id = str(meta.get("doc_id", ""))
        entry = docs.setdefault(
            doc_id,
            _Stored(
                str(meta.get("doc_hash", "")),
                str(meta.get("source", "")),
                str(meta.get("source_base", "")),
            ),
        )
        entry.chunk_ids.append(chunk_id)
    return docs


def chunk_metadata(piece: Chunk, base_dir: Path) -> dict[str, str | int | float | bool]:
    doc = piece.doc
    meta: dict[str, str | int | float | bool] = dict(doc.meta)
    meta.update(
        doc_id=doc.doc_id,
        kind=doc.kind,
        title=doc.title,
        section=piece.section,
        chunk=piece.index,
        doc_hash=doc.content_hash,
        source=source_key(doc.source, base_dir),
        source_base=base_tag(base_dir),
        format=doc.fmt,
    )
    return meta


def _flush(collection: Any, stale: list[str], pending: list[Chunk], base_dir: Path) -> int:
    if stale:
        collection.delete(ids=list(stale))
        stale.clear()
    if not pending:
        return 0
    written = len(pending)
    collection.add(
        ids=[c.chunk_id for c in pending],
        documents=[c.text for c in pending],
        metadatas=[chunk_metadata(c, base_dir) for c in pending],
    )
    pending.clear()
    return written
