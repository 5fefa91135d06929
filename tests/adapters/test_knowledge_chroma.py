"""The Chroma knowledge store: incremental ingest, reopening in a new process, hybrid search.

These tests load the real multilingual USE model once per process (``shared_encoder``) and
use a throwaway PersistentClient directory per test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assistant.adapters.knowledge_chroma import ChromaKnowledge, KnowledgeSettings
from assistant.adapters.knowledge_embed import NAME, Encoder, shared_encoder

REPO = Path(__file__).resolve().parents[2]

DOCS = {
    "guidance/en/rollback-checklist.md": """---
title: The rollback checklist
lang: en
---
# The rollback checklist

## Questions
- Was there a recent release, and did the symptoms start after it?
- Does a schema migration roll back with it?
- Is the rollback procedure ready?
""",
    "guidance/ja/rollback-checklist.md": """---
title: ロールバック判断のチェックリスト
lang: ja
---
# ロールバック判断のチェックリスト

## 確認すること
- 直近にリリースがあり、症状はその後に始まったか。
- スキーマのマイグレーションも一緒に戻るか。
- 切り戻しの手順は用意されているか。
""",
    "guidance/en/handover.md": """# Handing over command

## How
- Brief the new commander on the phase, impact and open tasks.
- Say in the channel who commands now.
""",
    "postmortems/2024-05-iam-release.md": """---
title: Permission denied after a release
rollback: {attempted: true, outcome: helped}
source_url: https://example.org/pm/iam
---
# Permission denied after a release

After deploying v3.8 the notifier failed with permission denied on the secret store.
We rolled back to v3.7 and errors stopped within five minutes.
""",
    "postmortems/2024-06-disk-full.md": """# Database disk full

The database volume filled up with write-ahead logs and logins returned 500 errors.
We grew the volume; no rollback was attempted.
""",
}

RECORDS = [
    {
        "id": "ext-queue",
        "title": "Job queue backed up",
        "text": "Workers stalled after the RabbitMQ upgrade; consumers hit an ack timeout.",
    },
    {
        "id": "ext-dns",
        "title": "Resolver outage",
        "text": "Internal DNS stopped resolving after a config push; services timed out.",
        "rollback_heuristic": {"mentioned": True, "snippets": ["reverted the config"]},
    },
]


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    """One USE model for the whole module (and process): loading it takes about a second."""
    return shared_encoder()


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    for rel, text in DOCS.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    jsonl = tmp_path / "external" / "postmortems.jsonl"
    jsonl.parent.mkdir()
    jsonl.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n", encoding="utf-8")
    return tmp_path


def open_kb(tmp_path: Path, **kwargs: object) -> ChromaKnowledge:
    return ChromaKnowledge(
        KnowledgeSettings(store_dir=str(tmp_path / "store")),
        base_dir=tmp_path,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
def kb(kb_dir: Path, encoder: Encoder) -> ChromaKnowledge:
    store = open_kb(kb_dir)
    report = store.ingest([kb_dir / "knowledge", kb_dir / "external"])
    assert report.ok, report.errors
    return store


def test_ingest_reads_both_formats(kb: ChromaKnowledge) -> None:
    """Markdown docs get path ids, JSONL records their own ids, with their metadata."""
    hits = kb.search("permission denied after deploy, should we roll back?", kind="postmortem")
    top = hits[0]
    assert top.doc_id == "postmortems/2024-05-iam-release"
    assert top.rollback_attempted is True
    assert top.rollback_outcome == "helped"
    assert top.source_url == "https://example.org/pm/iam"
    queue = kb.search("RabbitMQ consumers ack timeout", kind="postmortem")[0]
    assert queue.doc_id == "ext-queue"
    assert queue.title == "Job queue backed up"


def test_incremental_ingest_skips_replaces_and_removes(kb: ChromaKnowledge, kb_dir: Path) -> None:
    """Unchanged files are skipped, a changed one replaced, deleted files and records removed."""
    paths = [kb_dir / "knowledge", kb_dir / "external"]
    again = kb.ingest(paths)
    assert (again.added, again.updated, again.removed) == ([], [], [])
    assert len(again.unchanged) == len(DOCS) + len(RECORDS)

    disk = kb_dir / "knowledge/postmortems/2024-06-disk-full.md"
    disk.write_text("# Database disk full\n\nThe volume filled with Kafka segments.\n")
    (kb_dir / "knowledge/guidance/en/handover.md").unlink()
    jsonl = kb_dir / "external/postmortems.jsonl"
    jsonl.write_text(json.dumps(RECORDS[0]) + "\n", encoding="utf-8")

    third = kb.ingest(paths)
    assert third.updated == ["postmortems/2024-06-disk-full"]
    assert sorted(third.removed) == ["ext-dns", "guidance/en/handover"]
    assert third.added == []
    assert (
        kb.search("Kafka segments filled the volume")[0].doc_id == "postmortems/2024-06-disk-full"
    )
    assert all(h.doc_id != "guidance/en/handover" for h in kb.search("hand over command", k=10))


def test_bad_front_matter_is_reported_and_the_run_goes_on(
    kb: ChromaKnowledge, kb_dir: Path
) -> None:
    """A broken file is named in the errors, other files still ingest, its old version stays."""
    broken = kb_dir / "knowledge/guidance/en/handover.md"
    broken.write_text("---\ntitle: [oops\n---\n# Handover\n", encoding="utf-8")
    new = kb_dir / "knowledge/guidance/en/severity.md"
    new.write_text("# Severity levels\n\nSEV1 means all hands.\n", encoding="utf-8")

    report = kb.ingest([kb_dir / "knowledge"])
    assert len(report.errors) == 1
    assert str(broken) in report.errors[0]
    assert "front matter" in report.errors[0]
    assert report.added == ["guidance/en/severity"]
    assert "guidance/en/handover" not in report.removed
    assert any(h.doc_id == "guidance/en/handover" for h in kb.search("hand over command", k=10))


def test_missing_path_is_an_error_not_a_crash(kb: ChromaKnowledge, kb_dir: Path) -> None:
    """A path that does not exist is reported by name and nothing is removed."""
    report = kb.ingest([kb_dir / "nowhere"])
    assert report.errors == [f"{kb_dir / 'nowhere'}: no such file or directory"]
    assert report.removed == []


def test_stored_embedding_config_names_the_function_without_paths(
    kb: ChromaKnowledge, kb_dir: Path
) -> None:
    """The collection's stored config names our registered function and holds no file path."""
    config = kb._collection.configuration_json
    ef = config["embedding_function"]
    assert ef["type"] == "known"
    assert ef["name"] == NAME
    dumped = json.dumps(config)
    assert str(kb_dir) not in dumped
    assert "/" not in json.dumps(ef["config"])


def test_metadata_stores_sources_relative_to_the_base_dir(
    kb: ChromaKnowledge, kb_dir: Path
) -> None:
    """Chunk metadata never carries an absolute path (the store can move with the repo)."""
    metas = kb._collection.get(include=["metadatas"])["metadatas"]
    sources = {m["source"] for m in metas}
    assert "knowledge/guidance/en/handover.md" in sources
    assert not any(s.startswith("/") for s in sources)


def test_a_reopened_collection_works_in_a_new_process(kb: ChromaKnowledge, kb_dir: Path) -> None:
    """A new process rebuilds the embedding function from the registry and can query."""
    script = textwrap.dedent(
        f"""
        import chromadb
        from chromadb.config import Settings
        import assistant.adapters.knowledge_embed  # registers the embedding function
        from assistant.adapters.knowledge_chroma import ChromaKnowledge, KnowledgeSettings

        client = chromadb.PersistentClient(
            path={str(kb_dir / "store")!r}, settings=Settings(anonymized_telemetry=False)
        )
        collection = client.get_collection("incident-knowledge")  # no embedding function given
        raw = collection.query(query_texts=["RabbitMQ ack timeout"], n_results=1)
        print(raw["metadatas"][0][0]["doc_id"])
        kb = ChromaKnowledge(KnowledgeSettings(store_dir={str(kb_dir / "store")!r}))
        print(kb.search("スキーマのマイグレーション", kind="guidance")[0].doc_id)
        """
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ext-queue", "guidance/ja/rollback-checklist"]


def test_japanese_query_finds_the_japanese_guidance(kb: ChromaKnowledge) -> None:
    """A Japanese question ranks the Japanese document first, and hits carry their language."""
    hits = kb.search("切り戻す前に何を確認すればいい？", kind="guidance")
    assert hits[0].doc_id == "guidance/ja/rollback-checklist"
    assert hits[0].lang == "ja"
    english = kb.search("what should I check before a rollback?", kind="guidance")
    assert english[0].doc_id == "guidance/en/rollback-checklist"
    assert english[0].lang == "en"


def test_lexical_signal_rescues_an_exact_term(kb_dir: Path, encoder: Encoder) -> None:
    """An exact error code wins through the lexical signal where embeddings alone miss it.

    The query (Japanese, "ZX81-FAULT error after the release") is closer in meaning to the
    release postmortem; only the switch notes contain the code.
    """
    extra = kb_dir / "knowledge/postmortems/2024-07-zx81.md"
    extra.write_text(
        "# Switch firmware notes\n\nDuring planned maintenance of the top-of-rack switches in "
        "rack 12, one uplink port flapped for ten minutes. The network team replaced the optic "
        "and updated the firmware. The switch console logged ZX81-FAULT each time the port "
        "went down. No customer traffic was lost because the second uplink carried the load.\n",
        encoding="utf-8",
    )
    store = open_kb(kb_dir)
    store.ingest([kb_dir / "knowledge", kb_dir / "external"])
    query = "リリース後に ZX81-FAULT エラー"
    target = "postmortems/2024-07-zx81"
    hybrid = [h.doc_id for h in store.search(query, kind="postmortem")]
    dense = [h.doc_id for h in store.view(mode="dense").search(query, kind="postmortem")]
    lexical = [h.doc_id for h in store.view(mode="lexical").search(query, kind="postmortem")]
    assert dense[0] != target  # embeddings alone prefer the release story
    assert lexical[0] == target
    assert hybrid[0] == target


def test_kind_filter_and_exclusions(kb: ChromaKnowledge) -> None:
    """kind limits the results; excluded ids never come back, from either signal."""
    assert {h.kind for h in kb.search("rollback", kind="guidance", k=10)} == {"guidance"}
    held_out = kb.view(exclude_ids=["postmortems/2024-05-iam-release"])
    ids = [h.doc_id for h in held_out.search("permission denied after a release", k=10)]
    assert "postmortems/2024-05-iam-release" not in ids
    assert ids  # the rest of the store still answers


def test_scores_are_sorted_and_small_talk_scores_low(kb: ChromaKnowledge) -> None:
    """Hits come best first; an unrelated question scores well below a real match."""
    hits = kb.search("rollback procedure ready?", k=5)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    off_topic = kb.search("best pizza recipe for the weekend", kind="guidance", k=1)
    assert off_topic[0].score < hits[0].score / 2


def test_empty_store_and_empty_query_return_nothing(tmp_path: Path, encoder: Encoder) -> None:
    """Searching an empty store, or with a blank query, gives no hits rather than an error."""
    store = open_kb(tmp_path)
    assert store.search("anything") == []
    assert store.count() == 0
    assert store.search("   ") == []


def test_default_sources_are_relative_to_the_store_and_moves_are_refreshed(
    kb_dir: Path, encoder: Encoder
) -> None:
    """Without base_dir, sources are relative to the store; a moved, unchanged file is not
    re-embedded, only its stored path is refreshed."""
    store = ChromaKnowledge(KnowledgeSettings(store_dir=str(kb_dir / "store")))
    first = store.ingest([kb_dir / "knowledge"])
    assert first.ok
    metas = store._collection.get(include=["metadatas"])["metadatas"]
    assert "../knowledge/guidance/en/handover.md" in {m["source"] for m in metas}

    moved = kb_dir / "moved"
    moved.mkdir()
    (kb_dir / "knowledge").rename(moved / "knowledge")
    again = store.ingest([moved / "knowledge"])
    assert again.added == [] and again.updated == [] and again.removed == []
    assert again.chunks_written == 0
    metas = store._collection.get(include=["metadatas"])["metadatas"]
    assert "../moved/knowledge/guidance/en/handover.md" in {m["source"] for m in metas}
