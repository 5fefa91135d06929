"""More chat phrasings for the advisor's cues (ja and en), each with its look-alikes.

Every pattern added for the real-timeline scenarios is checked here on other wordings,
and on questions, requests and negations that must not count as answers.
"""

from __future__ import annotations

import pytest

from tests.core.test_advisor_cues import signals

PHRASINGS = [
    # a change: moving traffic to something new, hand edits, version bumps
    ("we switched traffic over to the new cluster at 9", "change", "yes"),
    ("yesterday they moved the DNS records to the new provider", "change", "yes"),
    ("the firewall rules were edited by hand this morning", "change", "yes"),
    ("someone changed the bucket policy manually", "change", "yes"),
    ("本番の ingress を新しいバージョンに更新しました", "change", "yes"),
    ("nginx のイメージのタグを差し替えました", "change", "yes"),
    ("設定を手で書き換えました", "change", "yes"),
    ("at 9:10 we raised the connection pool size to 80", "change", "yes"),
    ("someone halved the worker concurrency", "change", "yes"),
    ("タイムアウトを5秒に下げました", "change", "yes"),
    ("we lowered our expectations for today", "change", None),
    ("should we lower the TTL?", "change", None),
    ("TTLを下げますか？", "change", None),
    ("should we move traffic to the new cluster?", "change", None),
    ("the status page was updated at 10:05", "change", None),
    ("the dashboard was updated with a new panel", "change", None),
    ("ステータスページを更新しました", "change", None),
    ("新しいバージョンに更新しますか？", "change", None),
    ("WAF ルールの切り替えの後からブロックが増えた", "after_change", "yes"),
    ("チケットを更新した後に気づきました", "after_change", None),
    # doubt and contrast are not denials
    ("we don't know the deploy is the only problem", "change", None),
    ("I'm not sure the release is related", "change", None),
    ("the spike matches the cron job, not the deploy", "change", None),
    ("nothing was deployed today", "change", "no"),
    ("we did not deploy anything this week", "change", "no"),
    # the change named as the cause / ruled out
    ("the config push was the cause", "causal", "yes"),
    ("the config push was probably the cause", "causal_suspected", "yes"),
    ("checked again: the PR wasn't it", "causal", "no"),
    ("the upgrade is not the culprit", "causal", "no"),
    # nothing stateful rides with the change
    ("it's a stateless service, we can flip back any time", "migration", "no"),
    ("nothing stateful in this change", "migration", "no"),
    ("no schema changes involved", "migration", "no"),
    ("the release doesn't touch the database", "migration", "no"),
    ("the PR only bumped the image tag", "migration", "no"),
    ("このリリースはDBに一切触っていない", "migration", "no"),
    ("設定値を戻すだけでデータには触らない", "migration", "no"),
    ("the change only affects caching", "migration", "no"),
    ("we see no data on the dashboard", "migration", None),
    ("ステートレスなので戻しても平気", "migration", "no"),
    ("スキーマは変わらないです", "migration", "no"),
    ("状態が失われる心配はありません", "migration", "no"),
    ("does it touch the database?", "migration", None),
    ("データは絡みますか？", "migration", None),
    ("the release migrated the users table", "migration", "yes"),
    ("we migrated the pods to the new node pool", "migration", None),
    # down migrations and dropped columns
    ("we never wrote a down migration for it", "irreversible", "yes"),
    ("there is no down migration", "migration", "yes"),
    ("ダウンマイグレーションは作ってません", "irreversible", "yes"),
    ("ダウンマイグレーションは用意してあります", "irreversible", "no"),
    ("this migration is not reversible", "irreversible", "yes"),
    ("旧テーブル old_orders を削除しました", "irreversible", "yes"),
    # going back would break things
    ("rolling back would break the new clients", "safe_label", "no"),
    ("if we revert, the workers will crash on the new rows", "safe_label", "no"),
    ("前のバージョンに戻すと、新しい列を読めずにエラーになります", "safe_label", "no"),
    ("ロールバック可否を確認します", "safe_label", None),
    ("reverting it means restarting every cache node at once", "safe_label", "no"),
    ("a rollback would mean downtime for the whole region", "safe_label", "no"),
    ("戻すと全ノードが一斉に再起動になります", "safe_label", "no"),
    ("does reverting mean a restart?", "safe_label", None),
    ("ロールバック可です", "safe_label", "yes"),
    ("would rolling back break anything?", "safe_label", None),
    ("I don't think rolling back would break anything", "safe_label", "yes"),
    # the way back is ready
    ("the old deployment is still running, untouched", "procedure", "yes"),
    ("v3.1 image is still in the registry", "procedure", "yes"),
    ("going back is just pointing the alias at the old function", "procedure", "yes"),
    ("switching back takes 2 minutes", "procedure", "yes"),
    ("the revert is a one-click action in argo", "procedure", "yes"),
    ("we practised that failback in the last game day", "procedure", "yes"),
    ("we did this before, in january", "procedure", "yes"),
    ("we checked the logs, did that already", "procedure", None),
    ("旧バージョンのマニフェストはそのまま残ってます", "procedure", "yes"),
    ("kubectl apply すればすぐ戻せます", "procedure", "yes"),
    ("前の値は Git に残ってます", "procedure", "yes"),
    ("前の値は残ってますか？", "procedure", None),
    ("切り戻しはリハーサル済です", "procedure", "yes"),
    ("is the old image still in the registry?", "procedure", None),
    ("戻せるか確認してください", "procedure", None),
    ("すぐ戻せますか？", "procedure", None),
    ("the previous image is gone", "procedure", "no"),
    # the previous version was healthy
    ("v2.9 ran fine for weeks", "previous_ok", "yes"),
    ("the old config worked for months", "previous_ok", "yes"),
    ("前のバージョンは先週ずっと安定していました", "previous_ok", "yes"),
    ("did the old config work?", "previous_ok", None),
    # flags
    ("we turned on the search_v3 flag for 10% of users", "flag", "yes"),
    ("errors follow the flag ramp", "flag", "yes"),
    ("nothing is behind a flag in this release", "flag", "no"),
    ("is it behind the checkout_v2 flag?", "flag", None),
    # telemetry looked at
    ("nothing obvious stands out in the dashboards", "nothing_found", "yes"),
    ("原因が見当たりません", "nothing_found", "yes"),
    ("トレースにもエラーは出ていません", "nothing_found", "yes"),
    ("the cause is a full disk on db-2", "nothing_found", "no"),
    ("原因はディスクの枯渇でした", "nothing_found", "no"),
    ("the cause is still unknown", "nothing_found", "yes"),
    ("原因はまだ不明です", "nothing_found", "yes"),
    ("what is the cause?", "nothing_found", None),
    # a rollback that did not help
    ("the revert didn't help", "rollback_no_effect", "yes"),
    ("still erroring after we rolled back", "rollback_no_effect", "yes"),
    ("did the revert help?", "rollback_no_effect", None),
    ("the revert helped, errors are gone", "rollback_no_effect", None),
]


@pytest.mark.parametrize(("text", "signal", "expected"), PHRASINGS)
def test_phrasing(text: str, signal: str, expected: str | None) -> None:
    """Each phrasing answers its signal as expected (None: says nothing about it)."""
    assert signals(text).get(signal) == expected


def test_a_down_migration_statement_keeps_the_migration() -> None:
    """Saying the down migration is missing confirms a migration; it never denies one."""
    found = signals("今回マイグレーションが入ってます", "ダウンマイグレーションは用意してません。")
    assert (found["migration"], found["irreversible"]) == ("yes", "yes")
    found = signals("the release has a migration", "we have no down migration for it")
    assert (found["migration"], found["irreversible"]) == ("yes", "yes")


def test_doubt_does_not_erase_an_earlier_release() -> None:
    """'we don't know the release is the only problem' leaves the earlier release standing."""
    found = signals("we shipped v7.3.0 at 13:18", "we don't know the release is the only problem")
    assert found["change"] == "yes"
