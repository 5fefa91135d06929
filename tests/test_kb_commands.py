"""`kb ingest` and `kb search`: progress, summaries, errors and exit codes (real store, USE)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from assistant.adapters.knowledge_chroma import KnowledgeSettings
from assistant.adapters.knowledge_embed import Encoder, shared_encoder
from assistant.kb_commands import run_ingest, run_search

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    """Load the USE model once for this module."""
    return shared_encoder()


def make_docs(root: Path) -> Path:
    guidance = root / "knowledge" / "guidance"
    (guidance / "en").mkdir(parents=True)
    (guidance / "ja").mkdir(parents=True)
    (guidance / "en" / "release.md").write_text(
        "---\ntitle: Releasing people\nlang: en\n---\n# Releasing people\n\n"
        "- Tell everyone without a task that they may leave.\n",
        encoding="utf-8",
    )
    (guidance / "ja" / "release.md").write_text(
        "---\ntitle: タスクのない人を解放する\nlang: ja\n---\n# タスクのない人を解放する\n\n"
        "- アサインのない人には通常業務に戻ってよいと伝える。\n",
        encoding="utf-8",
    )
    return root / "knowledge"


def test_ingest_prints_progress_and_summary_then_search_prints_scores(
    tmp_path: Path, encoder: Encoder
) -> None:
    """Ingest reports counts and exits 0; search lists ranked hits with scores and ids."""
    docs = make_docs(tmp_path)
    store = str(tmp_path / "store")
    out = io.StringIO()
    assert run_ingest([str(docs)], store_dir=store, out=out) == 0
    text = out.getvalue()
    assert "2/2 documents" in text
    assert "added 2, updated 0, unchanged 0, removed 0, errors 0" in text

    out = io.StringIO()
    assert run_search("タスクのない人はどうする？", k=2, store_dir=store, kind=None, out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("1. ")
    assert "guidance/ja/release" in lines[0]
    score = float(lines[0].split()[1])
    assert 0 < score <= 1

    out = io.StringIO()
    assert run_ingest([str(docs)], store_dir=store, out=out) == 0
    assert "unchanged 2" in out.getvalue()


def test_bad_file_is_named_and_exit_code_is_one(tmp_path: Path, encoder: Encoder) -> None:
    """A file with bad front matter is printed as an error; the others are ingested."""
    docs = make_docs(tmp_path)
    bad = docs / "guidance" / "en" / "broken.md"
    bad.write_text("---\ntitle: [x\n---\n# Broken\n", encoding="utf-8")
    out = io.StringIO()
    code = run_ingest([str(docs)], store_dir=str(tmp_path / "store"), out=out)
    assert code == 1
    assert f"error: {bad}" in out.getvalue()
    assert "added 2" in out.getvalue()


def test_settings_carry_the_store_and_store_dir_overrides(tmp_path: Path, encoder: Encoder) -> None:
    """KnowledgeSettings select the store; an explicit store_dir wins over it."""
    docs = make_docs(tmp_path)
    settings = KnowledgeSettings(store_dir=str(tmp_path / "from-settings"))
    assert run_ingest([str(docs)], out=io.StringIO(), settings=settings) == 0
    assert (tmp_path / "from-settings").is_dir()
    out = io.StringIO()
    assert run_search("x", store_dir=str(tmp_path / "other"), settings=settings, out=out) == 1
    assert "empty" in out.getvalue()


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    """No paths, or a kind that does not exist, is a usage error (exit 2) with a message."""
    out = io.StringIO()
    assert run_ingest([], store_dir=str(tmp_path), out=out) == 2
    assert "at least one" in out.getvalue()
    out = io.StringIO()
    assert run_search("q", store_dir=str(tmp_path), kind="runbook", out=out) == 2
    assert "--kind" in out.getvalue()
