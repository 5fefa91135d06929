"""The advisor's cue scan: which sentence answers which signal, in Japanese and English."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.core.advisor_cues import is_question, scan, sentences
from assistant.core.model import ChatMessage, User

AT = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
ALICE = User(id="u1", name="alice")


def signals(*texts: str) -> dict[str, str]:
    messages = [
        ChatMessage(id=f"m{i}", author=ALICE, at=AT, content=t) for i, t in enumerate(texts)
    ]
    return {k: v.value for k, v in scan(messages).items() if v.value != "unknown"}


COVERAGE = [
    # releases and timing
    ("deployed v2.3.1 at 14:00", "change", "yes"),
    ("v2.3.1 went out at 14:00", "change", "yes"),
    ("14:00にv2.3.1をリリースしました", "change", "yes"),
    ("設定変更を反映しました", "change", "yes"),
    ("the preset refactor PR merged at 14:54", "change", "yes"),
    ("team were doing the EKS module upgrade", "change", "yes"),
    ("load balancers were updated to route requests to the new proxy", "change", "yes"),
    ("completed the migration to the new node pool", "migration", None),
    ("posted an update to the status page", "change", None),
    ("ステータスページを更新しました", "change", None),
    ("errors since the deploy", "after_change", "yes"),
    ("started right after we released", "after_change", "yes"),
    ("デプロイ後からエラーが出ています", "after_change", "yes"),
    ("リリース直後から 500 が増えた", "after_change", "yes"),
    ("no deploys in the last 3 days", "change", "no"),
    ("Nothing was deployed today", "change", "no"),
    ("the last release was 10 days ago", "change", "no"),
    ("直近のリリースはありません", "change", "no"),
    ("最後のリリースは10日前です", "change", "no"),
    # causal link
    ("confirmed the release caused it", "causal", "yes"),
    ("canary showed the same errors on v2.3.1 only", "causal", "yes"),
    ("原因はこのリリースと確定しました", "causal", "yes"),
    ("it's probably caused by the deploy", "causal_suspected", "yes"),
    ("リリースが原因かも", "causal_suspected", "yes"),
    ("the errors are unrelated to the release", "causal", "no"),
    ("リリースとは無関係です", "causal", "no"),
    # migrations
    ("the release has a migration", "migration", "yes"),
    ("ALTER TABLE orders ran in the deploy", "migration", "yes"),
    ("マイグレーションが含まれています", "migration", "yes"),
    ("no migration in this release", "migration", "no"),
    ("マイグレーションは含まれていません", "migration", "no"),
    ("the migration dropped the email column", "irreversible", "yes"),
    ("there is no down migration", "irreversible", "yes"),
    ("カラム削除を含みます", "irreversible", "yes"),
    ("このデータ変更は戻せない", "irreversible", "yes"),
    ("the migration is backward compatible", "irreversible", "no"),
    ("the schema change is not backward compatible", "irreversible", "yes"),
    ("マイグレーションは後方互換です", "irreversible", "no"),
    # procedure
    ("the rollback runbook is linked in the PR", "procedure", "yes"),
    ("previous image is still in the registry", "procedure", "yes"),
    ("切り戻し手順あり", "procedure", "yes"),
    ("手順書あり", "procedure", "yes"),
    ("the previous image was garbage-collected", "procedure", "no"),
    ("切り戻し手順がありません", "procedure", "no"),
    # rollback-safe label
    ("PR is labelled rollback-safe", "safe_label", "yes"),
    ("it is safe to roll back", "safe_label", "yes"),
    ("PRに「ロールバック可」ラベルあり", "safe_label", "yes"),
    ("not safe to roll back", "safe_label", "no"),
    ("ロールバック不可のリリースです", "safe_label", "no"),
    ("ロールバック可能か確認します", "safe_label", None),
    # feature flags
    ("the new checkout is behind a feature flag", "flag", "yes"),
    ("flag new_checkout controls it", "flag", "yes"),
    ("フィーチャーフラグで切れます", "flag", "yes"),
    ("there is no feature flag for this", "flag", "no"),
    ("フラグはない", "flag", "no"),
    # previous version
    ("v2.3.0 had the same bug", "previous_ok", "no"),
    ("the previous version is also broken", "previous_ok", "no"),
    ("前のバージョンも壊れている", "previous_ok", "no"),
    ("v2.3.0でも再現します", "previous_ok", "no"),
    ("the previous version was fine", "previous_ok", "yes"),
    ("前のバージョンは正常でした", "previous_ok", "yes"),
    # telemetry checked, nothing found
    ("metrics and traces look normal", "nothing_found", "yes"),
    ("nothing unusual in the logs", "nothing_found", "yes"),
    ("we can't find a cause", "nothing_found", "yes"),
    ("原因不明です", "nothing_found", "yes"),
    ("ログにも異常なし", "nothing_found", "yes"),
    ("found the root cause: a full disk", "nothing_found", "no"),
    ("原因が判明しました", "nothing_found", "no"),
    # rollback already done
    ("rolled back 10 minutes ago, errors still there", "rollback_no_effect", "yes"),
    ("切り戻したが改善しない", "rollback_no_effect", "yes"),
    # symptoms
    ("permission denied: missing iam.roles.get", "iam", "yes"),
    ("権限不足のエラー", "iam", "yes"),
]


@pytest.mark.parametrize(("text", "signal", "expected"), COVERAGE)
def test_cue_coverage(text: str, signal: str, expected: str | None) -> None:
    """Each phrasing answers its signal as expected (None: says nothing about it)."""
    assert signals(text).get(signal) == expected


@pytest.mark.parametrize(
    "text",
    [
        "is it safe to roll back?",
        "does the release include a migration?",
        "Did we deploy anything",
        "マイグレーションはありますか？",
        "前のバージョンは正常ですか",
        "フラグある？",
    ],
)
def test_questions_answer_nothing(text: str) -> None:
    """A question is not an answer, in either language."""
    assert signals(text) == {}


def test_redeploy_is_not_a_release() -> None:
    """Talking about a redeploy does not invent a recent release."""
    assert "change" not in signals("a redeploy might fix it")
    assert "change" not in signals("再デプロイで直るかも")


def test_a_negation_about_another_phrase_does_not_leak() -> None:
    """'no migration in this release' denies the migration, not the release."""
    found = signals("no migration in this release")
    assert found["migration"] == "no"
    assert found.get("change") != "no"


def test_latest_statement_wins_and_keeps_its_sources() -> None:
    """A later correction replaces the answer and its sources."""
    messages = [
        ChatMessage(id="a", author=ALICE, at=AT, content="it has a migration"),
        ChatMessage(id="b", author=ALICE, at=AT, content="no migration after all"),
    ]
    found = scan(messages)["migration"]
    assert (found.value, found.source_ids) == ("no", ["b"])


def test_sentences_drop_mentions_and_split_ja_en() -> None:
    """Mentions do not count as words; both scripts split into sentences."""
    assert sentences("@deploy-bot hi. デプロイしました。次は？") == [
        "hi.",
        "デプロイしました。",
        "次は？",
    ]
    assert is_question("次は？")
    assert not is_question("デプロイしました。")
