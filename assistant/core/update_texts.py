"""The offline update templates, in Japanese and English (our own wording).

Kept apart from the rendering code so a reviewer can read every sentence the bot may write
in one place, and a translator can work on one table.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from assistant.core.model import Lang, Phase

# ---- headline gists (one sentence after the phase prefix) --------------------------------
GIST: dict[str, dict[Lang, str]] = {
    "declared": {
        "ja": "{t}にインシデントを宣言し、影響範囲と原因の調査を始めました。",
        "en": "We declared an incident at {t} and have started investigating.",
    },
    "regressed": {
        "ja": "{t}に事象の再発を確認し、原因を改めて調査しています。",
        "en": "The problem came back at {t}; we are investigating again.",
    },
    "investigating": {
        "ja": "{t}頃から発生している障害について、影響範囲と原因を調査しています。",
        "en": "We are investigating a problem that started around {t}.",
    },
    "identified": {
        "ja": "原因を特定し、復旧に向けた対応を準備しています。",
        "en": "We have identified the cause and are preparing the fix.",
    },
    "mitigating_cause": {
        "ja": "原因を特定し、現在{action}を進めています。",
        "en": "We identified the cause and are now {action}.",
    },
    "mitigating": {
        "ja": "現在、{action}を進めています。",
        "en": "We are now {action}.",
    },
    "monitoring_recovered": {
        "ja": "{t}にメトリクスが平常に戻ったことを確認し、再発がないか経過を観察しています。",
        "en": "Metrics were back to normal at {t}; we are watching for any recurrence.",
    },
    "monitoring": {
        "ja": "{action}を実施し、その効果を経過観察しています。",
        "en": "A fix is in place and we are watching its effect.",
    },
    "resolved": {"ja": "{t}に復旧完了としました。", "en": "We declared recovery at {t}."},
    "resolved_recovered": {
        "ja": "メトリクスが平常に戻ったのを確認し、{t}に復旧完了としました。",
        "en": "We confirmed the metrics were back to normal and declared recovery at {t}.",
    },
    "resolved_comms": {
        "ja": "{t}に復旧完了とし、現在はユーザーへの復旧連絡を進めています。",
        "en": "We declared recovery at {t} and are now letting users know.",
    },
    "resolved_recovered_comms": {
        "ja": "メトリクスが平常に戻ったのを確認して{t}に復旧完了とし、現在はユーザーへの復旧連絡を"
        "進めています。",
        "en": "We confirmed the metrics were back to normal, declared recovery at {t}, and are "
        "now letting users know.",
    },
}

# What is being done, by the kind of the latest action (headline wording, responders too).
ACTION_NOUN: dict[str, dict[Lang, str]] = {
    "rollback": {
        "ja": "直前の変更の切り戻し（ロールバック）",
        "en": "rolling back the recent change",
    },
    "flag": {"ja": "機能フラグの無効化", "en": "turning off the affected feature flag"},
    "fix": {"ja": "修正の適用", "en": "applying a fix"},
    "restart": {"ja": "再起動・再デプロイ", "en": "restarting the affected service"},
    "failover": {"ja": "正常な系統への切り替え", "en": "failing over to a healthy system"},
    "scale": {"ja": "リソースの増強", "en": "adding capacity"},
    "other": {"ja": "復旧対応", "en": "working to restore service"},
}

# Plain words for stakeholders: what is being done.
ACTION_PLAIN: dict[str, dict[Lang, str]] = {
    "rollback": {"ja": "直前の変更を元に戻す作業を行っています。",
                 "en": "We are undoing the most recent change."},
    "flag": {"ja": "問題のある機能を一時的に止めています。",
             "en": "We have switched off the feature that is causing the problem."},
    "fix": {"ja": "修正を適用しています。", "en": "We are applying a fix."},
    "restart": {"ja": "関連するシステムを再起動しています。",
                "en": "We are restarting the affected systems."},
    "failover": {"ja": "正常な系統への切り替えを行っています。",
                 "en": "We are switching to a healthy system."},
    "scale": {"ja": "システムの処理能力を増強しています。",
              "en": "We are adding capacity to the service."},
    "other": {"ja": "復旧に向けた対応を行っています。", "en": "We are working to restore service."},
}  # fmt: skip

# Plain words for stakeholders: the user-visible state in each phase.
STATE_PLAIN: dict[Phase, dict[Lang, str]] = {
    Phase.INVESTIGATING: {"ja": "現在、障害が発生しており、原因を調査しています。",
                          "en": "The service is affected and we are looking into the cause."},
    Phase.IDENTIFIED: {"ja": "原因が分かり、復旧の準備をしています。",
                       "en": "We know what is wrong and are preparing a fix."},
    Phase.MITIGATING: {"ja": "復旧作業を行っています。",
                       "en": "We are working to restore the service."},
    Phase.MONITORING: {"ja": "サービスは回復しており、安定しているかを見守っています。",
                       "en": "The service has recovered; we are making sure it stays stable."},
    Phase.RESOLVED: {"ja": "サービスは通常どおりご利用いただけます。",
                     "en": "The service is working normally again."},
}  # fmt: skip

RECOVERY_PLAIN: dict[Lang, str] = {
    "ja": "エラーや遅延が平常の水準に戻ったことを確認しました。",
    "en": "We have confirmed that errors and response times are back to normal.",
}
COMMS_PLAIN: dict[Lang, str] = {
    "ja": "ご利用者の皆様へのお知らせを行っています。",
    "en": "We are keeping users informed.",
}
WAITING_PLAIN: dict[Lang, str] = {
    "ja": "一部の対応について、責任者の判断を待っています。",
    "en": "Part of the response is waiting for a decision from the people responsible.",
}

SECTION: dict[str, dict[Lang, str]] = {
    "title": {"ja": "件名", "en": "Incident"},
    "severity": {"ja": "重大度", "en": "severity"},
    "impact": {"ja": "影響", "en": "Impact"},
    "actions": {"ja": "対応状況（担当）", "en": "Being done (who)"},
    "confirmed": {"ja": "確定事項", "en": "Confirmed"},
    "suspected": {"ja": "推定・未確認", "en": "Suspected (not confirmed)"},
    "decisions": {"ja": "決定事項", "en": "Decisions"},
    "waiting": {"ja": "外部の判断待ち", "en": "Waiting on a decision from outside"},
    "state": {"ja": "現在の状況", "en": "Current state"},
    "summary": {"ja": "概要", "en": "Summary"},
    "cause": {"ja": "原因", "en": "Cause"},
    "done": {"ja": "実施した対応", "en": "What was done"},
    "next": {"ja": "今後の対応", "en": "What happens next"},
}
NO_IMPACT: dict[Lang, str] = {
    "ja": "影響範囲は確認中です。",
    "en": "Impact is still being assessed.",
}
MARK: dict[str, dict[Lang, str]] = {
    "confirmed": {"ja": "（確定）", "en": " (confirmed)"},
    "suspected": {"ja": "（推定）", "en": " (suspected)"},
}
ROSTER_REF: dict[Lang, str] = {"ja": "[担当表]", "en": "[roster]"}
PURPOSE: dict[Lang, str] = {"ja": "（目的: {purpose}）", "en": " (purpose: {purpose})"}
SINCE: dict[Lang, str] = {"ja": "{t}頃から", "en": "since about {t}"}
BY: dict[Lang, str] = {"ja": " — {who}", "en": " — {who}"}
NEXT_UPDATE: dict[Lang, str] = {
    "ja": "次回更新: {t}頃（変化がなければ見送り、フェーズが変われば即時）",
    "en": "Next update: around {t} if anything changes (at once on a phase change)",
}
DURATION: dict[Lang, str] = {
    "ja": "所要時間: {d}（{start} 〜 {end}）",
    "en": "Duration: {d} ({start} to {end})",
}
RETRO_INTRO: dict[Lang, str] = {
    "ja": "振り返りを行い、次の5点について対応を決めます:",
    "en": "A retrospective will sort the follow-up work into five kinds:",
}
RETRO_KINDS: dict[Lang, tuple[str, ...]] = {
    "ja": ("根本原因の確定", "暫定対応の恒久対応化", "再発防止", "検知の迅速化",
           "復旧までの時間短縮（調査・復旧）"),
    "en": ("confirm the root cause", "turn the stop-gap into a permanent fix",
           "prevent a recurrence", "detect it faster",
           "shorten the time to recover (investigation and recovery)"),
}  # fmt: skip
NEXT_PLAIN: dict[Lang, str] = {
    "ja": "原因の確定と再発防止策の検討を進め、必要に応じてご報告します。",
    "en": "We will confirm the cause and work on preventing a recurrence, and report back "
    "where needed.",
}


# Short names for the offsets most teams using this bot work in; others read "UTC+05:30".
_ZONE_NAMES = {0: "UTC", 9 * 60: "JST", 8 * 60: "SGT", 60: "CET", 2 * 60: "CEST"}


def hhmm(at: datetime) -> str:
    """Clock time in the datetime's own zone, with the zone named (no local guessing).

    The name comes from the offset alone, never from ``tzname()``: a time read back from
    the state store carries the same offset but another tzinfo object, and a restarted
    bot must write exactly what it would have written without the restart.
    """
    offset = at.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if minutes in _ZONE_NAMES:
        return f"{at:%H:%M} {_ZONE_NAMES[minutes]}"
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{at:%H:%M} UTC{sign}{hours:02d}:{mins:02d}"


def duration(delta: timedelta, lang: Lang) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    h, m = divmod(minutes, 60)
    if lang == "ja":
        return f"{h}時間{m}分" if h else f"{m}分"
    return f"{h} h {m} min" if h else f"{m} min"
