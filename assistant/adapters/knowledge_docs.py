"""Knowledge documents on disk: Markdown with YAML front matter, and JSON Lines postmortems.

This module turns files into ``SourceDoc`` values (one per document, with its metadata and a
content hash) and cuts them into ``Chunk`` values by section. It knows nothing about Chroma.

Document ids: a Markdown file's id is its path from the ``postmortems/`` or ``guidance/``
folder on, without extension (``guidance/ja/rollback-checklist``); a JSON Lines record's id is
its ``id`` field.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import yaml

from assistant.core.lang import detect_one

Kind = Literal["postmortem", "guidance"]
Outcome = Literal["helped", "did_not_help", "made_worse", "not_attempted"]

KIND_DIRS: dict[str, Kind] = {"postmortems": "postmortem", "guidance": "guidance"}
OUTCOMES: tuple[str, ...] = ("helped", "did_not_help", "made_worse", "not_attempted")
CHUNK_CHARS = 1500
# Part of every content hash: bump it when parsing or chunking changes, so the next ingest
# re-chunks and re-embeds documents whose files did not change.
FORMAT_VERSION = 2
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")


class DocumentError(ValueError):
    """A file (or a record in it) that cannot be read as a knowledge document."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
        self.path = Path(path)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class SourceDoc:
    """One knowledge document, ready to chunk. ``meta`` holds flat, Chroma-safe values."""

    doc_id: str
    kind: Kind
    title: str
    text: str
    source: Path
    fmt: Literal["markdown", "jsonl"]
    meta: dict[str, str | int | float | bool] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        payload = json.dumps(
            {
                "format": FORMAT_VERSION,
                "id": self.doc_id,
                "title": self.title,
                "text": self.text,
                "meta": self.meta,
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Chunk:
    """A piece of a document: one section, or part of a long one."""

    doc: SourceDoc
    index: int
    section: str
    body: str

    @property
    def chunk_id(self) -> str:
        return f"{self.doc.doc_id}#{self.index}"

    @property
    def text(self) -> str:
        """What gets embedded and indexed: title and section give the body its context."""
        head = self.doc.title if not self.section else f"{self.doc.title} / {self.section}"
        return f"{head}\n\n{self.body}"


# --- Markdown -------------------------------------------------------------------------------


def markdown_id(path: Path) -> tuple[str, Kind]:
    """The document id and kind of a Markdown file, from its ``postmortems``/``guidance`` folder."""
    parts = path.with_suffix("").parts
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] in KIND_DIRS and i < len(parts) - 1:
            return "/".join(parts[i:]), KIND_DIRS[parts[i]]
    raise DocumentError(path, "not under a postmortems/ or guidance/ folder: cannot tell its kind")


def split_front_matter(path: Path, raw: str) -> tuple[dict[str, Any], str]:
    """YAML front matter (between ``---`` lines at the top) and the body after it."""
    if not raw.startswith("---"):
        return {}, raw
    lines = raw.splitlines(keepends=True)
    if lines[0].strip() != "---":
        return {}, raw
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            block = "".join(lines[1:i])
            body = "".join(lines[i + 1 :])
            break
    else:
        raise DocumentError(path, "front matter starts with '---' but has no closing '---' line")
    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (front matter line {where.line + 1})" if where is not None else ""
        raise DocumentError(path, f"front matter is not valid YAML{line}: {exc}") from None
    if data is None:
        return {}, body
    if not isinstance(data, dict):
        raise DocumentError(path, "front matter must be a YAML mapping (key: value lines)")
    return data, body


def read_markdown(path: Path) -> SourceDoc:
    doc_id, kind = markdown_id(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DocumentError(path, "not UTF-8 text") from None
    front, body = split_front_matter(path, raw)
    try:
        meta = _common_meta(front)
        if kind == "postmortem":
            meta.update(_rollback_meta(front.get("rollback"), source="front_matter"))
        title = _text_field(front, "title") or _first_heading(body) or path.stem
    except ValueError as exc:
        raise DocumentError(path, f"bad front matter: {exc}") from None
    meta.setdefault("lang", detect_one(body))
    return SourceDoc(doc_id, kind, title, body.strip(), path, "markdown", meta)


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        m = _HEADING.match(line)
        if m:
            return m.group(2).strip()
    return None


# --- JSON Lines -----------------------------------------------------------------------------


def jsonl_kind(path: Path) -> Kind:
    """Records are guidance when the file sits under a ``guidance/`` folder, else postmortems."""
    for part in reversed(path.parts[:-1]):
        if part in KIND_DIRS:
            return KIND_DIRS[part]
    return "postmortem"


def read_jsonl(path: Path) -> Iterator[SourceDoc | DocumentError]:
    """Records, one per line; a bad line yields an error and the file goes on."""
    kind = jsonl_kind(path)
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield DocumentError(path, f"not valid JSON: {exc.msg}", line=lineno)
                continue
            try:
                yield _jsonl_doc(path, record, kind)
            except ValueError as exc:
                yield DocumentError(path, str(exc), line=lineno)


def _jsonl_doc(path: Path, record: object, kind: Kind = "postmortem") -> SourceDoc:
    if not isinstance(record, dict):
        raise ValueError("a record must be a JSON object")
    for key in ("id", "text"):
        if not isinstance(record.get(key), str) or not record[key].strip():
            raise ValueError(f"record needs a non-empty string {key!r}")
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        title = _derived_title(record)
    meta = _common_meta(record)
    if kind == "postmortem":
        meta.update(_record_rollback(record))
    if "date" not in meta and isinstance(record.get("start_time"), str) and record["start_time"]:
        meta["date"] = record["start_time"][:10]
    if "tags" not in meta and isinstance(record.get("keywords_upstream"), list):
        meta["tags"] = ", ".join(str(t) for t in record["keywords_upstream"])
    if isinstance(record.get("company"), str):
        meta["company"] = record["company"]
    text = record["text"].strip()
    summary = record.get("summary") or record.get("summary_oneliner")
    if isinstance(summary, str) and summary.strip() and summary.strip() not in text:
        text = f"{summary.strip()}\n\n{text}"
    meta.setdefault("lang", detect_one(text))
    return SourceDoc(record["id"], kind, title.strip(), text, path, "jsonl", meta)


def _record_rollback(record: dict[str, Any]) -> dict[str, str | int | float | bool]:
    """Rollback fields from ``rollback``, else (marked as heuristic) ``rollback_heuristic``."""
    if "rollback" in record:
        return _rollback_meta(record["rollback"], source="record")
    heuristic = record.get("rollback_heuristic")
    if not isinstance(heuristic, dict):
        return {}
    # A noisy keyword rule: a mention hints that a rollback was tried; the outcome is unknown.
    meta: dict[str, str | int | float | bool] = {"rollback_source": "heuristic"}
    if heuristic.get("mentioned"):
        meta["rollback_attempted"] = True
    return meta


def _derived_title(record: dict[str, Any]) -> str:
    """A title for a record without one: company and product, or its summary's start."""
    named = " ".join(
        str(record[k]).strip() for k in ("company", "product") if isinstance(record.get(k), str)
    ).strip()
    summary = record.get("summary_oneliner") or record.get("summary") or record["text"]
    first = _SENTENCE_END.split(str(summary).strip(), maxsplit=1)[0][:100]
    return f"{named}: {first}" if named else first


# --- shared metadata ------------------------------------------------------------------------


def _text_field(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()[:10]
    if isinstance(value, str | int | float):
        return str(value).strip() or None
    raise ValueError(f"{key!r} must be text, got {type(value).__name__}")


def _list_field(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value) or None
    raise ValueError(f"{key!r} must be a list of words, got {type(value).__name__}")


def _common_meta(data: dict[str, Any]) -> dict[str, str | int | float | bool]:
    meta: dict[str, str | int | float | bool] = {}
    for key in ("date", "severity", "cause", "source_url", "lang"):
        value = _text_field(data, key)
        if value is not None:
            meta[key] = value
    for key in ("tags", "services"):
        listed = _list_field(data, key)
        if listed is not None:
            meta[key] = listed
    if "lang" in meta and meta["lang"] not in ("ja", "en"):
        raise ValueError(f"'lang' must be ja or en, got {meta['lang']!r}")
    return meta


def _rollback_meta(value: object, *, source: str) -> dict[str, str | int | float | bool]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("'rollback' must be a mapping with 'attempted' and 'outcome'")
    meta: dict[str, str | int | float | bool] = {"rollback_source": source}
    attempted = value.get("attempted")
    if attempted is not None:
        if not isinstance(attempted, bool):
            raise ValueError("'rollback.attempted' must be true or false")
        meta["rollback_attempted"] = attempted
    outcome = value.get("outcome")
    if outcome is not None:
        if outcome not in OUTCOMES:
            allowed = ", ".join(OUTCOMES)
            raise ValueError(f"'rollback.outcome' must be one of {allowed}, got {outcome!r}")
        meta["rollback_outcome"] = str(outcome)
    return meta


# --- chunking -------------------------------------------------------------------------------


def chunk(doc: SourceDoc, limit: int = CHUNK_CHARS) -> list[Chunk]:
    """Cut a document by Markdown section; long sections split near ``limit`` characters."""
    chunks: list[Chunk] = []
    for heading, body in sections(doc.text):
        section = _without_title(heading, doc.title)
        for piece in split_long(body, limit):
            chunks.append(Chunk(doc, len(chunks), section, piece))
    if not chunks:
        chunks.append(Chunk(doc, 0, "", doc.title))
    return chunks


def _without_title(heading: str, title: str) -> str:
    """The section path without a leading document title (``# Title`` then ``## Part``)."""
    if heading == title:
        return ""
    prefix = f"{title} / "
    return heading[len(prefix) :] if heading.startswith(prefix) else heading


def sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) pairs; text before the first heading has heading ``""``.

    Headings inside fenced code blocks are not headings. A section with no body of its own
    (a heading directly followed by a sub-heading) is folded into the next one.
    """
    out: list[tuple[str, str]] = []
    heading, fenced = "", False
    lines: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        m = None if fenced else _HEADING.match(line)
        if m:
            body = "\n".join(lines).strip()
            if body:
                out.append((heading, body))
                heading = m.group(2).strip()
            else:
                heading = f"{heading} / {m.group(2).strip()}" if heading else m.group(2).strip()
            lines = []
        else:
            lines.append(line)
    body = "\n".join(lines).strip()
    if body:
        out.append((heading, body))
    return out


def split_long(body: str, limit: int = CHUNK_CHARS) -> list[str]:
    """Split at paragraph boundaries so each piece stays near ``limit`` characters."""
    if len(body) <= limit:
        return [body]
    pieces: list[str] = []
    current = ""
    for unit in _units(body, limit):
        if current and len(current) + len(unit) + 2 > limit:
            pieces.append(current)
            current = unit
        else:
            current = f"{current}\n\n{unit}" if current else unit
    if current:
        pieces.append(current)
    return pieces


def _units(body: str, limit: int) -> Iterator[str]:
    """Paragraphs; a paragraph longer than ``limit`` breaks into lines, then sentences."""
    for para in re.split(r"\n\s*\n", body):
        para = para.strip()
        if not para:
            continue
        if len(para) <= limit:
            yield para
            continue
        for line in para.splitlines():
            if len(line) <= limit:
                yield line
                continue
            sentence_buf = ""
            for sentence in _SENTENCE_END.split(line):
                if not sentence:
                    continue
                while len(sentence) > limit:  # no sentence break at all: cut hard
                    yield sentence[:limit]
                    sentence = sentence[limit:]
                if sentence_buf and len(sentence_buf) + len(sentence) + 1 > limit:
                    yield sentence_buf
                    sentence_buf = sentence
                else:
                    glue = "" if not sentence_buf or sentence_buf[-1] in "。！？" else " "
                    sentence_buf = f"{sentence_buf}{glue}{sentence}"
            if sentence_buf:
                yield sentence_buf
