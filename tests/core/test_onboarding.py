"""Onboarding Q&A: short answers from the guidance, in the question's language, with citations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from assistant.core import onboarding
from assistant.core.model import IncidentState, KnowledgeHit

AT = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)

EN_ROLLBACK = KnowledgeHit(
    doc_id="guidance/en/rollback-checklist",
    kind="guidance",
    title="The rollback checklist",
    score=0.62,
    section="The questions to answer",
    lang="en",
    snippet=(
        "- Was there a recent release or change, and did the symptoms start after it?\n"
        "- Is the causal link established, or only suspected?\n"
        "- Does data, a schema or a feature roll back with it?\n"
        "- Is the rollback procedure ready and known to work?\n"
        "- Can a feature flag turn off only the broken feature?\n"
        "- Is the previous version known to be good?"
    ),
)
JA_ROLLBACK = KnowledgeHit(
    doc_id="guidance/ja/rollback-checklist",
    kind="guidance",
    title="ロールバック判断のチェックリスト",
    score=0.48,
    section="答えるべき問い",
    lang="ja",
    snippet=(
        "- 直近にリリースや変更があったか。症状はその後に始まったか。\n"
        "- 変更と症状の因果関係は確定しているか、それとも推測か。\n"
        "- データ・スキーマ・機能も一緒に戻るか。\n"
        "- ロールバック手順は用意され、動くことが分かっているか。\n"
        "- フィーチャーフラグで壊れた機能だけを止められるか。"
    ),
)
EN_HANDOVER = KnowledgeHit(
    doc_id="guidance/en/handover",
    kind="guidance",
    title="Handing over command",
    score=0.58,
    lang="en",
    snippet="Brief the new commander. Say it in the channel. Stay reachable afterwards.",
)


class FakeKnowledge:
    """A KnowledgePort that returns canned hits and records what it was asked."""

    def __init__(self, hits: list[KnowledgeHit]) -> None:
        self.hits = hits
        self.calls: list[tuple[str, str | None, int]] = []

    def search(
        self,
        query: str,
        *,
        kind: Literal["postmortem", "guidance"] | None = None,
        k: int = 5,
    ) -> list[KnowledgeHit]:
        self.calls.append((query, kind, k))
        return [h for h in self.hits if kind is None or h.kind == kind][:k]


class BrokenKnowledge:
    """A KnowledgePort whose store is down."""

    def search(
        self,
        query: str,
        *,
        kind: Literal["postmortem", "guidance"] | None = None,
        k: int = 5,
    ) -> list[KnowledgeHit]:
        raise ConnectionError("chroma server unreachable")


def test_english_question_gets_english_points_and_citations() -> None:
    """An English question: guidance intent, 3-5 bullet points, the doc id cited."""
    kb = FakeKnowledge([EN_ROLLBACK, JA_ROLLBACK])
    answer = onboarding.answer("What should I check before a rollback?", "m1", AT, kb)
    assert answer.intent == "guidance"
    assert answer.in_reply_to == "m1"
    assert answer.citations == ["guidance/en/rollback-checklist"]
    bullets = [ln for ln in answer.text.splitlines() if ln.startswith("- ")]
    assert 3 <= len(bullets) <= 5
    assert "The rollback checklist" in answer.text
    assert "Sources: guidance/en/rollback-checklist" in answer.text
    assert kb.calls[0][1] == "guidance"


def test_japanese_question_prefers_the_japanese_document() -> None:
    """A Japanese question is answered from the Japanese doc even when English scores higher."""
    kb = FakeKnowledge([EN_ROLLBACK, JA_ROLLBACK])
    answer = onboarding.answer("ロールバックの前に何を確認すればいい？", "m2", AT, kb)
    assert answer.citations == ["guidance/ja/rollback-checklist"]
    assert "出典: guidance/ja/rollback-checklist" in answer.text
    assert "ロールバック判断のチェックリスト" in answer.text
    bullets = [ln for ln in answer.text.splitlines() if ln.startswith("- ")]
    assert 3 <= len(bullets) <= 5
    assert all("Was there" not in b for b in bullets)


def test_points_closest_to_the_question_are_chosen() -> None:
    """Of six checklist items, the one about feature flags is kept when the question asks it."""
    kb = FakeKnowledge([EN_ROLLBACK])
    answer = onboarding.answer("Should a feature flag come before a rollback?", "m3", AT, kb)
    assert "feature flag" in answer.text


def test_falls_back_to_the_other_language_and_says_so() -> None:
    """With guidance only in English, a Japanese question gets English points and a note."""
    kb = FakeKnowledge([EN_HANDOVER])
    answer = onboarding.answer("指揮の引き継ぎはどうやる？", "m4", AT, kb)
    assert answer.citations == ["guidance/en/handover"]
    assert "英語" in answer.text
    assert "Brief the new commander." in answer.text


def test_a_close_second_document_is_cited_too() -> None:
    """A second hit scoring near the first adds one point and a citation."""
    second = EN_HANDOVER.model_copy(update={"score": 0.6})
    kb = FakeKnowledge([EN_ROLLBACK, second])
    answer = onboarding.answer("rollback and handover", "m5", AT, kb)
    assert answer.citations == ["guidance/en/rollback-checklist", "guidance/en/handover"]
    assert "See also: “Handing over command”" in answer.text


def test_low_scores_mean_not_covered_in_both_languages() -> None:
    """When nothing scores above the threshold the answer says plainly it is not covered."""
    weak = EN_ROLLBACK.model_copy(update={"score": 0.05})
    kb = FakeKnowledge([weak])
    en = onboarding.answer("What is the best pizza recipe?", "m6", AT, kb)
    assert en.citations == []
    assert "does not cover" in en.text
    ja = onboarding.answer("おすすめのピザのレシピは？", "m7", AT, kb)
    assert ja.citations == []
    assert "カバーされていません" in ja.text


def test_no_knowledge_base_says_so() -> None:
    """Without a knowledge base (or with a broken one) the bot answers, degraded, not silent."""
    en = onboarding.answer("What does the scribe do?", "m8", AT, None)
    assert en.intent == "guidance"
    assert "not connected" in en.text
    ja = onboarding.answer("書記は何をする？", "m9", AT, BrokenKnowledge())
    assert "つながっていない" in ja.text


def test_postmortem_hits_are_not_used_as_guidance() -> None:
    """Only guidance documents answer onboarding questions."""
    postmortem = EN_ROLLBACK.model_copy(update={"kind": "postmortem", "doc_id": "pm-1"})
    kb = FakeKnowledge([postmortem])
    answer = onboarding.answer("What should I check before a rollback?", "m10", AT, kb)
    assert answer.citations == []


def test_fallback_help_follows_the_question_language() -> None:
    """The help text lists what the bot can do, in the language of the question."""
    state = IncidentState(id="inc-1")
    en = onboarding.fallback(state, "hey bot, what can you do?", "m11", AT)
    assert en.intent == "other"
    assert "should we roll back?" in en.text
    ja = onboarding.fallback(state, "何ができるの？", "m12", AT)
    assert "ロールバックすべき？" in ja.text
    assert "指揮官" in ja.text


def test_fallback_with_an_empty_question_uses_the_incident_language() -> None:
    """An empty mention gets help in the incident's language."""
    state = IncidentState(id="inc-2", detected_lang="ja")
    assert "私にできること" in onboarding.fallback(state, "", "m13", AT).text


# --- the search query and the sections used ------------------------------------------------

EN_SOURCES = KnowledgeHit(
    doc_id="guidance/en/declaring",
    kind="guidance",
    title="Declaring an incident",
    score=0.7,
    section="Sources",
    lang="en",
    snippet="- A vendor guide: https://example.com/incidents\n- Another: https://example.com/x",
)
EN_DECIDE = KnowledgeHit(
    doc_id="guidance/en/redeploy",
    kind="guidance",
    title="When a redeploy is reasonable",
    score=0.5,
    section="Decide and act",
    lang="en",
    snippet=(
        "- A redeploy of the same version adds little new risk.\n"
        "- State the risk in one sentence.\n"
        "- Decide, say who does it and what to watch."
    ),
)
EN_AFTER = EN_DECIDE.model_copy(
    update={
        "section": "Afterwards",
        "score": 0.45,
        "snippet": "- A redeploy that helps hides the cause.\n- Record that the cause is unknown.",
    }
)


def test_query_adds_the_guidance_words_for_the_topic() -> None:
    """Questions in everyday words search with the guidance's own words, in both languages."""
    en = onboarding.search_query("how should I ask people to do things?")
    assert en.startswith("how should I ask people to do things?")
    assert "purpose" in en and "目的" in en
    ja = onboarding.search_query("人に作業をお願いするときは、どう頼めばいいですか？")
    assert "purpose" in ja and "目的" in ja
    assert "recurrence" in onboarding.search_query("what comes out of a retro?")
    assert "再発防止" in onboarding.search_query("振り返りでは何を決める？")


def test_query_without_a_topic_is_the_question() -> None:
    """Small talk gets no guidance words added, so it still scores as not covered."""
    assert onboarding.search_query("What is the best pizza recipe?") == (
        "What is the best pizza recipe?"
    )
    assert onboarding.search_query("おすすめのピザは？") == "おすすめのピザは？"


def test_sources_sections_and_links_are_not_advice() -> None:
    """A 'Sources' section that matches best is skipped; the advice sections answer."""
    kb = FakeKnowledge([EN_SOURCES, EN_DECIDE])
    answer = onboarding.answer("when is a redeploy reasonable?", "m14", AT, kb)
    assert answer.citations == ["guidance/en/redeploy"]
    assert "https://" not in answer.text


def test_only_sources_means_not_covered() -> None:
    """When only a list of links matched, the answer says the guidance does not cover it."""
    kb = FakeKnowledge([EN_SOURCES])
    answer = onboarding.answer("who wrote the vendor guide?", "m15", AT, kb)
    assert answer.citations == []
    assert "does not cover" in answer.text


def test_sections_of_the_same_document_are_merged() -> None:
    """Two sections of one document give its points together and one citation."""
    kb = FakeKnowledge([EN_DECIDE, EN_AFTER])
    answer = onboarding.answer("is a redeploy risky?", "m16", AT, kb)
    assert answer.citations == ["guidance/en/redeploy"]
    assert "State the risk in one sentence." in answer.text
    assert "Record that the cause is unknown." in answer.text
    assert "See also" not in answer.text
