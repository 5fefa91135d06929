"""The shipped knowledge/ folder: it ingests cleanly and answers new commanders in ja and en.

End to end through the real store and the real model: a question in either language is
answered from the guidance in that language, with citations, and small talk is "not covered".
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.adapters.knowledge_chroma import ChromaKnowledge, KnowledgeSettings
from assistant.adapters.knowledge_docs import read_markdown
from assistant.adapters.knowledge_embed import shared_encoder
from assistant.core import onboarding

REPO = Path(__file__).resolve().parents[2]
KNOWLEDGE = REPO / "knowledge"
GUIDANCE = KNOWLEDGE / "guidance"
AT = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def guidance_kb(tmp_path_factory: pytest.TempPathFactory) -> ChromaKnowledge:
    """The shipped guidance in a throwaway store (the model loads once per process)."""
    shared_encoder()
    store = tmp_path_factory.mktemp("guidance-store")
    kb = ChromaKnowledge(KnowledgeSettings(store_dir=str(store)), base_dir=REPO)
    report = kb.ingest([GUIDANCE])
    assert report.ok, report.errors
    return kb


def test_guidance_exists_in_both_languages_with_matching_files() -> None:
    """Every guidance topic is written in Japanese and English, tagged with its language."""
    en = {p.name for p in (GUIDANCE / "en").glob("*.md")}
    ja = {p.name for p in (GUIDANCE / "ja").glob("*.md")}
    assert en == ja
    assert 8 <= len(en) <= 12
    for path in sorted(GUIDANCE.rglob("*.md")):
        doc = read_markdown(path)
        assert doc.meta["lang"] == path.parent.name, path


def test_whole_knowledge_folder_ingests_without_errors(tmp_path: Path) -> None:
    """knowledge/ (guidance and sample postmortems) parses without a single error."""
    shared_encoder()
    kb = ChromaKnowledge(KnowledgeSettings(store_dir=str(tmp_path / "s")), base_dir=REPO)
    report = kb.ingest([KNOWLEDGE])
    assert report.errors == []
    assert len(report.added) >= 16


@pytest.mark.parametrize(
    ("question", "doc_id"),
    [
        ("What should I check before we roll back?", "guidance/en/rollback-checklist"),
        ("ロールバックする前に何を確認する？", "guidance/ja/rollback-checklist"),
        ("How do I hand over command to someone else?", "guidance/en/handover"),
        ("指揮官の役割は？", "guidance/ja/roles"),
        ("What are the five kinds of retrospective action?", "guidance/en/retrospective-actions"),
        ("手が空いている人をどうすればいい？", "guidance/ja/releasing-people"),
    ],
)
def test_questions_are_answered_from_the_matching_guidance(
    guidance_kb: ChromaKnowledge, question: str, doc_id: str
) -> None:
    """The answer cites the right document, in the question's language, with key points."""
    answer = onboarding.answer(question, "m1", AT, guidance_kb)
    assert answer.citations[0] == doc_id
    bullets = [ln for ln in answer.text.splitlines() if ln.startswith("- ")]
    assert 3 <= len(bullets) <= 5


@pytest.mark.parametrize("question", ["What is the best pizza recipe?", "今日の天気は？"])
def test_small_talk_is_not_covered(guidance_kb: ChromaKnowledge, question: str) -> None:
    """Questions the guidance does not address get a plain "not covered" and no citations."""
    answer = onboarding.answer(question, "m2", AT, guidance_kb)
    assert answer.citations == []
