# ruff: noqa: E501  (sentence table: Japanese text counts double width)
"""Every sentence of the offline postmortem draft, in Japanese and English (our own wording).

Kept in one table, apart from the logic, so a reviewer reads what the draft may say in one
place. ``{placeholders}`` are filled by ``postmortem_render`` and ``postmortem_actions``.
"""

from __future__ import annotations

from assistant.core.model import Lang

T = dict[str, dict[Lang, str]]

HEADINGS: T = {
    "title": {"ja": "{title} — 振り返り（下書き）", "en": "{title} — postmortem (draft)"},
    "summary": {"ja": "概要", "en": "Summary"},
    "impact": {"ja": "影響", "en": "Impact"},
    "timeline": {"ja": "タイムライン", "en": "Timeline"},
    "times": {"ja": "各フェーズまでの時間", "en": "Time to each phase"},
    "decisions": {"ja": "判断と対応", "en": "Decisions"},
    "advice": {"ja": "ロールバックの助言", "en": "Rollback advice given"},
    "done": {"ja": "実施した対応", "en": "What was done"},
    "decided": {"ja": "決定事項", "en": "Decisions taken"},
    "roster": {"ja": "誰が何をしたか", "en": "Who did what"},
    "actions": {"ja": "対応項目の候補", "en": "Follow-up actions (candidates)"},
}

# the five kinds of follow-up action, in the brief's order
ACTION_KINDS: T = {
    "root_cause": {"ja": "根本原因の確定", "en": "Confirm the root cause"},
    "permanent_fix": {"ja": "暫定対応の恒久対応化", "en": "Make the stop-gap permanent"},
    "prevent": {"ja": "再発防止", "en": "Prevent a recurrence"},
    "detect": {"ja": "検知の迅速化", "en": "Detect faster"},
    "recover": {"ja": "復旧までの時間短縮（調査・復旧）", "en": "Shorten the time to recover"},
}

W: T = {
    "note": {
        "ja": "incident-assistant がインシデントの記録（チャンネルの発言、フェーズ、担当表、助言）から作った下書きです。引用はすべて出典のメッセージにリンクしています。共有する前に確認し、足りない点を書き足してください。",
        "en": "A draft written by incident-assistant from the incident's record (the channel's messages, phases, roster and advice). Every quote links to the message it came from. Check it and fill in what is missing before sharing it.",
    },
    "still_open": {
        "ja": "このインシデントはまだ終わっていません（{at} 時点のフェーズ: {label}）。ここまでの記録で書いています。",
        "en": "This incident is still open (phase {label} as of {at}); the draft covers the record so far.",
    },
    "none": {"ja": "該当なし", "en": "None found"},
    "none_impact": {
        "ja": "チャンネルに影響の記述がありませんでした。影響範囲（誰が、何を、いつから）を書き足してください。",
        "en": "The channel did not state the impact. Add who was affected, how, and since when.",
    },
    "confirmed": {"ja": "確定", "en": "confirmed"},
    "yes": {"ja": "はい", "en": "yes"},
    "no": {"ja": "いいえ", "en": "no"},
    "suspected": {"ja": "推定", "en": "suspected"},
    "stated": {"ja": "発言中の時刻", "en": "time stated in chat"},
    "by": {"ja": "{who}", "en": "{who}"},
    "not_reached": {"ja": "—（到達せず）", "en": "— (not reached)"},
    "col_phase": {"ja": "段階", "en": "Milestone"},
    "col_at": {"ja": "時刻", "en": "At"},
    "col_from_detect": {"ja": "検知から", "en": "Since detection"},
    "col_step": {"ja": "前の段階から", "en": "Since previous"},
    "col_how": {"ja": "根拠", "en": "How"},
    "col_who": {"ja": "担当", "en": "Who"},
    "col_task": {"ja": "作業", "en": "Task"},
    "col_purpose": {"ja": "目的", "en": "Purpose"},
    "col_status": {"ja": "状態", "en": "Status"},
    "col_when": {"ja": "期間", "en": "When"},
    "commander": {"ja": "指揮官: {who}", "en": "Commander: {who}"},
    "no_commander": {"ja": "指揮官: 記録なし", "en": "Commander: not recorded"},
    "no_tasks": {"ja": "担当の記録はありません。", "en": "No assignments were recorded."},
    "without_task": {
        "ja": "担当なしで参加した人: {people}",
        "en": "Joined without a task: {people}",
    },
    "released_at": {"ja": "{t} に解放", "en": "released {t}"},
    "left_at": {"ja": "{t} に退出", "en": "left {t}"},
    "flags": {
        "ja": "担当なし・無反応の知らせ: {n} 回",
        "en": "Flags raised (no task, or gone quiet): {n}",
    },
    "asked_by": {"ja": "質問: {who}", "en": "asked by {who}"},
    "cited": {"ja": "参照した過去事例: {docs}", "en": "past incidents cited: {docs}"},
    "no_citation": {"ja": "参照した過去事例なし", "en": "no past incident cited"},
    "checklist": {
        "ja": "確認済み: {yes}／未確認: {unknown}",
        "en": "known: {yes}; unknown: {unknown}",
    },
    "no_advice": {
        "ja": "ロールバックについての質問はありませんでした。",
        "en": "Nobody asked the assistant about a rollback.",
    },
    "phase_by": {"ja": "{label}（{how}、{who}）", "en": "{label} ({how}, {who})"},
    "phase_how": {"ja": "{label}（{how}）", "en": "{label} ({how})"},
    "advice_line": {
        "ja": "推奨: {rec}（{asked}、{checklist}、{cited}）",
        "en": "Recommended: {rec} ({asked}; {checklist}; {cited})",
    },
    "update_posted": {"ja": "状況更新を投稿（{n} 件目）", "en": "status update posted (#{n})"},
}

# how a milestone was reached
HOW: T = {
    "declared": {"ja": "宣言", "en": "declared"},
    "command": {"ja": "コマンド", "en": "command"},
    "prefix": {"ja": "フェーズ付きの投稿", "en": "phase-prefixed post"},
    "inferred": {"ja": "発言から推定", "en": "inferred from chat"},
    "confirmed": {"ja": "提案を確定", "en": "proposal confirmed"},
    "first_message": {"ja": "チャンネル最初の記録", "en": "first record in the channel"},
    "first_report": {"ja": "最初の症状・影響の報告", "en": "first report of a symptom or impact"},
    "stated": {"ja": "発言中の時刻", "en": "time stated in chat"},
}

MILESTONES: T = {
    "onset": {"ja": "発生（発言による）", "en": "Onset (as stated)"},
    "detected": {"ja": "検知", "en": "Detected"},
    "declared": {"ja": "宣言", "en": "Declared"},
    "identified": {"ja": "原因特定", "en": "Identified"},
    "mitigating": {"ja": "対応中", "en": "Mitigating"},
    "monitoring": {"ja": "経過観察", "en": "Monitoring"},
    "resolved": {"ja": "復旧完了", "en": "Resolved"},
}

STATUS: T = {
    "open": {"ja": "継続中", "en": "open"},
    "done": {"ja": "完了", "en": "done"},
    "reassigned": {"ja": "交代", "en": "reassigned"},
    "released": {"ja": "解放", "en": "released"},
}

RECOMMENDATION: T = {
    "rollback": {"ja": "ロールバック", "en": "roll back"},
    "disable_flag": {"ja": "フィーチャーフラグを無効化", "en": "disable the feature flag"},
    "fix_forward": {"ja": "修正して前進", "en": "fix forward"},
    "redeploy": {"ja": "再デプロイ", "en": "redeploy"},
    "hold": {"ja": "保留（先に確認）", "en": "hold and confirm first"},
}

OUTCOME: T = {
    "helped": {"ja": "効果があった", "en": "it helped"},
    "did_not_help": {"ja": "効果はなかった", "en": "it did not help"},
    "made_worse": {"ja": "悪化させた", "en": "it made things worse"},
    "unknown": {
        "ja": "効果は記録から判断できない",
        "en": "the record does not show whether it helped",
    },
}

ACTION_NOUN: T = {
    "rollback": {"ja": "ロールバック", "en": "rollback"},
    "flag": {"ja": "フィーチャーフラグの切り替え", "en": "feature-flag change"},
    "failover": {"ja": "切り替え（フェイルオーバー）", "en": "failover"},
    "scale": {"ja": "増強", "en": "scale-up"},
    "restart": {"ja": "再起動・再デプロイ", "en": "restart or redeploy"},
    "fix": {"ja": "修正", "en": "fix"},
    "other": {"ja": "対応", "en": "action"},
}

# ---- the short message posted with the draft file
BRIEF: T = {
    "head": {"ja": "📝 振り返りの下書き: {title}", "en": "📝 Postmortem draft: {title}"},
    "resolved": {
        "ja": "検知から復旧完了まで {duration}。",
        "en": "{duration} from detection to resolved.",
    },
    "open": {"ja": "まだ対応中です（{label}）。", "en": "Still open ({label})."},
    "counts": {
        "ja": "対応項目の候補 {n} 件（5分類のうち {kinds} 分類）、ロールバック: {rollback}。",
        "en": "{n} candidate actions in {kinds} of the five kinds; rollback: {rollback}.",
    },
    "next": {
        "ja": "確認・加筆したら `incident-assistant kb ingest` でナレッジベースへ。次のインシデントのロールバック判断で参照されます。",
        "en": "Review it, then add it with `incident-assistant kb ingest`: the next incident's rollback advice can cite it.",
    },
}

ROLLBACK_BRIEF: T = {
    "helped": {"ja": "実施・効果あり", "en": "attempted, helped"},
    "did_not_help": {"ja": "実施・効果なし", "en": "attempted, did not help"},
    "made_worse": {"ja": "実施・悪化", "en": "attempted, made it worse"},
    "not_attempted": {"ja": "なし", "en": "not attempted"},
    "unknown": {"ja": "実施・効果不明", "en": "attempted, outcome unknown"},
}

# ---- the summary paragraph ------------------------------------------------------------------
SUMMARY: T = {
    "resolved": {
        "ja": "{detected} に検知し、{resolved} に復旧完了としました（検知から {duration}）。",
        "en": "Detected at {detected} and declared resolved at {resolved}, {duration} after detection.",
    },
    "open": {
        "ja": "{detected} に検知し、{now} 時点でまだ対応中です（フェーズ: {label}）。",
        "en": "Detected at {detected}; still open as of {now} (phase: {label}).",
    },
    "impact": {"ja": "影響: {quote}", "en": "Impact: {quote}"},
    "impact_more": {"ja": "影響: {quote} ほか {n} 件", "en": "Impact: {quote}, and {n} more"},
    "no_impact": {
        "ja": "影響はチャンネルで述べられていません。",
        "en": "The channel did not state the impact.",
    },
    "change": {"ja": "症状の前の変更: {quote}", "en": "Change before the symptoms: {quote}"},
    "stopgap": {
        "ja": "復旧のための対応: {noun}（{quote}{who}）。",
        "en": "What restored service: a {noun} ({quote}{who}).",
    },
    "no_stopgap": {
        "ja": "復旧のための対応（ロールバック、再起動など）は記録されていません。",
        "en": "No recovery action (a rollback, a restart…) was recorded.",
    },
    "cause_confirmed": {"ja": "原因（確定）: {quote}", "en": "Cause (confirmed): {quote}"},
    "cause_suspected": {
        "ja": "原因（推定、未確定）: {quote}",
        "en": "Cause (suspected, not confirmed): {quote}",
    },
    "cause_unknown": {
        "ja": "原因はチャンネルで特定されていません。",
        "en": "The channel did not name a cause.",
    },
    "rollback": {
        "ja": "ロールバック: 実施し、{outcome}。",
        "en": "Rollback: attempted; {outcome}.",
    },
    "no_rollback": {"ja": "ロールバックは行っていません。", "en": "No rollback was attempted."},
    "updates": {
        "ja": "状況更新 {updates} 件、参加者 {people} 名、担当 {tasks} 件。",
        "en": "{updates} status updates, {people} participants, {tasks} assignments.",
    },
}

# ---- candidate follow-up actions --------------------------------------------------------------
CANDIDATE: T = {
    # root cause
    "cause_confirm": {
        "ja": "チャンネルで原因とされた {quote} が根本原因か、他に要因がないかを確かめる（再現・差分の確認など）。",
        "en": "Check that {quote}, named as the cause in the channel, is the root cause and that nothing else contributed (reproduce it, read the diff).",
    },
    "cause_suspected": {
        "ja": "原因は推定のまま終わった（{quote}）。確定させる。",
        "en": "The cause stayed a suspicion ({quote}): confirm it.",
    },
    "cause_none": {
        "ja": "チャンネルでは原因が特定されなかった（原因特定のフェーズに入っていない）。テレメトリから原因を掘り下げる。",
        "en": "No cause was named in the channel (the incident never reached Identified): drill down through the telemetry to find it.",
    },
    "cause_after_stopgap": {
        "ja": "{noun}で復旧したが、原因が確定する前だった（{quote}）。なぜ直ったのかを説明できるようにする。",
        "en": "Service came back through a {noun} before the cause was confirmed ({quote}): find out why that fixed it.",
    },
    "cause_change": {
        "ja": "症状の前の変更 {quote} と障害の因果関係を確かめる。",
        "en": "Establish whether the change {quote} caused the outage.",
    },
    # permanent fix
    "stopgap": {
        "ja": "{noun}は暫定対応（{quote}）。本来の修正を入れて元の状態に戻す。",
        "en": "The {noun} was a stop-gap ({quote}): ship the real fix and undo it.",
    },
    "followup": {
        "ja": "チャンネルで挙がった次の手: {quote}",
        "en": "Next step proposed in the channel: {quote}",
    },
    # prevent
    "prevent_change": {
        "ja": "変更 {quote} が本番に出る前に問題を捕まえる仕組み（テスト、ステージング、カナリア）を見直す。",
        "en": "Review how the change {quote} reached production without the problem being caught (tests, staging, canary).",
    },
    "prevent_label": {
        "ja": "ロールバックしてよいかを人に確認して判断した（{detail}）。リリースに「ロールバック可」ラベルを付け、確認を一目で済むようにする。",
        "en": "Whether a rollback was safe had to be asked in the channel ({detail}): mark releases safe to roll back (a pull-request label) so it is a glance.",
    },
    "prevent_label_unknown": {
        "ja": "ロールバックしてよいかが最後の助言の時点で分からなかった。リリースに「ロールバック可」ラベルを付ける運用を検討する。",
        "en": "Whether a rollback was safe was still unknown at the last advice: mark releases safe to roll back (a pull-request label).",
    },
    "prevent_flag": {
        "ja": "壊れた機能をフィーチャーフラグで切り離せなかった（{detail}）。リスクのある変更はフラグの裏に置き、影響範囲を小さくする。",
        "en": "The broken feature could not be turned off by a feature flag ({detail}): put risky changes behind a flag to shrink the blast radius.",
    },
    "prevent_migration": {
        "ja": "リリースにデータ・スキーマの変更が含まれていた（{detail}）。戻せる形（後方互換）で出す手順にする。",
        "en": "The release carried a data or schema change ({detail}): ship such changes in a form that can be rolled back (backward compatible).",
    },
    # detect
    "detect_onset": {
        "ja": "発言によれば {onset} から始まっていたが、チャンネルでの最初の報告は {detected}（{gap}後）: {quote}。この間に気付けるアラートを検討する。",
        "en": "By the channel's account it began at {onset}, but the first report came at {detected}, {gap} later ({quote}): find an alert that would have caught it sooner.",
    },
    "detect_impact_first": {
        "ja": "影響の報告（{impact_at}、{impact}）が、症状・アラートの報告（{symptom_at}）より {gap} 早かった。利用者より先に気付ける監視を検討する。",
        "en": "The impact was reported ({impact_at}, {impact}) {gap} before any symptom or alert ({symptom_at}): monitor what users notice first.",
    },
    "detect_declare": {
        "ja": "最初の報告（{detected}）から宣言（{declared}）まで {gap} かかった。宣言の判断を早める。",
        "en": "It took {gap} from the first report ({detected}) to declaring the incident ({declared}): declare sooner.",
    },
    # recover
    "recover_to_action": {
        "ja": "検知から復旧対応（{noun}）の開始まで {gap}（{detected} → {started}）。どこで時間がかかったかを確かめる。",
        "en": "{gap} from detection to starting the recovery ({noun}) ({detected} → {started}): find where that time went.",
    },
    "recover_advice_wait": {
        "ja": "最初のロールバックの質問（{asked}）から実施（{started}）まで {gap}。安全性の確認に時間がかかった: 事前に確認できる形にする。",
        "en": "{gap} from the first rollback question ({asked}) to starting it ({started}), spent confirming it was safe: make that knowable in advance.",
    },
    "recover_unknown": {
        "ja": "最後のロールバックの助言で未確認のまま残った項目: {items}。手順書や事前の確認で答えられるようにする。",
        "en": "Still unknown at the last rollback advice: {items}. Make these answerable in advance (a runbook, release notes).",
    },
    "recover_to_recovery": {
        "ja": "復旧対応（{noun}）の開始から回復の確認まで {gap}（{started} → {recovered}）。短くできるかを確かめる。",
        "en": "{gap} from starting the recovery ({noun}) to seeing it work ({started} → {recovered}): see whether it can be faster.",
    },
    "recover_regressed": {
        "ja": "{at} に再発し、調査に戻った。最初の対応が効かなかった理由を確かめる。",
        "en": "The problem came back at {at} and the team went back to investigating: find out why the first fix did not hold.",
    },
}

# what a timeline line is
KIND: T = {
    "phase": {"ja": "フェーズ", "en": "phase"},
    "impact": {"ja": "影響", "en": "impact"},
    "symptom": {"ja": "症状", "en": "symptom"},
    "change": {"ja": "変更", "en": "change"},
    "cause": {"ja": "原因", "en": "cause"},
    "action": {"ja": "対応", "en": "action"},
    "recovery": {"ja": "回復", "en": "recovery"},
    "decision": {"ja": "決定", "en": "decision"},
    "escalation": {"ja": "判断待ち", "en": "waiting on a decision"},
    "user_comms": {"ja": "利用者への連絡", "en": "user communication"},
    "advice": {"ja": "ロールバックの助言", "en": "rollback advice"},
}

CAUSE_FRONT: T = {
    "suspected": {"ja": "未確定（推定）: {cause}", "en": "not confirmed (suspected): {cause}"},
    "unknown": {"ja": "不明", "en": "unknown"},
}

CHECK_SHORT: T = {
    "recent_change": {"ja": "直前の変更", "en": "recent change"},
    "causal_link": {"ja": "リリースとの因果", "en": "causal link"},
    "data_rollback": {"ja": "データも戻るか", "en": "data rolls back"},
    "procedure_ready": {"ja": "切り戻し手順", "en": "rollback procedure"},
    "rollback_safe_label": {"ja": "ロールバック可の確認", "en": "rollback-safe sign-off"},
    "feature_flag": {"ja": "フィーチャーフラグ", "en": "feature flag"},
    "previous_version_ok": {"ja": "前のバージョンの正常性", "en": "previous version works"},
}


def w(table: T, key: str, lang: Lang, **values: object) -> str:
    """``table[key]`` in ``lang`` with its placeholders filled."""
    return table[key][lang].format(**values)
