"""Fact extraction: kinds, certainty, cleaned text and sources, in Japanese and English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.core import facts
from assistant.core.engine import Engine
from assistant.core.model import ChatMessage, Fact, IncidentState, User

T = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)
BOSS = User(id="u0", name="boss")
ALICE = User(id="u1", name="alice")
BOB = User(id="u2", name="bob", display_name="Bobby")


def extract(text: str, who: User = ALICE, mentions: list[User] | None = None) -> list[Fact]:
    state = IncidentState(id="c1", commander=BOSS)
    msg = ChatMessage(id="m7", author=who, at=T, content=text, mentions=mentions or [])
    return facts.from_reading(state, msg, Engine().read(state, msg))


def one(text: str, who: User = ALICE) -> Fact:
    found = extract(text, who)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Users can't log in since 13:40, about 30% of requests fail", "impact"),
        ("ユーザーがログインできない状態です", "impact"),
        ("5xx spiking on api-gateway", "symptom"),
        ("APIで500エラーが多発しています", "symptom"),
        ("The root cause is a typo in the config key", "cause"),
        ("原因はDBのコネクション枯渇と判明しました", "cause"),
        ("We deployed v2.3.1 at 13:35", "change"),
        ("13:35にv2.3.1をデプロイしました", "change"),
        ("Rolling back to v2.3.0 now", "action"),
        ("ロールバック開始します", "action"),
        ("error rate back to normal", "recovery"),
        ("メトリクスが平常値に戻りました", "recovery"),
        ("We decided to roll back", "decision"),
        ("ロールバックすることにします", "decision"),
        ("Need approval from the director before we replay the events", "escalation"),
        ("部長の判断を仰ぐ必要があります", "escalation"),
        ("事業責任者の承認待ちです", "escalation"),
        ("Status page updated, notifying customers", "user_comms"),
        ("ステータスページを更新しました", "user_comms"),
    ],
)
def test_kinds(text: str, kind: str) -> None:
    """Each kind of fact is recognised in both languages."""
    fact = one(text, who=BOSS if kind == "decision" else ALICE)
    assert fact.kind == kind
    assert fact.source_ids == ["m7"] and fact.at == T


@pytest.mark.parametrize(
    "text",
    [
        "I think the cause is the new cache config",
        "maybe the cache is the root cause",
        "the deploy might be the cause",
        "the DB is the cause?",
        "DBが原因？",
        "原因はキャッシュかも",
        "キャッシュ設定が原因の可能性があります",
        "DBが原因っぽい",
        "設定変更が原因の疑いがあります",
    ],
)
def test_hedges_make_a_fact_suspected(text: str) -> None:
    """Hedges ("maybe", "I think", "かも", "可能性", "っぽい", "疑い", "?") mark it suspected."""
    assert one(text).certainty == "suspected"


def test_hearsay_marker_makes_it_suspected() -> None:
    """「…模様」 (it seems) is a hedge too."""
    fact = one("決済が一部失敗している模様")
    assert (fact.kind, fact.certainty) == ("impact", "suspected")


def test_plain_statements_are_confirmed() -> None:
    """Without a hedge the writer states a fact: confirmed."""
    assert one("原因は設定ミスと判明しました").certainty == "confirmed"
    assert one("The root cause is a typo in the config key").certainty == "confirmed"


@pytest.mark.parametrize(
    "text",
    [
        "should we roll back?",
        "if we roll back we lose data",
        "ロールバックすべき？",
        "ロールバックしたら直るかも",
        "not recovered yet",
        "まだ復旧していない",
        "please roll back the release",
        "ロールバックをお願いします",
        "フィーチャーフラグもなし (切り替えはコードのみ)",
    ],
)
def test_things_that_did_not_happen_are_not_actions_or_recoveries(text: str) -> None:
    """Questions, plans, negations and requests never become action/recovery facts."""
    assert all(f.kind not in ("action", "recovery", "decision") for f in extract(text))


@pytest.mark.parametrize(
    "text",
    [
        "are customers affected?",
        "what can I tell customers right now?",
        "Is the DB the cause?",
        "影響はありますか？",
        "原因は何でしょうか",
        "@bob please check the upload service errors",
        "I'll take the status page and customer replies",
        "マイグレーションとフィーチャーフラグの有無も見てほしい",
        "ダッシュボードを見ていてもらいたいです",
        "お客様対応とステータスページの更新は私がやります",
        "ログは自分が確認します",
        "I need someone to check the CDN logs for 5xx",
        "can someone look at the CDN error graph",
        "ロールバック安全性の確認結果です",
        "エラーログの調査結果は以下の通り",
        "here's what I found in the rollback checklist:",
        "rollback safety check results:",
    ],
)
def test_questions_requests_and_plans_claim_nothing(text: str) -> None:
    """Real questions, requests and "I'll …" plans are not facts (the roster reads requests)."""
    assert extract(text, mentions=[BOB]) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ステータスページを更新しました", "user_comms"),
        ("私が確認したところ、決済APIでタイムアウトが出ています", "symptom"),
        ("the CDN logs I was asked to check show 5xx from one region only", "symptom"),
        ("調査の結果、原因は設定ミスでした", "cause"),
        ("the rollback results: errors back to normal", "recovery"),
        ("here's what I found: the connection pool is saturated", "symptom"),
        ("こちらでも同じエラーが発生します", "symptom"),
        ("ベンダーに再起動していただけました", "action"),
        ("再起動後、エラーはありません", "recovery"),
        ("ロールバック後は5xxも出ていません", "recovery"),
    ],
)
def test_look_alikes_of_requests_and_self_assignments_are_still_facts(text: str, kind: str) -> None:
    """Past tense, and "I checked", report something: they stay facts."""
    assert [f.kind for f in extract(text)] == [kind]


def test_emoji_codes_and_edit_marks_are_not_part_of_a_fact() -> None:
    """Slack/Discord emoji codes and "(edited)" are client furniture, not words."""
    fact = one("boskos went down before midnight :fearful: (edited)")
    assert fact.text == "boskos went down before midnight"
    assert extract(":lgtm: :car: :battery:") == []
    assert one("errors at 10:30:45 on every node").text == "errors at 10:30:45 on every node"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("every e2e-gce job fails with 'failed to acquire project'", ["impact"]),
        ("all builds are timing out on the shared runners", ["impact"]),
        ("customers see 500s on checkout", ["impact"]),
        ("resizing the nb-user nodepool to see if I can get a node up", []),
    ],
)
def test_impact_is_about_people_or_the_work_that_fails(text: str, kinds: list[str]) -> None:
    assert [f.kind for f in extract(text)] == kinds


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("turtles all the way down", []),
        ("I think I'm chasing the wrong lead", []),
        ("boskos went down shortly before midnight", ["symptom"]),
        ("the hub has been down since 10:00", ["symptom"]),
        ("payments API down", ["symptom"]),
        ("site down again.", ["symptom"]),
    ],
)
def test_down_is_a_symptom_only_when_something_is_down(text: str, kinds: list[str]) -> None:
    assert [f.kind for f in extract(text)] == kinds


def test_questions_to_the_bot_are_not_facts() -> None:
    """A message mentioning the bot is a question for it, not a claim about the incident."""
    bot = User(id="b0", name="helper", is_bot=True)
    assert extract("@helper users can't log in, what should we do", mentions=[bot]) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("uploads succeeding again, 5xx back to 0", "recovery"),
        ("file uploads are failing for everyone", "impact"),
        ("全ユーザーでアップロードが失敗しています", "impact"),
        ("決済失敗の問い合わせが来始めてます", "impact"),
        ("support is getting calls about checkout", "impact"),
    ],
)
def test_more_recovery_and_impact_wording(text: str, kind: str) -> None:
    """ "… again", "back to 0" are recoveries; "for everyone"/「全ユーザー」 is impact."""
    assert one(text).kind == kind


def test_suggestions_are_decisions_only_from_the_commander() -> None:
    """ "let's roll back" / 「ロールバックしましょう」 decides only when the commander says it."""
    for text in ("let's roll back", "ロールバックしましょう"):
        assert not [f for f in extract(text, ALICE) if f.kind == "decision"]
        decided = extract(text, BOSS)
        assert [f.kind for f in decided] == ["decision"]
        assert decided[0].by == BOSS.id


def test_text_is_a_short_cleaned_clause() -> None:
    """Mentions are stripped, links trimmed, code dropped, and the clause kept short."""
    url = "https://grafana.example.com/d/abcdef/" + "x" * 80
    found = extract(
        f"@Bobby 5xx spiking since 13:40, see {url}\n```\nERROR not resolved\n```",
        mentions=[BOB],
    )
    assert len(found) == 1
    text = found[0].text
    assert "@" not in text and "Bobby" not in text
    assert text.startswith("5xx spiking since 13:40")
    assert "grafana.example.com/d/" in text and "x" * 50 not in text
    assert "ERROR" not in text
    long = one("Users can't log in " + "and the checkout page is broken " * 10)
    assert len(long.text) <= 120 and long.text.endswith("…")


def test_japanese_mention_with_honorific_is_stripped() -> None:
    """「@alice さん、…」 loses the mention and the honorific."""
    found = extract("@alice さん、APIで500エラーが出ています", who=BOSS, mentions=[ALICE])
    assert found[0].text == "APIで500エラーが出ています"


def test_chat_fillers_are_trimmed() -> None:
    """ "ok so …" and 「あー、…」 are not part of the claim."""
    assert one("ok so the cause is the reco_v2 widget").text == "the cause is the reco_v2 widget"
    assert one("あー、原因はDBのロックでした").text == "原因はDBのロックでした"


def test_leading_status_label_is_not_part_of_the_fact() -> None:
    """A human status post's prefix is dropped from the clause."""
    assert one("【対応中】ロールバックを開始しました").text == "ロールバックを開始しました"


def test_bot_messages_and_chatter_give_no_facts() -> None:
    """The bot's posts and small talk are not facts."""
    bot = User(id="b0", name="helper", is_bot=True)
    assert extract("[Resolved] We declared recovery", who=bot) == []
    assert extract("ok") == []
    assert extract("ありがとうございます") == []


def test_several_sentences_give_several_facts_with_the_same_source() -> None:
    """Each sentence is classified on its own; all cite the message."""
    found = extract("APIで500エラーが多発しています。原因は設定ミスと判明しました。")
    assert [f.kind for f in found] == ["symptom", "cause"]
    assert all(f.source_ids == ["m7"] and f.by == ALICE.id for f in found)


@pytest.mark.parametrize(
    "text",
    [
        "reverting it means restarting every cache node at once",
        "rolling back requires a restart of all workers",
        "failing over involves a DNS change we haven't tested",
        "切り戻すと全ノードを再起動することになる",
        "ロールバックするには全台再起動する必要があります",
    ],
)
def test_consequences_of_an_action_are_not_actions_taken(text: str) -> None:
    """'Reverting means restarting every node' weighs an action; nothing was done, so no
    action fact (an update must not say a rollback or restart is under way)."""
    assert [f for f in extract(text) if f.kind == "action"] == []
