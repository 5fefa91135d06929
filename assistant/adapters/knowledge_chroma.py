"""The Chroma knowledge store: ingest and hybrid search, behind ``KnowledgePort``.

Chunks live in one Chroma collection, embedded by the registered multilingual USE function.
Search fuses the embedding similarity with BM25 (character bigrams for Japanese, words for
Latin text) kept in memory, built from the collection's own documents on first search, and
aggregates chunk hits to documents: a document's score is its best chunk's, and that chunk
is the snippet.

Scores are absolute rather than per-query ranks, so a caller can tell a weak match: the
dense part is the cosine similarity and the lexical part is BM25 as a share of the best
score the query could reach.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, cast

import chromadb
from chromadb.config import Settings

from assistant.adapters.knowledge_embed import UseEmbeddingFunction
from assistant.adapters.knowledge_ingest import IngestReport, Progress, ingest
from assistant.adapters.knowledge_lexical import Bm25Index
from assistant.core.model import KnowledgeHit

Kind = Literal["postmortem", "guidance"]
Mode = Literal["hybrid", "lexical", "dense"]
COLLECTION = "incident-knowledge"
SNIPPET_CHARS = 800
SHORT_SECTION = 300
# BM25 as a share of the query's ceiling rarely passes 0.5: stretch it to use the 0..1 range.
LEXICAL_SCALE = 2.0
# Share of the embedding similarity in the hybrid score (tuned on bench/queries.yaml).
WEIGHT = 0.4


@dataclass(frozen=True)
class KnowledgeSettings:
    """Where the knowledge base lives. With ``chroma_host`` set, a Chroma server is used."""

    store_dir: str = ".state/chroma"
    chroma_host: str | None = None
    chroma_port: int | None = None
    collection: str = COLLECTION

    @classmethod
    def of(cls, source: KnowledgeSettings | ChromaSettingsLike | None) -> KnowledgeSettings:
        """These settings, or the ones carried by the app's settings object."""
        if source is None:
            return cls()
        if isinstance(source, KnowledgeSettings):
            return source
        return cls(
            store_dir=str(source.chroma_path),
            chroma_host=source.chroma_host or None,
            chroma_port=source.chroma_port,
        )


class ChromaSettingsLike(Protocol):
    """The app settings' Chroma fields (``CHROMA_PATH``, ``CHROMA_HOST``, ``CHROMA_PORT``)."""

    @property
    def chroma_path(self) -> Path | str: ...
    @property
    def chroma_host(self) -> str | None: ...
    @property
    def chroma_port(self) -> int | None: ...


def open_client(settings: KnowledgeSettings) -> Any:
    """An embedded ``PersistentClient`` or, with a host, an ``HttpClient``; telemetry off."""
    chroma_settings = Settings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host,
            port=settings.chroma_port or 8000,
            settings=chroma_settings,
        )
    Path(settings.store_dir).mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=settings.store_dir, settings=chroma_settings)


@dataclass(frozen=True)
class _Entry:
    meta: dict[str, Any]
    document: str


class _Corpus:
    """The collection's chunks and their BM25 index, loaded once and shared by views."""

    def __init__(self, collection: Any) -> None:
        got = collection.get(include=["documents", "metadatas"])
        self.entries: dict[str, _Entry] = {}
        self.index = Bm25Index()
        for chunk_id, doc, meta in zip(
            got["ids"], got["documents"] or [], got["metadatas"] or [], strict=False
        ):
            self.entries[chunk_id] = _Entry(dict(meta or {}), doc or "")
            self.index.add(chunk_id, doc or "")


class ChromaKnowledge:
    """Knowledge base over a Chroma collection; implements ``KnowledgePort``.

    ``exclude_ids`` drops documents from every search (evaluation hold-outs); ``mode``
    selects hybrid ranking (default) or one signal alone (benchmark baselines); ``weight``
    is the share of the embedding similarity in the hybrid score; ``base_dir`` is what
    stored source paths are relative to (default: the store directory, or the working
    directory with a Chroma server).
    """

    def __init__(
        self,
        settings: KnowledgeSettings | None = None,
        *,
        client: Any = None,
        embedding_function: UseEmbeddingFunction | None = None,
        exclude_ids: Iterable[str] = (),
        mode: Mode = "hybrid",
        weight: float = WEIGHT,
        base_dir: Path | None = None,
    ) -> None:
        self.settings = settings or KnowledgeSettings()
        self._owns_client = client is None
        self._client = client if client is not None else open_client(self.settings)
        self._ef = embedding_function or UseEmbeddingFunction()
        self._collection = self._client.get_or_create_collection(
            self.settings.collection,
            embedding_function=self._ef,
            configuration={"hnsw": {"space": "cosine"}},
        )
        self.exclude_ids = frozenset(exclude_ids)
        self.mode: Mode = mode
        self.weight = weight
        self.lexical_scale = LEXICAL_SCALE
        # Sources are stored relative to this directory: the store's own folder by default,
        # so the keys do not depend on the working directory of whoever runs the ingest.
        if base_dir is None and not self.settings.chroma_host:
            base_dir = Path(self.settings.store_dir)
        self.base_dir = base_dir
        self._corpus: _Corpus | None = None

    # --- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        """Release the Chroma client this store opened (views share it: close the original)."""
        if not self._owns_client:
            return
        self._client.close()
        if self.settings.chroma_host:
            # chromadb 1.5's HttpClient.close() leaves the httpx sessions of the client and
            # its admin client open (each HTTP client has a system of its own): close them.
            for owner in (self._client, getattr(self._client, "_admin_client", None)):
                session = getattr(getattr(owner, "_server", None), "_session", None)
                if session is not None:
                    session.close()

    def __enter__(self) -> ChromaKnowledge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- views ------------------------------------------------------------------------------

    def view(
        self,
        *,
        exclude_ids: Iterable[str] | None = None,
        mode: Mode | None = None,
    ) -> ChromaKnowledge:
        """The same store with other exclusions or another ranking mode (no reload)."""
        other = object.__new__(ChromaKnowledge)
        other.__dict__.update(self.__dict__)
        other._owns_client = False
        if exclude_ids is not None:
            other.exclude_ids = frozenset(exclude_ids)
        if mode is not None:
            other.mode = mode
        return other

    # --- ingest -----------------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        progress: Progress | None = None,
        progress_every: int = 50,
    ) -> IngestReport:
        """Incrementally bring the store in line with ``paths`` (files or directories)."""
        report = ingest(
            self._collection,
            paths,
            base_dir=self.base_dir or Path.cwd(),
            progress=progress,
            progress_every=progress_every,
        )
        self._corpus = None
        return report

    def count(self) -> int:
        """Number of stored chunks."""
        return int(self._collection.count())

    def refresh(self) -> None:
        """Forget the in-memory lexical index (another process may have ingested)."""
        self._corpus = None

    # --- search -----------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        kind: Kind | None = None,
        k: int = 5,
    ) -> list[KnowledgeHit]:
        """The ``k`` best documents for ``query``, best first."""
        corpus = self._load()
        if not query.strip() or not corpus.entries or k <= 0:
            return []
        accept = self._accept(corpus, kind)
        pool = max(60, 12 * k)
        dense = self._dense(query, kind, pool) if self.mode != "lexical" else {}
        lexical = {
            hit.key: hit.relative for hit in corpus.index.search(query, limit=pool, accept=accept)
        }
        floor = min(dense.values(), default=0.0)
        scores: dict[str, float] = {}
        for chunk_id in dense.keys() | lexical.keys():
            if chunk_id not in corpus.entries:
                continue
            d = dense.get(chunk_id, floor)
            lex = lexical.get(chunk_id, 0.0)
            if self.mode == "hybrid":
                stretched = min(1.0, self.lexical_scale * lex)
                scores[chunk_id] = self.weight * d + (1 - self.weight) * stretched
            elif self.mode == "dense":
                scores[chunk_id] = d
            else:
                scores[chunk_id] = lex
        return self._documents(corpus, scores, k)

    def _load(self) -> _Corpus:
        if self._corpus is None:
            self._corpus = _Corpus(self._collection)
        return self._corpus

    def _accept(self, corpus: _Corpus, kind: Kind | None) -> Callable[[str], bool]:
        excluded = self.exclude_ids

        def accept(chunk_id: str) -> bool:
            meta = corpus.entries[chunk_id].meta
            if kind is not None and meta.get("kind") != kind:
                return False
            return meta.get("doc_id") not in excluded

        return accept

    def _dense(self, query: str, kind: Kind | None, pool: int) -> dict[str, float]:
        clauses: list[dict[str, Any]] = []
        if kind is not None:
            clauses.append({"kind": kind})
        if self.exclude_ids:
            clauses.append({"doc_id": {"$nin": sorted(self.exclude_ids)}})
        where = clauses[0] if len(clauses) == 1 else ({"$and": clauses} if clauses else None)
        total = self.count()
        if total == 0:
            return {}
        result = self._collection.query(
            query_embeddings=self._ef([query]),
            n_results=min(pool, total),
            where=where,
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = (result.get("distances") or [[]])[0]
        return {cid: 1.0 - float(dist) for cid, dist in zip(ids, distances, strict=False)}

    def _documents(self, corpus: _Corpus, scores: dict[str, float], k: int) -> list[KnowledgeHit]:
        by_doc: dict[str, list[tuple[float, str]]] = {}
        for chunk_id, score in scores.items():
            doc_id = str(corpus.entries[chunk_id].meta.get("doc_id", chunk_id))
            by_doc.setdefault(doc_id, []).append((score, chunk_id))
        for chunks in by_doc.values():
            chunks.sort(key=lambda item: (-item[0], item[1]))
        ranked = sorted(by_doc.items(), key=lambda item: (-item[1][0][0], item[0]))[:k]
        hits = []
        for _, chunks in ranked:
            score, best = chunks[0]
            text = _body(corpus.entries[best].document)
            if len(text) < SHORT_SECTION and len(chunks) > 1:
                # a very short best section: its runner-up from the same document adds context
                text = f"{text}\n{_body(corpus.entries[chunks[1][1]].document)}"
            hits.append(_hit(corpus.entries[best], score, snippet(text)))
        return hits


def _hit(entry: _Entry, score: float, text: str) -> KnowledgeHit:
    meta = entry.meta
    attempted = meta.get("rollback_attempted")
    outcome = meta.get("rollback_outcome")
    lang = meta.get("lang")
    return KnowledgeHit(
        doc_id=str(meta.get("doc_id", "")),
        kind=cast(Kind, meta.get("kind", "postmortem")),
        title=str(meta.get("title", "")),
        score=round(score, 4),
        section=str(meta.get("section", "")),
        snippet=text,
        source_url=str(meta["source_url"]) if meta.get("source_url") else None,
        rollback_attempted=attempted if isinstance(attempted, bool) else None,
        rollback_outcome=cast(Any, outcome) if isinstance(outcome, str) else None,
        lang=str(lang) if lang else None,
    )


def _body(document: str) -> str:
    """A stored chunk without its title line (what gets shown)."""
    head, sep, body = document.partition("\n\n")
    return (body if sep else head).strip()


def snippet(body: str, limit: int = SNIPPET_CHARS) -> str:
    """``body`` cut at a line break (or a space) near ``limit`` characters."""
    if len(body) <= limit:
        return body
    cut = body.rfind("\n", 0, limit)
    if cut < limit // 2:
        cut = body.rfind(" ", 0, limit)
    return body[: cut if cut > 0 else limit].rstrip() + " …"
