# ruff: noqa: E501  (sentence table: Japanese text counts double width)
"""Words of the rollback advisor, in Japanese and English, and the 3 a.m. layout.

Layout, top to bottom: the recommendation in one line with its reason; the checklist
(one line per item: mark, question, answer, detail, sources); the questions to ask the
channel; similar past incidents by id with what their rollback did; the reminder that the
commander decides. Marks: ✅ yes, ❌ no, ❓ unknown, and ⚠️ instead of ✅/❌ for an answer
that argues against a blind rollback (a migration rides along, the previous version is broken…).
"""

from __future__ import annotations

from assistant.core.model import ChecklistItem, KnowledgeHit, Lang, Recommendation

ChecklistKey = str

QUESTIONS: dict[ChecklistKey, dict[Lang, str]] = {
    "recent_change": {
        "en": "Recent release/change, symptoms after it?",
        "ja": "直近のリリース・変更があり、その後から症状？",
    },
    "causal_link": {
        "en": "Causal link to the release established?",
        "ja": "リリースとの因果関係は確定？",
    },
    "data_rollback": {
        "en": "Data/schema rolls back with it (migration)?",
        "ja": "データ・スキーマも一緒に戻る（マイグレーション）？",
    },
    "procedure_ready": {
        "en": "Rollback procedure ready and known to work?",
        "ja": "切り戻し手順は準備済みで動く？",
    },
    "rollback_safe_label": {
        "en": "Release marked rollback-safe?",
        "ja": "リリースに「ロールバック可」の確認あり？",
    },
    "feature_flag": {
        "en": "Can a feature flag isolate the broken feature?",
        "ja": "壊れた機能をフィーチャーフラグで切り離せる？",
    },
    "previous_version_ok": {
        "en": "Previous version known to work?",
        "ja": "前のバージョンは正常と分かっている？",
    },
}

ASKS: dict[ChecklistKey, dict[Lang, str]] = {
    "recent_change": {
        "en": "Was anything released, deployed or reconfigured before this started? "
        "At what time, and when did the errors start?",
        "ja": "症状の前にリリース・デプロイ・設定変更はありましたか？ その時刻と、エラーが出始めた時刻は？",
    },
    "causal_link": {
        "en": "Can someone confirm the release caused it (canary, diff, staging repro)?",
        "ja": "このリリースが原因だと確認できる人はいますか（カナリア、差分、ステージングでの再現）？",
    },
    "data_rollback": {
        "en": "Does the release include a migration or data change? Can it be reversed?",
        "ja": "リリースにマイグレーションやデータ変更は含まれますか？ 元に戻せますか？",
    },
    "procedure_ready": {
        "en": "Is the previous image/build still available, and who will run the rollback?",
        "ja": "前のイメージ／ビルドは残っていますか？ 切り戻しは誰が実行しますか？",
    },
    "rollback_safe_label": {
        "en": "Has the release author confirmed it is safe to roll back?",
        "ja": "リリース担当者は、戻しても安全だと確認しましたか？",
    },
    "feature_flag": {
        "en": "Is the broken feature behind a feature flag we can turn off?",
        "ja": "壊れた機能は、オフにできるフィーチャーフラグの裏にありますか？",
    },
    "previous_version_ok": {
        "en": "Did the previous version run without this problem?",
        "ja": "前のバージョンではこの問題は出ていませんでしたか？",
    },
}

# A question a rule needs answered that is not a checklist item.
RULE_ASKS: dict[str, dict[Lang, str]] = {
    "no_change_not_looked": {
        "en": "What do metrics, traces and logs show?",
        "ja": "メトリクス・トレース・ログには何が出ていますか？",
    },
    "migration_unclear": {
        "en": "Can the migration be reversed (down migration tested, old code reads new data)?",
        "ja": "マイグレーションは元に戻せますか（ダウンマイグレーションの確認、旧コードで新データを読めるか）？",
    },
    "release_ruled_out": {
        "en": "What else changed (config, dependencies, traffic, the provider)?",
        "ja": "リリース以外に変わったもの（設定、依存先、トラフィック、クラウド側）は？",
    },
    "rollback_already_failed": {
        "en": "What state did the rollback not restore (data, config, caches)?",
        "ja": "切り戻しで戻らなかった状態（データ、設定、キャッシュ）は？",
    },
    "irreversible_migration": {
        "en": "Who decides what happens to the data (restore from backup, or fix forward)?",
        "ja": "データをどうするか（バックアップから復元か、修正で進むか）を決めるのは誰ですか？",
    },
    "no_change_nothing_found": {
        "en": "Who will save logs or a dump before the redeploy?",
        "ja": "再デプロイの前に、ログやダンプを保存するのは誰ですか？",
    },
}

LABELS: dict[Recommendation, dict[Lang, str]] = {
    "rollback": {"en": "ROLL BACK", "ja": "ロールバック（切り戻し）"},
    "disable_flag": {"en": "DISABLE THE FEATURE FLAG", "ja": "フィーチャーフラグを無効化"},
    "fix_forward": {"en": "FIX FORWARD", "ja": "修正して前進（フィックスフォワード）"},
    "redeploy": {"en": "REDEPLOY", "ja": "再デプロイ"},
    "hold": {"en": "HOLD, confirm first", "ja": "保留（先に確認）"},
}

REASONS: dict[str, dict[Lang, str]] = {
    "flag_isolates": {
        "en": "the broken feature is behind a flag: turning it off is smaller and faster than "
        "a rollback. Roll back only if errors continue.",
        "ja": "壊れた機能はフラグの裏にあります。ロールバックより影響範囲が小さく速いので、まずフラグを"
        "オフに。エラーが続く場合にロールバックを検討。",
    },
    "rollback_already_failed": {
        "en": "a rollback was already done and did not help: the release is not (only) the "
        "cause, or some state did not roll back with it.",
        "ja": "すでに切り戻しましたが改善していません。原因はリリースだけではないか、状態が一緒に戻って"
        "いません。",
    },
    "previous_version_broken": {
        "en": "the previous version is broken too: rolling back would not recover. Fix forward.",
        "ja": "前のバージョンも壊れています。戻しても復旧しないため、修正して前進を。",
    },
    "irreversible_migration": {
        "en": "the release carries an irreversible data change: rolling back the code does not "
        "bring the data back and may break more. Fix forward, or hold until the data question "
        "is answered.",
        "ja": "リリースに元に戻せないデータ変更が含まれます。コードを戻してもデータは戻らず、さらに壊れる"
        "恐れがあります。修正して前進するか、データの扱いが決まるまで保留を。",
    },
    "migration_unclear": {
        "en": "the release includes a migration and nobody has said whether it can be "
        "reversed: no blind rollback.",
        "ja": "リリースにマイグレーションが含まれ、元に戻せるかが分かっていません。確認なしの切り戻しは"
        "避けてください。",
    },
    "release_ruled_out": {
        "en": "the release was ruled out as the cause: a rollback would not help.",
        "ja": "リリースは原因ではないと判断されています。切り戻しても直りません。",
    },
    "procedure_not_ready": {
        "en": "the rollback cannot run as things stand (procedure or previous build missing).",
        "ja": "現状では切り戻しを実行できません（手順か前のビルドがありません）。",
    },
    "marked_unsafe": {
        "en": "the release is marked not safe to roll back.",
        "ja": "このリリースは「ロールバック不可」とされています。",
    },
    "release_and_safe": {
        "en": "a release went out, the symptoms followed, and rolling it back is safe: fast, "
        "cheap, and it removes the prime suspect.",
        "ja": "リリース後に症状が出ており、切り戻しは安全です。速く安く、最有力の容疑者を取り除けます。",
    },
    "release_safety_unknown": {
        "en": "a release went out before the symptoms, so rollback is the likely move, but "
        "first confirm it is safe (data, procedure).",
        "ja": "症状の前にリリースがあり、切り戻しが有力です。ただし先に安全性（データ、手順）を確認して"
        "ください。",
    },
    "no_change_nothing_found": {
        "en": "no recent change and the telemetry shows no cause: a redeploy is the move left, "
        "and it adds little new risk.",
        "ja": "直近の変更がなく、テレメトリにも原因が見えません。残る手は再デプロイで、新たなリスクは"
        "小さいです。",
    },
    "no_change_cause_found": {
        "en": "no recent change and a cause was found: fix that cause.",
        "ja": "直近の変更はなく、原因が見つかっています。その原因を直して前進を。",
    },
    "no_change_not_looked": {
        "en": "no recent change, and nobody has reported what the telemetry shows yet.",
        "ja": "直近の変更はなく、テレメトリの確認結果がまだ共有されていません。",
    },
    "not_enough_information": {
        "en": "not enough information yet: answer the questions below first.",
        "ja": "判断材料がまだ足りません。まず下の質問に答えてください。",
    },
}

NOTES: dict[str, dict[Lang, str]] = {
    "iam": {
        "en": "An error names a missing permission, but granting it is not proven to be the "
        "whole fix: the link to the release is not established and another cause may remain.",
        "ja": "エラーは不足している権限を示していますが、付与すれば直るとは限りません。リリースとの"
        "因果関係は未確定で、別の原因が残るかもしれません。",
    },
    "unproven": {
        "en": "The causal link is not proven; the rollback itself tests it.",
        "ja": "因果関係は未確定ですが、切り戻し自体がその検証になります。",
    },
    "redeploy_risk": {
        "en": "Risk: every instance restarts (in-flight requests drop, caches go cold) and the "
        "evidence in memory is lost: save logs or a dump first. Dig for the cause in the "
        "retrospective.",
        "ja": "リスク: 全インスタンスが再起動します（処理中のリクエストが落ち、キャッシュが冷える）。"
        "メモリ上の手がかりも消えるので、先にログやダンプを保存。原因の深掘りは振り返りで。",
    },
    "after_change": {"en": "symptoms started after it", "ja": "その後から症状"},
    "timing_unknown": {
        "en": "start of symptoms vs. the change not confirmed",
        "ja": "変更と症状の時刻関係は未確認",
    },
    "suspected": {"en": "suspected, not proven", "ja": "疑いのみ、未確定"},
    "irreversible": {"en": "irreversible", "ja": "元に戻せない"},
    "reversible": {"en": "reversible / compatible", "ja": "可逆・互換あり"},
}

WORDS: dict[str, dict[Lang, str]] = {
    "recommendation": {"en": "Recommendation", "ja": "推奨"},
    "checklist": {"en": "Checklist:", "ja": "チェックリスト:"},
    "ask": {"en": "Ask the channel:", "ja": "チャンネルに確認:"},
    "similar": {"en": "Similar past incidents:", "ja": "過去の類似インシデント:"},
    "none_found": {
        "en": "No similar past incident found in the knowledge base.",
        "ja": "ナレッジベースに類似の過去インシデントは見つかりませんでした。",
    },
    "no_kb": {
        "en": "Knowledge base not connected: no past incidents to compare.",
        "ja": "ナレッジベース未接続のため、過去事例は参照できません。",
    },
    "kb_error": {
        "en": "Knowledge base unavailable right now: no past incidents to compare.",
        "ja": "ナレッジベースに接続できず、過去事例は参照できません。",
    },
    "reminder": {
        "en": "The commander decides. This is input for that decision, not an order.",
        "ja": "決めるのは指揮官です。これは判断材料であり、指示ではありません。",
    },
    "yes": {"en": "yes", "ja": "はい"},
    "no": {"en": "no", "ja": "いいえ"},
    "unknown": {"en": "unknown", "ja": "不明"},
    "helped": {"en": "rolled back → helped", "ja": "切り戻し→改善"},
    "did_not_help": {"en": "rolled back → did not help", "ja": "切り戻し→改善せず"},
    "made_worse": {"en": "rolled back → made it worse", "ja": "切り戻し→悪化"},
    "not_attempted": {"en": "did not roll back", "ja": "切り戻しせず"},
    "not_recorded": {"en": "rollback not recorded", "ja": "切り戻しの記録なし"},
}

MARKS = {"yes": "✅", "no": "❌", "unknown": "❓"}
# (key, answer) pairs that argue against a blind rollback
_RISKS = {
    ("data_rollback", "yes"),
    ("causal_link", "no"),
    ("procedure_ready", "no"),
    ("rollback_safe_label", "no"),
    ("previous_version_ok", "no"),
}


def w(key: str, lang: Lang) -> str:
    return WORDS[key][lang]


def inert(text: str) -> str:
    """Chat or KB text quoted back: no live mentions, one line, short."""
    one_line = " ".join(text.split()).replace("@", "@\u200b")
    return one_line if len(one_line) <= 70 else one_line[:69] + "…"


def outcome(hit: KnowledgeHit, lang: Lang) -> str:
    if hit.rollback_attempted is False or hit.rollback_outcome == "not_attempted":
        return w("not_attempted", lang)
    if hit.rollback_outcome is not None:
        return w(hit.rollback_outcome, lang)
    return w("not_recorded", lang)


def checklist_line(item: ChecklistItem, lang: Lang) -> str:
    mark = "⚠️" if (item.key, item.answer) in _RISKS else MARKS[item.answer]
    line = f"{mark} {item.question} {w(item.answer, lang)}"
    if item.detail:
        line += f" — {item.detail}"
    if item.source_ids:
        line += " " + "".join(f"[#{s}]" for s in item.source_ids[:3])
    return line


def render(
    *,
    lang: Lang,
    recommendation: Recommendation,
    reason: str,
    notes: list[str],
    checklist: list[ChecklistItem],
    asks: list[str],
    hits: list[KnowledgeHit],
    kb_status: str,
) -> str:
    """The whole answer text; ``kb_status`` is "ok", "no_kb" or "kb_error"."""
    colon = "：" if lang == "ja" else ": "
    lines = [f"**{w('recommendation', lang)}{colon}{LABELS[recommendation][lang]}** — {reason}"]
    lines += notes
    lines += ["", w("checklist", lang)]
    lines += [checklist_line(item, lang) for item in checklist]
    if asks:
        lines += ["", w("ask", lang)]
        lines += [f"• {a}" for a in asks]
    lines += ["", w("similar", lang)]
    if kb_status != "ok":
        lines.append(w(kb_status, lang))
    elif not hits:
        lines.append(w("none_found", lang))
    else:
        lines += [f"• `{h.doc_id}` {inert(h.title)} ({outcome(h, lang)})" for h in hits]
    lines += ["", w("reminder", lang)]
    return "\n".join(lines)
