"""What a sentence is about: the cue table for each fact kind, in Japanese and English.

Kinds are tried in priority order and a sentence gets the first kind that matches, so
"waiting for the director to approve the rollback" is an escalation, not an action, and
"rolling back the 14:02 deploy" is an action, not a change.
"""

from __future__ import annotations

import re
from typing import Literal

FactKind = Literal[
    "impact",
    "symptom",
    "cause",
    "change",
    "action",
    "recovery",
    "decision",
    "escalation",
    "user_comms",
]

_I = re.IGNORECASE


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _I)


# "エラーはありません", "5xxも出ていません": good news whose words are a negation
NO_ERRORS_JA = re.compile(
    r"(?:エラー|5xx|50[0-4]|アラート|タイムアウト)(?:は|も)(?:なし|無し|ありません|出ていません"
    r"|出てません|出ていない|出なくなりました)"
)

KIND_CUES: tuple[tuple[FactKind, re.Pattern[str]], ...] = (
    ("escalation", _re(
        r"\b(?:need|needs|needed|waiting (?:on|for)|pending|awaiting|get|ask\w*)\b.{0,30}?"
        r"\b(?:approval|sign-?off|go-?ahead|decision|ok)\b"
        r"|\bescalat\w+\b"
        r"|\b(?:director|vp|cto|ceo|business owner|product owner|legal|management|exec\w*)\b"
        r".{0,30}?\b(?:decide|decision|approv\w+|sign off|call)\b"
        r"|\b(?:decide|decision|approv\w+|sign off)\b.{0,30}?\b(?:director|vp|cto|ceo"
        r"|business owner|product owner|legal|management|exec\w*)\b")),
    ("escalation", re.compile(
        r"(?:部長|事業責任者|責任者|役員|上長|本部長|マネージャー|法務|経営|事業部|CTO|CEO|PdM|PO)"
        r".{0,12}?(?:判断|承認|決裁|了承|許可|確認|相談|OK)"
        r"|判断を仰|承認待ち|承認が必要|決裁待ち|エスカレーション|エスカレ")),
    ("decision", _re(
        r"\b(?:we(?:'ve| have)? decided|decision(?: is|:)|let's go with|we(?:'ll| will) go with"
        r"|going with|agreed to|we agreed|approved|decided to|the call is)\b"
        r"|\blet's (?:roll ?back|revert|redeploy|restart|disable|turn off|fail ?over|proceed"
        r"|hold|wait|not roll ?back)\b")),
    ("decision", re.compile(
        r"ことにします|ことにしました|ことに決|決定しま|決定です|決めました|方針(?:は|で|と)"
        r"|で行きます|でいきます|で進めます|としましょう|しましょう|承認されました|承認が(?:下|出)"
        r"|GOが出|OKが出")),
    ("user_comms", _re(
        r"\bstatus ?page\b|\b(?:notify|notified|notifying|inform\w*|tell\w*|email\w*)\b.{0,20}?"
        r"\b(?:users|customers|clients|subscribers)\b|\bcustomer (?:comms|communication|notice)"
        r"|\bannouncement\b|\bsupport team\b|\bpublic (?:post|notice)\b")),
    ("user_comms", re.compile(
        r"ステータスページ|お知らせ|告知|周知|障害報告|(?:ユーザー|ユーザ|お客様|顧客|利用者)"
        r"(?:様)?(?:への|に|へ)(?:連絡|通知|案内|説明|報告)")),
    ("recovery", _re(
        r"\b(?:back to (?:normal|baseline)|normal again|recovered|recovering|stabili[sz]\w+"
        r"|no (?:more|new) errors|errors? (?:are |have )?(?:gone|cleared|stopped|subsided)"
        r"|(?:dropped|down) to (?:zero|0|baseline|normal)"
        r"|looks? (?:healthy|normal|good) (?:now|again)"
        r"|fully restored|restored|back to (?:0|zero)"
        r"|(?:working|works|work|succeeding|up) again)\b")),
    ("recovery", NO_ERRORS_JA),
    ("recovery", re.compile(
        r"(?:平常|正常|通常)(?:値|時|状態)?(?:に|へ)(?:戻|復帰)|回復|復旧(?:しました|した|して|を確認"
        r"|完了|傾向)|(?:エラー|5xx|50[0-4]|アラート)(?:が|は)?(?:出なくな|止ま|収ま|消え|解消|ゼロ)")),
    ("action", _re(
        r"\b(?:roll(?:ing|ed)? ?back|revert\w*|hot-?fix\w*|restart\w*|redeploy\w*|failover"
        r"|fail(?:ing|ed)? over|scal(?:e|ing|ed) (?:up|out)|disabl\w+|turn(?:ed|ing)? off"
        r"|patch\w*|mitigat\w+|workaround|drain\w*|purg\w+|flush\w*|rotat\w+)\b")),
    ("action", re.compile(
        r"ロールバック|切り戻|リバート|revert|ホットフィックス|hotfix|再起動|再デプロイ|フェイルオーバー"
        r"|スケールアウト|増強|無効化|フラグ.{0,8}(?:オフ|OFF|off)|暫定対応|回避策|修正(?:版|中|を|し)"
        r"|パッチ|切り替え|切替")),
    ("cause", _re(
        r"\b(?:root cause|the cause|caused by|because of|due to|culprit|triggered by"
        r"|the reason)\b")),
    ("cause", re.compile(r"原因|起因|のせい|によるもの|が引き金|きっかけ")),
    ("change", _re(
        r"\b(?:deploy(?:ed|ment|s)?|release[ds]?|rollout|rolled out|merged|migration"
        r"|config(?:uration)? change|bump(?:ed)?|upgrade[ds]?|PR ?#?\d+|v\d+\.\d+)\b")),
    ("change", re.compile(
        r"デプロイ|リリース|マージ|マイグレーション|設定変更|アップデート|アップグレード|バージョンアップ"
        r"|変更を(?:入れ|適用)")),
    ("impact", _re(
        # "nb-user pool", "user-service": a name, not people
        r"(?<![-\w])(?:users?|customers?|clients?|tenants?)(?![-\w]).{0,40}?\b(?:can't|cannot"
        r"|unable|can not|failing|fail|see|seeing|get|getting|report\w*|affected|impacted|hit)\b"
        # "every e2e job fails": the work that is not getting done
        r"|\b(?:every|all|most|many|half (?:of )?(?:the|our)?)\b.{0,30}?\b(?:jobs?|requests?"
        r"|builds?|pipelines?|deploys?|deployments?|queries|calls|uploads?|logins?|payments?"
        r"|checkouts?|orders?|pages?|emails?|webhooks?)\b.{0,20}?\b(?:fail\w*|error\w*"
        r"|broken|time out|timing out|timed out|stuck|hang\w*)\b"
        r"|\bfor (?:everyone|everybody|all (?:users|customers|tenants)|some (?:users|customers)"
        r"|many (?:users|customers))\b"
        r"|\b(?:support )?(?:tickets|complaints|calls) (?:coming in|are coming|about)\b"
        r"|\bsupport is getting\b"
        r"|\b(?:affected|impacted|impact|outage|unavailable|down for|can't log ?in"
        r"|cannot log ?in|\d+ ?% of (?:requests|users|traffic|customers))\b")),
    ("impact", re.compile(
        r"(?:ユーザー|ユーザ|お客様|顧客|利用者|テナント).{0,20}?(?:できな|でき(?:ず|ません)|失敗"
        r"|表示され|使え|繋がら|つながら|届か|影響|エラー)|影響|利用できな|ログインできな|全ユーザー|全員|一部のユーザー|すべてのユーザー"
        r"|(?:決済|ログイン|注文|購入|アップロード|ダウンロード|表示|検索|送信|支払い|予約|会計)"
        r".{0,8}?(?:失敗|できな|でき(?:ず|ません)|エラーにな)"
        r"|問い合わせ|苦情|クレーム"
        r"|表示されな|使えな|繋がらな|つながらな|サービス(?:停止|断)|全断")),
    ("symptom", _re(
        r"\b(?:errors?|5xx|50[0-4]s?|latency|timeouts?|timing out|alerts?|firing|paging"
        r"|crash\w*|oom\w*|restarts|spik\w+|slow|degraded|saturat\w+|throttl\w+|exception"
        r"|failing|failures?|denied|refused|unhealthy|broken|stuck|wedged|hung|hanging"
        r"|(?:is|are|was|were|went|gone|goes|go|been|still|completely|totally|fully|hard) down"
        r"|down (?:for|since|again)|(?<!way )down(?=\s*[.!?]*\s*$)"
        r"|not working|isn't working)\b")),
    ("symptom", re.compile(
        r"エラー|遅延|タイムアウト|アラート|落ちて|高負荷|詰まっ|応答(?:が)?な|重い|遅い|失敗"
        r"|クラッシュ|再起動を繰り返|枯渇|溢れ|あふれ|スパイク")),
)  # fmt: skip


def kinds_of(sentence: str) -> list[FactKind]:
    """Every kind whose cue appears in the sentence, in priority order."""
    out: list[FactKind] = []
    for kind, pattern in KIND_CUES:
        if kind not in out and pattern.search(sentence):
            out.append(kind)
    return out
