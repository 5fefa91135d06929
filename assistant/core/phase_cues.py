"""Phase cues in conversation (ja/en) and the guards that keep them honest.

A cue is a phrase that says the incident moved on: the cause was found, a rollback or fix
started, the metrics came back, recovery was declared, or the errors came back. A cue only
counts when the sentence states it as a fact: questions ("is it resolved?"), negations
("not resolved yet", "まだ復旧していない"), hypotheticals and plans ("if we roll back",
"ロールバックすべき？", "let's roll back"), guesses ("maybe the cause is…", "かも") and
instructions ("bot, declare resolved", "復旧完了にしてください") do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.core.fact_text import is_question, states_a_purpose
from assistant.core.model import Phase

CueKind = Literal["cause_found", "fix_started", "recovered", "resolved", "regressed"]

_I = re.IGNORECASE


@dataclass(frozen=True)
class Cue:
    kind: CueKind
    phase: Phase
    pattern: re.Pattern[str]
    declare: bool = False  # an explicit declaration: certain when the commander says it


def _cue(kind: CueKind, phase: Phase, pattern: str, declare: bool = False) -> Cue:
    return Cue(kind, phase, re.compile(pattern, _I), declare)


_METRIC_EN = (
    r"(?:error rates?|errors?|latency|latencies|metrics?|traffic|5xx|4xx|50[0-4]s?|429s?|graphs?"
    r"|dashboards?|success rate|p9[059]|cpu|memory|queues?|throughput|response times?"
    r"|everything|things|services?|site|api|apdex|slo|availability)"
)
_METRIC_JA = (
    r"(?:メトリク?ス|エラー率?|レイテンシ|5xx|50[0-4]|429|グラフ|ダッシュボード|数値|値|トラフィック"
    r"|CPU|メモリ|応答時間|レスポンス|キュー|成功率|可用性)"
)

CUES: tuple[Cue, ...] = (
    # ---- errors came back: back to investigating
    _cue("regressed", Phase.INVESTIGATING,
         r"\b(?:errors?|5xx|50[0-4]s?|alerts?|latency|issue|problem|outage)(?:'s|'re| is| are"
         r"| has| have)? (?:back|coming back|came back|returned|returning|recurr\w+"
         r"|spiking again|firing again|happening again|started again)\b"
         r"(?!\s+(?:to|down|under|within|in line))"),
    _cue("regressed", Phase.INVESTIGATING,
         r"\b(?:regress(?:ed|ion)|recurrence|relapsed?|(?:happening|failing|erroring|broken|down"
         r"|spiking|firing) again)\b"),
    _cue("regressed", Phase.INVESTIGATING,
         r"\bstill (?:failing|broken|down|erroring|timing out|happening)\b.{0,20}?\bafter\b"
         r".{0,20}?\b(?:revert|rollback|roll back|fix|restart|redeploy)"),
    _cue("regressed", Phase.INVESTIGATING,
         r"\b(?:rollback|roll back|revert|fix|hotfix|restart|redeploy)\w* (?:did not|didn't"
         r"|does not|doesn't) (?:help|work|fix)"),
    _cue("regressed", Phase.INVESTIGATING, r"再発|ぶり返"),
    _cue("regressed", Phase.INVESTIGATING,
         r"(?:また|再び|再度)(?:\s*(?:5xx|50[0-4]|エラー|アラート|障害|タイムアウト|遅延))"
         r".{0,6}?(?:出|発生|鳴|増|上が|起き)"),
    _cue("regressed", Phase.INVESTIGATING,
         r"(?:ロールバック|切り戻し|修正|再起動|revert).{0,8}?(?:効果がな|効果なし|直らな"
         r"|改善しな|解消しな|改善されな|解消されな)"),
    # ---- recovery declared
    _cue("resolved", Phase.RESOLVED,
         r"\b(?:declar\w+|calling|call(?:ed)?|mark\w*|consider\w*)\b.{0,25}?\bresolved\b",
         declare=True),
    _cue("resolved", Phase.RESOLVED,
         r"\bclos(?:e|ing) (?:the |this |out the )?incident\b", declare=True),
    _cue("resolved", Phase.RESOLVED,
         r"\b(?:incident|issue|outage|problem)\b.{0,12}?\b(?:is |has been |was )?(?:now )?"
         r"(?:resolved|closed|over|fixed|mitigated fully)\b", declare=True),
    _cue("resolved", Phase.RESOLVED, r"\bresolved\b(?!\s+(?:to|by|in|the))"),
    _cue("resolved", Phase.RESOLVED, r"\b(?:all clear|fully recovered|fully restored)\b"),
    _cue("resolved", Phase.RESOLVED,
         r"(?:復旧完了|解決|収束|終息|クローズ|対応完了)(?:と(?:します|しました|する|いたします"
         r"|判断))", declare=True),
    _cue("resolved", Phase.RESOLVED,
         r"(?:インシデント|障害|本件)(?:を|は)?.{0,4}?(?:クローズ|終了|完了)(?:します|しました"
         r"|とします)", declare=True),
    # "復旧宣言します" / "収束を宣言しました": the declaration itself
    _cue("resolved", Phase.RESOLVED,
         r"(?:復旧|解決|収束|終息|クローズ)(?:を)?宣言(?:します|しました|いたします|です)",
         declare=True),
    _cue("resolved", Phase.RESOLVED,
         r"復旧完了|解決(?:しました|済み?)|収束(?:しました)|完全に復旧"),
    # ---- metrics back to normal: monitoring
    _cue("recovered", Phase.MONITORING,
         r"\b(?:mov\w+|enter\w*|switch\w*|go\w*) (?:in)?to monitoring\b", declare=True),
    _cue("recovered", Phase.MONITORING,
         r"\b(?:now|we are now|we're now) (?:monitoring|watching)\b|\b(?:monitoring|watching)"
         r" (?:the )?(?:fix|recovery|for (?:recurrence|regressions?))\b"),
    _cue("recovered", Phase.MONITORING,
         _METRIC_EN + r"\b.{0,20}?\b(?:back to (?:normal|baseline)|normal again"
         r"|recover(?:ed|ing)|dropp(?:ed|ing)|down to (?:zero|0|baseline|normal)|stable|stabiliz\w+"
         r"|look(?:s|ing)? (?:good|healthy|normal|fine)|green|healthy)"),
    _cue("recovered", Phase.MONITORING,
         r"\b(?:back to normal|(?:has|have) recovered|recovered|no (?:more|new) errors"
         r"|back to (?:0|zero)|(?:working|works|work|succeeding|up|running|responding"
         r"|serving) again"
         r"|errors? (?:are |have )?(?:gone|cleared|stopped|subsided))\b"),
    # "that worked!", "the restart fixed it": the last thing tried brought the service back
    _cue("recovered", Phase.MONITORING,
         r"(?:^|[,.;:!]\s*|\b(?:ok|okay|yes|yay|great|nice|and|so|wow)[,!]?\s+)"
         r"(?:that|this|it|the (?:fix|rollback|revert|restart|redeploy|patch|change|failover))"
         r" (?:worked|did the trick|fixed it)\b"
         r"(?!\s+(?:for|before|until|last|previously|yesterday|then|in the past|fine for"
         r"|locally|(?:in|on) (?:staging|stage|canary|dev|test|qa|local|my|one|some)))"
         r"(?!.*\bbut\b)"),
    # "ユーザーのサーバーも起動するようになりました": it works now
    _cue("recovered", Phase.MONITORING,
         r"(?:起動|動作|利用|接続|表示|ログイン|決済|購入|送信|アップロード)(?:する|でき)る?"
         r"ようになりました|(?:使える|動く|繋がる|つながる|開ける|見える)ようになりました"),
    # not elsewhere (staging), not before (前回), not "直りましたが、まだ…"
    _cue("recovered", Phase.MONITORING,
         r"^(?!.*(?:前回|以前|この前|ステージング|検証環境|テスト環境|開発環境|ローカル|一部だけ))"
         r".*?(?:直りました|直った(?:よう|みたい)?(?:です)?|効きました|効いた(?:よう|みたい)"
         r"(?:です)?)(?!が|けど|けれど)(?:[。！!]|$)"),
    _cue("recovered", Phase.MONITORING,
         r"(?:経過観察|様子見|監視)(?:と(?:します|しましょう)|に(?:入|移)|フェーズ)", declare=True),
    _cue("recovered", Phase.MONITORING,
         _METRIC_JA + r".{0,12}?(?:平常|正常|通常|元)(?:値|時|状態|の値)?(?:に|へ)?(?:戻|復帰)"),
    _cue("recovered", Phase.MONITORING, r"(?:平常|正常|通常)(?:値|時|状態)?(?:に|へ)(?:戻|復帰)"),
    _cue("recovered", Phase.MONITORING,
         r"(?:エラー|5xx|50[0-4]|429|アラート|タイムアウト)\s*(?:が|は)?(?:出なくな|止ま|収ま|消え|解消"
         r"|減っ|落ち着|ゼロ|0件)"),
    _cue("recovered", Phase.MONITORING,
         r"正常に(?:動い|動作し|稼働し)て|回復(?:しました|した|傾向|して(?:い|き)|を確認)|復旧(?:しました|した|して(?:い|き)"
         r"|を確認|傾向)|経過観察(?:中|します|しています)|様子を?見(?:ます|ています)"),
    # ---- fix or rollback started: mitigating
    _cue("fix_started", Phase.MITIGATING,
         r"\b(?:rolling back|rolled back|reverting|reverted|failing over|failed over"
         r"|scaling (?:up|out)|scaled (?:up|out)|hot-?fixing|roll back now|revert(?:ing)? now"
         r"|back(?:ing|ed) (?:it |this |that |them |the [\w-]+ (?:change |rule |deploy )?)?out)\b"
         r"(?! of\b)"),
    # "restoring v17 now", "restored the previous config": putting the old version back
    _cue("fix_started", Phase.MITIGATING,
         r"\brestor(?:ing|ed)\b.{0,20}?\b(?:v\d+|version|previous|prior|old|backup|snapshot"
         r"|last (?:known )?good|config|rule ?set)\b"),
    # "restarting the pods" is an action; "pods keep restarting" / "restarted 5 times" are not
    _cue("fix_started", Phase.MITIGATING,
         r"(?<!keep )(?<!keeps )(?<!kept )\b(?:restarting|restarted|redeploying|redeployed"
         r"|reloading|reloaded|recycling|recycled)\s+(?:the |all |our |every |each )?"
         r"(?!\d|again|constantly|repeatedly|itself|on its own)[\w-]+"),
    _cue("fix_started", Phase.MITIGATING,
         r"\b(?:switching|switched|pointing|pointed|moving|moved|routing|routed|flipping"
         r"|flipped|shifting|shifted|failing)\b.{0,40}?\bback\b(?!\s+to normal)"),
    _cue("fix_started", Phase.MITIGATING,
         r"\b(?:bringing up|adding|added|provisioning|provisioned|spinning up|spun up)\b.{0,24}?"
         r"\b(?:nodes?|capacity|instances?|replicas?|servers?|machines?)\b"),
    _cue("fix_started", Phase.MITIGATING,
         r"\bv\d+(?:\.\d+)+\b.{0,6}?\b(?:deploying|is deploying|rolling out|rolled out"
         r"|going out|is live)\b"),
    _cue("fix_started", Phase.MITIGATING,
         r"\b(?:bumping|bumped|raising|raised|increasing|increased)\b.{0,20}?\b(?:limits?|quotas?"
         r"|capacity|replicas|pool size|connection pool|timeouts?)\b"),
    _cue("fix_started", Phase.MITIGATING,
         r"(?:上限|リミット|メモリ|容量|台数|レプリカ|クォータ|コネクションプール).{0,8}?"
         r"(?:引き上げ|上げ|増や|増強し)(?:ました|ます|ています|た)"),
    _cue("fix_started", Phase.MITIGATING,
         r"\b(?:started|starting|kicked off)\b.{0,20}?\b(?:index|migration|failover|restart|reload"
         r"|scale|patch|fix|rollback|revert|deploy)\w*"
         # "starting with the deploy log": reading about the change, not making one
         r"(?!\s+(?:logs?|history|diffs?|notes|records?|timeline|graphs?|dashboards?|events?))"),
    _cue("fix_started", Phase.MITIGATING,
         r"\b(?:rollback|revert|hot-?fix|fix|patch|failover|mitigation|workaround|redeploy|purge)\b"
         r".{0,12}?\b(?:started|starting|is running|running|in progress|underway|initiated"
         r"|deploying|deployed|rolling out|rolled out|going out|merged|applied|live|out)\b"),
    _cue("fix_started", Phase.MITIGATING,
         r"\b(?:started|starting|initiated|kicked off|deploying|applying|applied|shipping"
         r"|pushing|pushed)\b.{0,12}?\b(?:the )?(?:rollback|revert|hot-?fix|fix|patch|failover"
         r"|mitigation|workaround)\b"),
    # "deploying the fixed image", "rolled out the patched build"
    _cue("fix_started", Phase.MITIGATING,
         r"\b(?:deploying|deployed|rolling out|rolled out|shipping|shipped|pushing|pushed"
         r"|applying|applied)\b.{0,12}?\b(?:fixed|patched|corrected) (?:image|build|version"
         r"|release|binary|config|definition|manifest|chart|container)\b"),
    _cue("fix_started", Phase.MITIGATING,
         r"\b(?:disabled|turned off|switched off|flipped off|toggled off)\b.{0,20}?\bflag\b"
         r"|\bflag\b.{0,20}?\b(?:is |now )?(?:off|disabled)\b"),
    _cue("fix_started", Phase.MITIGATING,
         r"(?:ロールバック|切り戻し|切り戻|差し戻し|revert|リバート|再デプロイ|再起動|フェイルオーバー"
         r"|スケールアウト|ホットフィックス|hotfix|暫定対応|修正版?|パッチ|削除|クリーンアップ|パージ"
         r"|リストア|復元)(?:を|の)?\s*"
         r"(?:開始|実施|実行|適用|デプロイ|リリース|マージ|反映)?(?:中|します|しました|しています|して"
         r"います|開始|完了|を開始|を実施|を実行|を適用|を始め(?:ます|ました|ています|てます)"
         r"|始め(?:ます|ました|ています|てます))"),
    # "別ゾーンも使えるように変更しました": a change made so that something works again
    _cue("fix_started", Phase.MITIGATING,
         r"(?:できる|使える|通る|動く|届く|繋がる|つながる|スケールする|起動する)ように"
         r"(?:設定を)?(?:変更|設定|修正|変え|切り替え)(?:しました|ました|ています|てます|中)"),
    # "設定を元に戻しました", "値を変更前に戻してます": the change itself put back
    _cue("fix_started", Phase.MITIGATING,
         r"(?:設定|設定値|値|バージョン|リリース|デプロイ|変更|コンフィグ|config|ルール)(?:を)"
         r"(?:元に|前の値に|変更前(?:の値)?に|以前の[^\s、。]{0,8}に)?戻し(?:ました|ています|てます|中)"),
    _cue("fix_started", Phase.MITIGATING,
         r"(?:フィーチャー)?フラグ(?:を)?.{0,10}?(?:オフ|OFF|off|無効)(?:に|化)"
         r"(?:しました|した|します|しています)"),
    _cue("fix_started", Phase.MITIGATING,
         r"(?:インデックス|修正|再起動|再読み込み|リロード|切り替え|切替|スケール|増強|適用|反映"
         r"|パッチ|ロールバック|切り戻し|復旧作業|復旧対応|暫定対応)(?:の)?(?:作成|作業|追加|実施)?"
         r"(?:を)?(?:開始|実施)(?:します|しました|しています|です|。|$)"),
    _cue("fix_started", Phase.MITIGATING,
         r"(?:再起動|再読み込み|切り替え|切り戻し)(?:して|し、)"),
    _cue("fix_started", Phase.MITIGATING,
         r"(?:戻し|切り戻し|リバート|revert|ロールバック|修正|hotfix|ホットフィックス)(?:の)?\s*"
         r"(?:PR|プルリク)?(?:を)?.{0,8}?(?:マージ|デプロイ|適用|反映)(?:しました|します|した|済み"
         r"|完了)"),
    # ---- cause found: identified
    _cue("cause_found", Phase.IDENTIFIED,
         r"\b(?:root cause|the cause)\b.{0,6}?\b(?:is|was|has been|identified|found|confirmed)\b"
         r"|(?:^|[.:;]\s*|\bso )cause (?:is|was|has been|identified|found|confirmed)\b"),
    # "so it's the provider.", "it's on their side", "this is an upstream outage": blame placed
    _cue("cause_found", Phase.IDENTIFIED,
         r"^(?:ok(?:ay)?|right|yeah|alright)?[,.]?\s*so (?:it's|it is|it was|that's)"
         r" (?:the|our|their) [\w./-]+(?:'s)?"
         r"(?: (?:side|end|fault|issue|problem|bug|outage|change|deploy|config))?"
         r"\s*[.!]*$"
         r"|\b(?:it's|it is|this is|that's|problem is|issue is|failures? (?:is|are)) (?:on )?"
         r"(?:the |their |an? )?(?:provider|vendor|upstream|third[- ]party|partner|isp|cloud"
         r"|dns)(?:'s)? ?(?:side|end|outage|issue|problem|fault|incident)?\b"),
    _cue("cause_found", Phase.IDENTIFIED,
         r"\b(?:found|identified|pinpointed|nailed down)\b.{0,6}?\b(?:the )?"
         r"(?:root )?(?:cause|culprit|problem|issue|bug)\b|\bconfirmed the (?:root )?cause\b"),
    _cue("cause_found", Phase.IDENTIFIED,
         r"\bthe culprit (?:is|was)\b|\bcaused by\b|\b(?:is|was) the (?:root )?cause\b"
         r"|^found it\b"),
    _cue("cause_found", Phase.IDENTIFIED,
         r"原因(?:は|が)?.{0,40}?(?:と判明|と特定|と分か|とわか|が分か|がわか|でした|と確認"
         r"|で確定|と確定|に確定|が確定|確定しました|確定です)"),
    _cue("cause_found", Phase.IDENTIFIED,
         r"側の(?:問題|障害|不具合)(?:です|でした|だ|と判明|で確定|確定)"),
    # "ゾーンのリソース枯渇が原因です": the cause named before the word 原因
    _cue("cause_found", Phase.IDENTIFIED,
         r"(?:が|こそが)(?:根本)?原因(?:です|でした|だった|と(?:判明|特定|確定|断定)"
         r"|で(?:確定|間違いな))(?:[。!！ね]|$|し|。)"),
    _cue("cause_found", Phase.IDENTIFIED,
         r"原因(?:を|が)?(?:特定|判明)|原因(?:が)?(?:わか|分か)(?:った|りました)|原因(?:は|が).{1,40}?(?:です|だ)(?:[。!！]|$)"),
)  # fmt: skip

# ---- guards -------------------------------------------------------------------------------
_NEG_BEFORE_EN = re.compile(
    r"\b(?:not|never|no longer|isn't|aren't|wasn't|weren't|hasn't|haven't|hadn't|didn't"
    r"|doesn't|don't|won't|can't|cannot|couldn't|yet to|far from|nothing|without|no)\W+"
    r"(?:\w+\W+){0,3}$",
    _I,
)
_NEG_AFTER_EN = re.compile(r"^\W*(?:still )?(?:not|yet|no|unknown|unclear|tbd)\b", _I)
_UNKNOWN_JA = re.compile(
    r"不明|分から|わから|調査中|未特定|特定(?:でき|され)て(?:い)?(?:ない|ません)"
)
_HYPO_EN = re.compile(
    r"\b(?:if|whether|would|should|could|might|may|in case|unless|once|before|when"
    r"|going to|gonna|will|'ll|plan(?:ning)? to|want to|need to|needs to|let's|lets|let us"
    r"|shall|propose|suggest|consider(?:ing)?|ready to|prepar\w+|about to|try to|trying to"
    r"|can we|can you|please|pls|until|wait for|waiting for|expect\w*|hope\w*|ask\w* (?:to|for)"
    r"|can be|can(?!'t| not)"
    # "reverting it means restarting every node": a consequence named, not an action taken
    r"|means?|meant|requires?|involves?|implies|entails)\b",
    _I,
)
# "switching the LBs back is a 1 min change": the action named as a subject, not done
_GERUND_SUBJECT = re.compile(
    r"^\s*(?:(?:it|that|this|them|those|these)\s+)?(?:is|would|should|could|can|will|takes?"
    r"|means|requires|involves)\b",
    _I,
)
_FUTURE_NOW = re.compile(r"\b(?:will|'ll|going to|about to)\b.*\bnow\b", _I)
_HEDGE_EN = re.compile(
    r"\b(?:maybe|might|perhaps|possibly|probably|likely|i think|i guess|i suspect|suspect\w*"
    r"|not sure|unsure|could be|may be|hypothes\w+|theory|wonder\w*|probable|possible"
    r"|potential|suspected)\b",
    _I,
)
_NEG_BEFORE_JA = re.compile(r"(?:まだ|未|ぜんぜん|全然|一向に)[^、,]{0,6}$")
_NEG_AFTER_JA = re.compile(
    r"^.{0,8}?(?:ない|ません|ず(?![っみつ])|なかった|ではな|じゃな|できてい(?:ない|ません))"
)
# "問題なければ復旧宣言します": a condition still to be met ("したら" is left alone: in
# "再起動したら直りました" it reports what happened)
_HYPO_BEFORE_JA = re.compile(r"もし|仮に|万一|万が一|(?:れば|なら)[^。！!]{0,15}$")
# "準備できたら始めます": a plan once something happens (non-past); "再起動したら直りました"
# reports what happened (past) and stays a cue
_WHEN_BEFORE_JA = re.compile(r"たら[^。！!]{0,15}$")
_NONPAST_END_JA = re.compile(r"(?<!て)(?<!てい)(?:ます|する|る)[。！!\s]*$")  # not 〜てます
_HYPO_AFTER_JA = re.compile(
    r"^.{0,10}?(?:たら|れば|なら|場合|べき|ほうが|方が|しよう|しましょう|するか|検討|予定|準備"
    r"|つもり|できる|したい|しても|すると|前に|か(?:は|どうか)|ください|下さい|お願い|ほしい|欲しい|てもいい"
    r"|ても良い|必要|待ち|待って|にして(?:$|[。！!]|くだ|下さ|ほし|もら))"
)
_HEDGE_JA = re.compile(
    r"かも|可能性|っぽい|疑い|気がする|かな|おそらく|恐らく|たぶん|多分|推測|仮説|怪しい|と思"
    r"|なさそう|ありそう|[りちきえみしでれけ]そう(?:です|だ|。|$)"
)
# "原因を特定すること/するため/中": identifying is the goal or under way, not done
_NOT_YET_JA = re.compile(
    r"^(?:する|します|して(?:ください|ほしい|もら)|しに|中|を急|作業|に向け|のため|でき(?:れば|たら))"
)
# "looks resolved to me", "the provider's status page says resolved": an opinion or someone
# else's status, not this incident's resolution ("all clear, everything looks good" still is)
_NOT_OURS_BEFORE = re.compile(
    r"\b(?:looks?|looking|seems?|appears?|feels?|i'd say|says?|said|reports?|reported"
    r"|claims?|according to|their)\b",
    _I,
)
_OPINION_AFTER = re.compile(r"^\W*(?:to me|imo|imho|tbh|i think|i'd say)\b", _I)
_INSTRUCTION_EN = re.compile(
    r"^(?:please |pls |hey )?(?:declare|mark|set|change|move|switch|update|close)\b", _I
)


def addressed_to_bot(sentence: str, bot_names: tuple[str, ...]) -> bool:
    """ "bot, declare resolved" and "ボット、…" are instructions to the bot, not statements."""
    names = [re.escape(n) for n in (*bot_names, "bot", "ボット", "ぼっと") if n]
    pattern = r"^\s*(?:hey |ねえ)?@?(?:" + "|".join(names) + r")(?:さん|くん)?\s*[,、:：]"
    return re.match(pattern, sentence, _I) is not None


def _clause_before(sentence: str, start: int) -> str:
    before = sentence[:start]
    cut = max(before.rfind(c) for c in ",;、，:")
    return before[cut + 1 :] if cut >= 0 else before


def guarded(sentence: str, m: re.Match[str], cue: Cue) -> bool:
    """True when the cue in ``sentence`` is not a plain statement of fact."""
    if is_question(sentence) or _INSTRUCTION_EN.match(sentence) or states_a_purpose(sentence):
        return True
    before = _clause_before(sentence, m.start())
    after = sentence[m.end() :]
    if _HEDGE_EN.search(sentence) or _HEDGE_JA.search(sentence):
        return True
    opinion = _NOT_OURS_BEFORE.search(sentence[: m.start()]) or _OPINION_AFTER.match(after)
    if cue.kind == "resolved" and not cue.declare and opinion:
        return True
    if cue.kind == "cause_found" and (_UNKNOWN_JA.search(sentence) or _NOT_YET_JA.match(after)):
        return True
    if cue.kind != "regressed":  # "rollback didn't help" is itself the cue
        if _NEG_BEFORE_EN.search(before) or _NEG_AFTER_EN.match(after):
            return True
        if _NEG_BEFORE_JA.search(before) or _NEG_AFTER_JA.match(after):
            return True
    if _GERUND_SUBJECT.match(after):
        return True
    hypo = _HYPO_EN.search(before + m.group(0))
    if hypo and not _FUTURE_NOW.search(sentence):
        return True
    if _WHEN_BEFORE_JA.search(before) and _NONPAST_END_JA.search(sentence):
        return True
    return bool(_HYPO_BEFORE_JA.search(before) or _HYPO_AFTER_JA.match(after))


@dataclass(frozen=True)
class CueHit:
    cue: Cue
    sentence: str


def find(sentence: str) -> list[CueHit]:
    """Every unguarded cue in one sentence (at most one per cue kind)."""
    hits: list[CueHit] = []
    seen: set[str] = set()
    for cue in CUES:
        if cue.kind in seen:
            continue
        for m in cue.pattern.finditer(sentence):
            if not guarded(sentence, m, cue):
                hits.append(CueHit(cue, sentence))
                seen.add(cue.kind)
                break
    return hits
