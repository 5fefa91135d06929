"""Retrieval benchmark: hybrid vs lexical-only search over the shared postmortem corpus.

Ingests ../shared/data/postmortems/*.jsonl (relative to the repo root) into a temporary
Chroma store, runs the labelled queries of bench/queries.yaml, and prints recall@5, hit@5
and MRR for the hybrid ranking and the baselines, query latency p50/p95 and ingest time.

    .venv/bin/python bench/retrieval.py [--store DIR] [--verbose]

recall@5 for one query = relevant documents in the top 5 / min(5, number of relevant
documents); hit@5 = at least one relevant document in the top 5; MRR uses the first
relevant document's rank within the top 10. Targets: recall@5 >= 0.85, p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.adapters.knowledge_chroma import (  # noqa: E402
    ChromaKnowledge,
    KnowledgeSettings,
    Mode,
)

DATA = ROOT / "../shared/data/postmortems"
QUERIES = ROOT / "bench/queries.yaml"
K = 5


@dataclass(frozen=True)
class Query:
    id: str
    lang: str
    text: str
    relevant: frozenset[str]


@dataclass(frozen=True)
class Scores:
    recall: float
    hit: float
    mrr: float
    latencies_ms: list[float]
    misses: list[tuple[Query, list[str]]]


def load_queries(path: Path = QUERIES) -> list[Query]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Query(q["id"], q["lang"], q["query"], frozenset(q["relevant"])) for q in data["queries"]
    ]


def evaluate(kb: ChromaKnowledge, queries: list[Query], mode: Mode) -> Scores:
    view = kb.view(mode=mode)
    recalls, hits, rrs, latencies = [], [], [], []
    misses: list[tuple[Query, list[str]]] = []
    for q in queries:
        started = time.perf_counter()
        ranked = [h.doc_id for h in view.search(q.text, kind="postmortem", k=10)]
        latencies.append((time.perf_counter() - started) * 1000)
        top = ranked[:K]
        found = len(q.relevant & set(top))
        recalls.append(found / min(K, len(q.relevant)))
        hits.append(1.0 if found else 0.0)
        first = next((i for i, d in enumerate(ranked, start=1) if d in q.relevant), None)
        rrs.append(1 / first if first else 0.0)
        if found < min(K, len(q.relevant)):
            misses.append((q, top))
    return Scores(
        statistics.mean(recalls), statistics.mean(hits), statistics.mean(rrs), latencies, misses
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="reuse or keep the Chroma store in this directory")
    parser.add_argument("--verbose", action="store_true", help="list the queries missed")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"retrieval bench: no corpus at {DATA.resolve()}; nothing to measure")
        return 0
    queries = load_queries()
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        store = args.store or tmp
        kb = ChromaKnowledge(KnowledgeSettings(store_dir=store), base_dir=ROOT)
        started = time.perf_counter()
        report = kb.ingest([DATA])
        ingest_s = time.perf_counter() - started
        kb.search("warm up the model and the lexical index", k=1)
        docs = len(report.added) + len(report.updated) + len(report.unchanged)
        print(f"corpus: {docs} postmortems, {kb.count()} chunks ({report.summary()})")
        print(f"ingest time: {ingest_s:.1f} s (embedding included; store {store})")
        print(f"queries: {len(queries)} ({sum(q.lang == 'ja' for q in queries)} Japanese)\n")
        print(f"{'mode':<8} {'recall@5':>9} {'hit@5':>7} {'MRR':>6} {'p50 ms':>8} {'p95 ms':>8}")
        results: dict[str, Scores] = {}
        for mode in ("hybrid", "lexical", "dense"):
            s = evaluate(kb, queries, mode)
            results[mode] = s
            print(
                f"{mode:<8} {s.recall:>9.3f} {s.hit:>7.3f} {s.mrr:>6.3f} "
                f"{percentile(s.latencies_ms, 50):>8.1f} {percentile(s.latencies_ms, 95):>8.1f}"
            )
        for lang in ("en", "ja"):
            subset = [q for q in queries if q.lang == lang]
            s = evaluate(kb, subset, "hybrid")
            print(f"hybrid, {lang} only: recall@5 {s.recall:.3f}, MRR {s.mrr:.3f}")
        if args.verbose:
            print("\nhybrid misses:")
            for q, top in results["hybrid"].misses:
                print(f"  {q.id} {q.text}\n    want {sorted(q.relevant)}\n    got  {top}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
