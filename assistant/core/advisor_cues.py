# ruff: noqa: E501  (pattern table: one phrasing per line reads better than wrapped regexes)
"""Cue scan for the rollback advisor: what the chat says about the release, in ja and en.

The scan reads every live, human message sentence by sentence. A sentence that is a
question is not an answer ("is it safe to roll back?" says nothing), and a cue under a
negation flips to "no" ("no migration in this release", 「マイグレーションは含まれていません」).
Each signal keeps its latest answer: a later correction wins over an earlier claim.

The patterns are data: one ``Cue`` per phrasing, grouped by signal, checked in order; the
first cue that matches a sentence gives that signal's value for the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from assistant.core.model import ChatMessage

Tri = Literal["yes", "no", "unknown"]
Signal = Literal[
    "change",  # a release / deploy / config change happened (no: none recently)
    "after_change",  # symptoms started after the change
    "causal",  # the release is confirmed as the cause (no: ruled out)
    "causal_suspected",  # the release is only suspected
    "migration",  # the release carries a migration / data change (no: none)
    "irreversible",  # that data change cannot be undone (no: reversible / compatible)
    "procedure",  # the rollback procedure is ready (no: image gone, no runbook)
    "safe_label",  # the release is marked rollback-safe (no: marked unsafe)
    "flag",  # the broken feature sits behind a feature flag (no: no flag)
    "previous_ok",  # the previous version is healthy (no: it is broken too)
    "nothing_found",  # telemetry was checked and shows no cause (no: cause found)
    "rollback_no_effect",  # a rollback was already done and did not help
    "iam",  # an IAM / permission error is reported
    "symptom",  # errors, latency, an outage are reported
]
SIGNALS: tuple[Signal, ...] = (
    "change",
    "after_change",
    "causal",
    "causal_suspected",
    "migration",
    "irreversible",
    "procedure",
    "safe_label",
    "flag",
    "previous_ok",
    "nothing_found",
    "rollback_no_effect",
    "iam",
    "symptom",
)


@dataclass(frozen=True)
class Cue:
    """One phrasing of a signal.

    ``when_negated`` is the value a negated match takes (None: a negated match says
    nothing). ``requires`` must also occur in the sentence; ``unless`` must not.
    ``hedged_to`` moves a hedged claim ("probably the deploy") to another signal.
    """

    signal: Signal
    value: Literal["yes", "no"]
    pattern: re.Pattern[str]
    when_negated: Literal["yes", "no"] | None = None
    requires: re.Pattern[str] | None = None
    unless: re.Pattern[str] | None = None
    hedged_to: Signal | None = None


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_DATA_WORDS = _re(
    r"migration|schema|column|table|data|rows?\b|マイグレーション|スキーマ|カラム|テーブル|データ|列"
)
_HEDGE = _re(
    r"\b(probably|maybe|might|may|could|possibly|perhaps|suspect\w*|likely|looks like|seems?"
    r"|guess|think|not sure|unclear|unconfirmed)\b"
    r"|かも|可能性|怪し|っぽい|疑い|疑わし|だろう|と思う|気がする|推測|未確定"
)
# moving infrastructure ("migration to the new node pool") is a change, not a data migration
_INFRA_MOVE = _re(
    r"migrat\w* ([\w.-]+ ){0,4}(to|from|off|onto) (the |a |our )?(new |old )?([\w.-]+ )?(node|cluster"
    r"|region|pool|host|server|registry|provider|cloud|kubernetes|k8s|machine|instance|zone"
    r"|data ?center|ingress|load ?balancer|lb|proxy|gateway|controller)"
)
# "the status page was updated" is no change to the system
_NOT_A_SYSTEM = _re(
    r"status ?page|ticket|\bdocs?\b|wiki|channel|topic|jira|spreadsheet|timeline"
    r"|runbook|dashboard|\bpost\b|message|summary|roster|\bnotes?\b|incident"
    r"|ステータスページ|チケット|ドキュメント|議事録|タイムライン|告知|手順書|ダッシュボード"
)
_CHECKING = _re(r"か(を)?(確認|どうか|見て|調べ)|\bcheck(ing)? (if|whether)\b")


def _cues() -> list[Cue]:
    c: list[Cue] = []

    def add(
        signal: Signal,
        value: Literal["yes", "no"],
        patterns: Iterable[str],
        **kw: object,
    ) -> None:
        for p in patterns:
            c.append(Cue(signal, value, _re(p), **kw))  # type: ignore[arg-type]

    # --- a recent release or change ------------------------------------------------
    add(
        "change",
        "no",
        [
            r"\bno (recent )?(deploys?|deployments?|releases?|changes?|config changes?|rollouts?)\b",
            r"\bnothing (was |has been |got )?(deployed|released|changed|shipped)\b",
            r"\b(last|previous) (deploy|release|change) was (\d+|a few|several|two|three) (days?|weeks?)",
            r"\bchange freeze\b",
            r"(直近|最近|今日|本日|昨日から)の?(リリース|デプロイ|変更)(は|も)?(特に)?(ない|無い|なし|無し|ありません)",
            r"最後の(リリース|デプロイ)は\s*\d+\s*(日|週間)前",
            r"変更(は|も)?(一切|特に|何も)?(ない|無い|なし|無し|ありません|していない|していません)",
        ],
    )
    add(
        "change",
        "yes",
        [
            r"\b(deploy|deployed|deploying|deploys|released|releasing|shipped|rolled out"
            r"|rollout|roll-out|upgraded|upgrading|bumped|went (out|live))\b",
            r"\b(the|this|our|today'?s|new|a) release\b",
            r"\b(merged|pushed) (v\d|version|a|the|new|our|my|pr)\b",
            r"\bconfig(uration)? (change|push|update)\b",
            r"\bchanged the config",
            r"\bmerged\b|\buploaded\b|\bcut ?over\b|\bswitched (over )?to\b",
            r"\bupgrade (of|to) (the |our )?[\w.-]+|\b[\w.-]+ (module |chart |version )?upgrade\b",
            r"\b(were|was|got) updated to\b",
            r"\bapplied (the |a |our )?(change|config|patch|terraform|manifest|migration)",
            r"(?<!再)(リリース|デプロイ|ロールアウト|アップグレード|バージョンアップ|設定変更|マージ)",
        ],
        when_negated="no",
    )
    add(
        "change",
        "yes",
        [
            # "we moved the load balancers over to the new ingress", "switched traffic to the new cluster"
            r"\b(moved|migrated|switched|cut|flipped|pointed|repointed)\b( [\w.()-]+){0,6} (over )?(to|onto) (the |a )?new\b",
            # "the bucket policy was edited by hand at 07:55"
            r"\b(was|were|got|has been|have been) (edited|modified|changed|updated|altered|replaced|reconfigured)\b",
            r"\b(edited|modified|changed|rewrote|tweaked)\b( [\w.-]+){0,4} (by hand|manually)\b",
            r"(新(しい)?バージョン|新版|最新版|v\d[\w.]*)(に|へ)(更新|上げ|アップデート|切り替え|切替|移行)",
            r"(バージョン|イメージ|タグ)(が|を)(上が|上げ|更新|変え|変更|差し替え)",
            r"(手動で|手で)(変更|編集|書き換え)",
            # "we lowered the cache TTL to 30 s", "raised the rate limit"
            r"\b(lowered|raised|increased|decreased|reduced|bumped|changed|tuned|tweaked|halved|doubled)"
            r" (the |our )?([\w-]+ ){0,3}(ttl|timeout|limit|threshold|pool size|replicas|concurrency"
            r"|quota|setting|value|parameter)s?\b",
            r"(TTL|タイムアウト|上限|閾値|しきい値|レートリミット|プールサイズ|レプリカ数|設定値)[^。]{0,12}"
            r"(を|は)?[^。]{0,10}(下げ|上げ|変更し|減らし|増やし)(た|ました)",
        ],
        when_negated="no",
        unless=_NOT_A_SYSTEM,
    )
    add(
        "after_change",
        "yes",
        [
            r"\b(since|after|right after|following|ever since) (the |this |our |that |today'?s |a )?"
            r"(deploy|release|rollout|roll-out|upgrade|push|merge|config change)",
            r"\bsince (we|i|they) (deployed|released|shipped|rolled out|upgraded|merged|pushed)",
            r"\b(started|began) (right )?(after|when) (we|i|they|the) (deploy|releas|ship|roll|upgrad|merg|push)",
            r"(?<!再)(デプロイ|リリース|ロールアウト|アップグレード|設定変更|マージ)(の)?"
            r"(直後|後|以降|してから|した直後|した後|したあと|のあと)",
        ],
    )
    add(
        "after_change",
        "yes",
        [r"(更新|切り替え|切替|移行)(の)?(直後|後|以降|してから|した直後|した後|したあと|のあと)"],
        unless=_NOT_A_SYSTEM,
    )

    # --- is the causal link established? -------------------------------------------
    add(
        "causal",
        "no",
        [
            r"\b(unrelated|not related|isn'?t related|has nothing to do|nothing to do) (to|with) the "
            r"(deploy|release|change|rollout)",
            r"\bnot (caused by )?the (deploy|release|rollout)\b",
            r"\bruled out the (deploy|release|change|rollout)",
            r"\b(deploy|release|rollout) (is|was)(n'?t| not) the cause",
            r"\b(pr|deploy|release|change|commit|upgrade|bump) (wasn'?t|was not|isn'?t|is not) (it|the (cause|culprit|problem))\b",
            r"(リリース|デプロイ|変更)(と|とは)は?(無関係|関係ない|関係なさそう|関係がない|関係ありません)",
            r"(リリース|デプロイ)(は|が)原因(ではない|じゃない|ではなさそう|ではありません)",
        ],
    )
    add(
        "causal",
        "yes",
        [
            r"\bconfirmed (that )?(the |this |our )?(release|deploy|change|rollout|v\d[\w.]*|pr|commit)"
            r"\b.{0,30}\bcaus",
            r"\bconfirmed (it'?s|it is|it was) the (release|deploy|change|rollout)",
            r"\bcanary (showed|shows|confirmed|confirms|reproduced|reproduces|proved|proves)",
            r"\breproduced (it |the (bug|error|issue) )?(on|in|with) (staging|canary|v\d)",
            r"\bbisected (it )?to\b",
            r"\b(root )?cause (is|was) (the |this |our )?(release|deploy|rollout|pr|commit)",
            r"\bcaused by (the |this |our )?(release|deploy|rollout|pr\b|commit|v\d)",
            r"\b(release|deploy|v\d[\w.]*) (definitely )?caused (it|this|the)",
            r"\b(edit|change|deploy|release|pr|commit|config|update|upgrade|rollout|bump|push)\b( [\w.-]+){0,2} (is|was) (\w+ )?the (root )?cause\b",
            r"原因(は|が)?(この|今回の|今日の|さっきの)?(リリース|デプロイ|変更|PR)(と|だと|で)?(確定|判明|特定|断定)",
            r"(リリース|デプロイ|変更|PR)が原因(と|だと|で)?(確定|判明|特定|断定|です|だった|でした)",
            r"カナリア(で|の結果)",
            r"(ステージング|staging)で(再現|確認)",
        ],
        hedged_to="causal_suspected",
    )
    add(
        "causal_suspected",
        "yes",
        [
            r"\b(suspect|suspicious)\b.{0,25}\b(deploy|release|change|rollout)",
            r"\b(deploy|release|rollout)\b.{0,25}\b(suspicious|suspect)",
            r"(リリース|デプロイ|変更)(が|の)?(怪しい|原因かも|影響かも|影響っぽい|影響の可能性|原因の可能性)",
        ],
    )

    # --- does data or a schema roll back with it? ----------------------------------
    add(
        "irreversible",
        "yes",
        [
            r"\birreversible\b",
            r"\bno down[- ]?migrations?\b",
            r"\bdown[- ]?migration (is )?(missing|absent)\b",
            r"\bone[- ]way (migration|change)",
            r"\bdrop(ped|s)? (the |an? )?([\w`'\"]+ )?(column|table)\b",
            r"\b(data|rows) (were|was|got|is|are) (deleted|dropped|rewritten|overwritten)",
            r"\bnot (backwards?[- ]compatible|reversible)",
            r"不可逆",
            r"ダウンマイグレーション(が|は)?(ない|無い|なし|無し|ありません|存在しない)",
            r"(カラム|テーブル|列)[\s\w`'\"]{0,30}?(を|の)?(削除|ドロップ|drop)",
            r"データ(が|を)?(削除|消え|上書き)",
            r"後方互換(性)?(が|は)?(ない|無い|なし|ありません)",
        ],
    )
    add(
        "irreversible",
        "yes",
        [
            r"\bcan(no|')?t be (reversed|undone|rolled back|reverted)",
            r"\b(cannot|can'?t) (reverse|undo)\b",
            r"(戻せない|戻せません|元に戻らない|戻らない|取り消せない)",
        ],
        requires=_DATA_WORDS,
    )
    add(
        "irreversible",
        "no",
        [
            r"\b(reversible|backwards?[- ]compatible|additive( only)?|expand[- ]contract)\b",
            r"\bdown[- ]?migrations? (is |was |are )?(tested|ready|exists?|works|available|in place)",
            r"\b(wrote|written|write|have|has|had|added|prepared|shipped) (a |the |any )?down[- ]?migrations?\b",
            r"(後方互換|可逆|ダウンマイグレーション(あり|がある|は?用意|は?作成|は?作って|は?書いて|は?準備|は?確認済|は?テスト済))",
        ],
        when_negated="yes",
    )
    add(
        "migration",
        "no",
        [
            r"\bno (db |database |schema |data )?(migrations?|schema changes?)\b",
            r"\bmigration[- ]free\b",
            r"\bstateless\b",
            r"\bnothing stateful\b",
            r"\bno (data|state|schema|db|database|stateful \w+)( changes?)? (is |was |are |were )?(involved|touched|changed|moved|affected)\b",
            r"\b(doesn'?t|does not|didn'?t|did not|won'?t|will not) (touch|change|involve|affect|move) (the |any )?(data|db|database|schema|state)\b",
            r"\bnothing else (changes|rolls back|goes back|is affected|moves)\b",
            r"\bonly (changed|changes|touched|touches|bumped|bumps) (the )?(config|helm values|values|image tag|image|settings|manifests?|css|copy|frontend|flags?)\b",
            r"\bonly (affects|touches|changes) (the )?(caching|cache|config|routing|headers|frontend|css|static assets|dns)\b",
            r"(データ|状態|スキーマ|DB)(には|では|は|が|も|に)?(一切)?(絡まない|絡んでいない|絡んでない|関係ない|関係しない|含まれない|触らない|触っていない|触ってない|変わらない|変えていない|動かしていない|移していない)",
            r"状態を持たない|ステートレス",
            r"(データ|状態)(が|は)?(戻る|巻き戻る|失われる|消える)(心配|恐れ|リスク|こと)(は|も)?(なし|ない|無い|ありません)",
        ],
    )
    add(
        "migration",
        "yes",
        [
            r"(?<!down )(?<!down-)(?<!down)\b(migrations?|migrated|alter table|schema (change|migration|update)s?|data migration"
            r"|backfill(ed|ing)?|new column|added a column|renamed (a |the )?column|drop(ped)? (a |the )?column)\b",
            r"((?<!ダウン)マイグレーション|スキーマ変更|ALTER TABLE|カラム追加|カラム削除|データ移行|バックフィル)",
        ],
        when_negated="no",
        unless=_INFRA_MOVE,
    )

    # --- is the rollback procedure ready? ------------------------------------------
    add(
        "procedure",
        "no",
        [
            r"\b(previous|old|last|prior) (image|build|artifact|version)('s| is| was)? "
            r"(gone|deleted|missing|not available|unavailable|expired|garbage[- ]collected)",
            r"\bno (rollback |roll-back )?(runbook|procedure|playbook)",
            r"\brollback (procedure |runbook |script )?(is |was )?(untested|broken|never tested)",
            r"\bnever (tested|practi[sc]ed|rehearsed) (a |the )?rollback",
            r"(切り戻し|ロールバック)(の)?(手順|手順書|ランブック)(が|は)?(ない|無い|なし|ありません|未整備|古い)",
            r"手順書(が|は)?(ない|無い|なし|ありません)",
            r"(前|旧|以前|ひとつ前|1つ前)の(イメージ|ビルド|バージョン)(が|は)?(消え|削除|残っていない|残ってない|ない|無い)",
        ],
    )
    add(
        "procedure",
        "yes",
        [
            r"\b(rollback|roll-back|roll back) (runbook|procedure|playbook|script|plan)\b",
            r"\b(previous|old|last|prior) (image|build|artifact|version)( is| was)? (still )?"
            r"(in the registry|available|there|tagged|kept|cached)",
            r"\brollback (is |was |has been )?(tested|rehearsed|practi[sc]ed|ready)",
            r"\b(rolled back|rollback) (this way|like this) before",
            r"\bone[- ]click rollback|\b(argo(cd)?|spinnaker|helm) rollback",
            r"\brunbook\b",
            r"(切り戻し|ロールバック)(の)?(手順|手順書|ランブック)",
            r"手順書(あり|がある|はある|を確認|通り)",
            r"(前|旧|以前|ひとつ前|1つ前)の(イメージ|ビルド)(は|が|も)?(まだ)?(残って|ある|あります|レジストリ)",
            r"(切り戻し|ロールバック)(は|を)?(リハーサル|テスト|検証)済",
            # the old thing is still there: "v7.2.4 image is still in ECR", "old ingress is still running"
            r"\b(v\d[\w.]*|previous|old|last|prior|older)( (version|release)('s)?)? ([\w-]+ )?(image|build|artifact|task def\w*|manifests?|deployment|ingress|stack|config|cluster|environment|target groups?|version|release)s? "
            r"(is |are |was )?(still )?(in (the )?(registry|ecr|gcr|ghcr|artifact registry|docker hub)|available|there|tagged|kept|cached|running|up|around|intact|untouched)\b",
            # the way back is quick: "switching the target groups back is a 1 min change"
            r"\bback (is|takes|would take|will take|should take) (only |just |about |~)?(a |an |one )?(\d+|one|two|few|couple|quick|simple|easy|trivial|single|one[- ]line)",
            r"\b(one|single|1)[- ](click|command)\b",
            r"\b(reverting|rolling back|going back|a revert|a rollback)\b( \w+)? (is|means) (just |only |simply )?(putting|pointing|switching|running|flipping|redeploying|re-?applying)",
            r"\b(we|we'?ve|we have) (rehearsed|practi[sc]ed|drilled) (it|this|that|the (rollback|revert|switch|failback))\b",
            r"\bwe (did|have done|'ve done) (it|this|that) (before|in \w+|last \w+)",
            r"(前|旧|以前|ひとつ前|1つ前)の?(バージョン|リリース)?の?(イメージ|ビルド|マニフェスト|設定値|設定|値|コミット|Helm)[^。]{0,15}(残って|あります|ある|使える|そのまま)",
            r"(すれば|すると|で|から|なら)(すぐ|簡単に|数分で|\d+分で)?(戻せる|戻せます|切り戻せる|切り戻せます|ロールバックできる|ロールバックできます)(?!か)",
            r"(リハーサル|練習|訓練)(済|した|しました|してある|してあります)",
        ],
        when_negated="no",
    )

    # --- is the release marked rollback-safe? --------------------------------------
    add(
        "safe_label",
        "no",
        [
            r"\bnot (labell?ed |marked |tagged )?(as )?[`'\"]?rollback[- ]safe",
            r"\b(not|unsafe|isn'?t safe) to roll ?back",
            r"\brollback[- ]unsafe\b",
            r"\bno[- ]rollback label",
            r"(ロールバック|切り戻し)(不可|できない|できません|NG|禁止)",
            r"戻すと(まずい|危険|壊れる)",
        ],
    )
    add(  # going back would break something ("I don't think it would break" flips to safe)
        "safe_label",
        "no",
        [
            r"\b(reverting|rolling back|going back|a rollback|a revert)\b( it| this| that)? "
            r"(means|requires|would mean|will mean|needs) (restarting|a (full )?restart|flushing|downtime"
            r"|dropping|losing|a cold|emptying|wiping)",
            r"(戻す|切り戻す|ロールバックする)(と|には|場合)[^。]{0,20}(全台|全ノード|すべて|全部)?[^。]{0,10}"
            r"(再起動|キャッシュが空|コールド|停止|ダウンタイム)",
            r"戻すと.{0,30}(エラーになる|エラーになります|エラーが出る|壊れ|動かな|落ちる|落ちます|不整合|失敗する|失敗します)",
            r"\b(rolling back|going back|reverting|a rollback|a revert)\b.{0,30}\b(would|will|could|is going to) (break|crash|fail|corrupt|error)",
            r"\bif we (roll ?back|revert|go back)\b.{0,40}\b(will|would|could) (break|crash|fail|corrupt|error)",
        ],
        when_negated="yes",
    )
    add(
        "safe_label",
        "yes",
        [
            r"\b(labell?ed|marked|tagged)( as)? [`'\"]?rollback[- ]safe",
            r"\brollback[- ]safe\b",
            r"\b(safe|ok|okay|fine) to roll ?back\b",
            r"(ロールバック|切り戻し)(可(?!否)|OK|可能|して(も)?(大丈夫|問題ない|問題ありません))",
            r"戻しても(大丈夫|問題ない|問題ありません|平気)",
        ],
        when_negated="no",
        unless=_CHECKING,
    )

    # --- can a feature flag isolate the broken feature? ----------------------------
    add(
        "flag",
        "no",
        [
            r"\bno (feature )?(flag|toggle|kill[- ]?switch)\b",
            r"\bnot behind (a|any|the) (feature )?flag",
            r"\bnothing (is )?behind (a |any )?(feature )?flags?\b",
            r"(フラグ|キルスイッチ)(は|も|が)?(ない|無い|なし|ありません)",
        ],
    )
    add(
        "flag",
        "yes",
        [
            r"\bfeature[- ]?(flags?|toggles?)\b",
            r"\bbehind (a|the) ([\w-]+ )?flag\b",
            r"\bflag [`'\"]?[a-z0-9]+[_.-][a-z0-9_.-]+",
            r"\bkill[- ]?switch\b",
            r"\b(disable|turn off|switch off|flip) the [`'\"]?[\w.-]+[`'\"]? flag\b",
            r"\bthe [`'\"]?[a-z0-9]+[_.-][\w.-]*[`'\"]? (feature )?flag\b",
            r"\bflag (ramp|rollout|cohort)\b",
            r"(フィーチャーフラグ|機能フラグ|フラグ|キルスイッチ)",
        ],
        when_negated="no",
    )

    # --- is the previous version known to work? ------------------------------------
    add(
        "previous_ok",
        "no",
        [
            r"\b(v\d[\w.]*|previous (version|release|build)|old(er)? (version|release|build)"
            r"|prior (version|release))\b.{0,30}\b(also|too|same|as well)\b.{0,20}"
            r"\b(broken|bug|issue|problem|errors?|fail\w*|affected)",
            r"\b(v\d[\w.]*|previous (version|release|build)|old(er)? version) (had|has|have|shows?|showed) "
            r"the same",
            r"\bsame (bug|issue|errors?|problem) (in|on|with) (v\d|the previous|the old|the prior)",
            r"\b(previous|old|prior) (version|release|build) (is|was) (also )?(broken|bad|affected|buggy)",
            r"\brolling back (won'?t|will not|doesn'?t|wouldn'?t) help",
            r"(前|旧|以前|ひとつ前|1つ前)の?(バージョン|リリース|ビルド)(も|でも)"
            r"(壊れ|同じ|不具合|バグ|エラー|再現|ダメ|NG)",
            r"v\d[\w.]*(でも|も)(同じ|再現|壊れ|エラー|バグ)",
            r"(戻しても|切り戻しても)(直らない|解決しない|意味がない|無駄)",
        ],
    )
    add(
        "previous_ok",
        "yes",
        [
            r"\b((previous|old|prior) (version|release|build)|v\d[\w.]*) (is|was) "
            r"(fine|healthy|ok|okay|good|stable|working)",
            r"(前|旧|以前|ひとつ前|1つ前)の?(バージョン|リリース)(は|では)(正常|問題なし|問題ない|問題ありません|動いて)",
            r"\b(ran|worked|run|running|been running) (fine|well|ok|okay|cleanly|smoothly|without (issues|problems|errors))( all| for| the whole)? (last|the last|the past|previous)? ?(week|weeks|month|months|days|year|years)\b",
            r"\bworked (fine |well )?for (months|weeks|years|ages)\b",
            r"(前|旧|以前|ひとつ前|1つ前)の?(バージョン|リリース|イメージ|ビルド)(は|で|も)?[^。]{0,15}(安定して(い|た)|問題なく動いて)",
        ],
    )

    # --- looked at telemetry and found nothing --------------------------------------
    add(
        "nothing_found",
        "yes",
        [
            r"\b(metrics|dashboards?|traces?|logs?|apm)\b.{0,40}\b(look|looks|looked|are|is|were|was"
            r"|seem|seems)\s+(normal|fine|clean|ok|okay|healthy|flat)",
            r"\bnothing (unusual |obvious |odd |suspicious |useful )?(in|on) (the )?"
            r"(logs?|metrics|traces?|dashboards?)",
            r"\bno (cause|errors?|anomal(y|ies)|clues?) (found|in the logs|in logs|in metrics|in traces)",
            r"\b(can'?t|cannot|couldn'?t) find (a |the |any )?(cause|anything)",
            r"\bno idea (what|why)\b",
            r"\b(root )?cause (is |was )?(still )?(unknown|unclear)",
            r"\bno (obvious |clear )?(root )?cause\b",
            r"原因(は|が)?(まだ)?(不明|わからない|分からない|わかりません|分かりません|見つからない|見つかりません"
            r"|特定できない|特定できていない|特定できません)",
            r"原因を特定できない",
            r"(ログ|メトリクス|メトリック|トレース|ダッシュボード).{0,12}(異常なし|異常は?ない|異常はありません"
            r"|何も(出ていない|出てない|ない|見つからない|見つかりません)|特に(何も|異常))",
            r"手がかり(が|は)?(ない|なし|ありません)",
            r"\bnothing (big |obvious |unusual |odd |suspicious )?stands out\b",
            r"原因(が|は|も)?(まだ)?(見当たらない|見当たりません|見当たらず)",
            r"(ログ|メトリクス|メトリック|トレース|ダッシュボード)[^。]{0,12}(エラー|異常)(は|も)?(なし|無し|出ていない|出てない|出ていません|ありません)",
        ],
    )
    add(
        "nothing_found",
        "no",
        [
            r"\b(found|identified|know|pinpointed) the (root )?cause",
            r"\broot cause (is|was|has been) (identified|found)",
            r"原因(が|を)?(判明|特定しました|特定した|特定済|わかった|分かった)",
            r"\b(the )?(root )?cause (is|was) (?!(unknown|unclear|still|not|n'?t|being|a mystery)\b)\w",
            r"原因は(?!(まだ|不明|わから|分から|特定|見当))[^。、?？]{1,30}(です|だった|でした|と判明|で確定|だと分かった)",
        ],
    )

    # --- a rollback was already done and did not help -------------------------------
    add(
        "rollback_no_effect",
        "yes",
        [
            r"\b(rolled back|reverted|rollback (is |was )?(done|complete|finished))\b.{0,40}"
            r"\b(still|no change|didn'?t help|did not help|no effect|not help\w*|persist\w*|same errors)",
            r"\b(rollback|roll-back|revert|downgrade) (didn'?t|did not|doesn'?t|does not|hasn'?t|has not) (help|fix|change|work)",
            r"\bstill (failing|broken|down|erroring|failing|timing out|slow|the same)\b.{0,25}\bafter (the |our |a |we )?(revert|rollback|roll-?back|rolled back|reverted)",
            r"\brollback made (it|things) worse",
            r"(切り戻し|ロールバック|戻し)(た|まし|ても|たが|たけど|後も|後).{0,20}"
            r"(改善しない|改善せず|改善しません|直らない|直らず|変わらない|変わらず|悪化|解消しない|解消せず|継続)",
        ],
    )

    # --- symptoms (only for the knowledge query and the reason line) ----------------
    add(
        "iam",
        "yes",
        [
            r"\b(permission denied|access ?denied|accessdenied|not authori[sz]ed|unauthori[sz]ed"
            r"|forbidden|403|iam|missing permission|lacks? (the |a )?permission)",
            r"(権限(不足|エラー|がない|が足りない|が無い)|パーミッション|アクセス拒否)",
        ],
    )
    add(
        "symptom",
        "yes",
        [
            r"\b(errors?|5\d\d|5xx|exceptions?|timeouts?|timing out|latency|slow|down|outage|failing"
            r"|fail(ed|ures?)|crash(es|ed|ing|looping)?|degrad(ed|ation)|unavailable|denied)\b",
            r"(エラー|障害|遅延|タイムアウト|落ち|ダウン|失敗|応答しない|重い|不安定|5\d\d|拒否)",
        ],
    )
    return c


CUES: tuple[Cue, ...] = tuple(_cues())

# ------------------------------------------------------------------ sentences

_SPLIT = re.compile(r"(?<=[。！？!?\n])|(?<=\.)\s+")
_MENTION = re.compile(r"<@[!&]?\d+>|@\S+")
_EN_QUESTION_START = re.compile(
    r"^(is|are|was|were|do|does|did|can|could|should|shall|will|would|has|have)\s+"
    r"(we|i|you|it|this|that|the|there|anyone|anybody|someone|they|he|she)\b",
    re.IGNORECASE,
)
_JA_QUESTION_END = re.compile(r"(ですか|ますか|でしょうか|ましたか|かな|かね|っけ|か)[\s。]*$")
_EN_NEGATORS = re.compile(r"(n't|n’t)\b|\b(no|not|never|without|nothing|nobody|none|zero)\b", re.I)
# a negator before one of these governs another phrase: "no migration in this release"
_CLAUSE_BREAK = re.compile(
    r"[,;:—(]|\b(but|though|and|in|of|for|with|from|on|at|to|since|after|before|by)\b", re.I
)
_JA_NEGATION = re.compile(
    r"^\s*(は|も|が|を)?\s*(一切|特に|何も|まだ)?\s*(ない|無い|なし|無し|ありません|ございません"
    r"|していない|してない|していません|してません|してなくて|しておりません|ません|いません|いない|しておらず|しなかった|しませんでした|含まれていない"
    r"|含まれていません|含まれておらず|入っていない|入っていません|入ってない|行っていない"
    r"|行っていません|されていない|されていません|されてない|ゼロ)"
)
_JA_CLAUSE_END = re.compile(r"[。、,，\n]")
_JA_NEGATIVE_ENDING = re.compile(r"(ない|無い|なし|無し|ません|ず|なかった|ませんでした)\s*$")
_JA_OTHER_TOPIC = re.compile(r"問題|関係|影響|原因|確認|エラー")
_JA_CHARS = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def sentences(text: str) -> list[str]:
    """Split a message into sentences, mention tokens removed."""
    clean = _MENTION.sub(" ", text)
    return [s.strip() for s in _SPLIT.split(clean) if s and s.strip()]


# Asking someone to find out is not an answer either: 「マイグレーションの有無を見てほしい」,
# "please check whether there is a flag", "can someone confirm the runbook".
_REQUEST = re.compile(
    r"有無|かどうか|(見て|調べて|確認して|チェックして|教えて)(ほしい|欲しい|ください|下さい|もらえ|くれ)"
    r"|\b(please|pls|plz)\s+(check|confirm|verify|look|find out|see)\b"
    r"|\b(check|confirm|verify|find out|see)\s+(whether|if)\b"
    r"|\b(can|could) (someone|somebody|anyone|you) (check|confirm|verify|look)\b",
    re.IGNORECASE,
)


def is_question(sentence: str) -> bool:
    """A question asks; it does not answer ("safe to roll back?", 「戻せますか」)."""
    s = sentence.strip()
    if s.endswith(("?", "？")) or _REQUEST.search(s):
        return True
    if _JA_CHARS.search(s):
        return _JA_QUESTION_END.search(s) is not None
    return _EN_QUESTION_START.match(s) is not None


# "we don't know the release is the only problem": the doubt is about knowing, not the release
_UNSURE = re.compile(
    r"\b(don'?t|do not|didn'?t|did not|doesn'?t|not) (know|sure)\b|\bno idea\b|\bunsure\b"
    r"|\bunclear (if|whether)\b|\bwonder(ing)? (if|whether)\b",
    re.IGNORECASE,
)
# "lines up with the flag ramp, not the deploy": a contrast names another culprit; it does not
# deny that the deploy happened
_CONTRAST = re.compile(r"\bnot (just |only )?(the|this|that|our)\s+$", re.IGNORECASE)


def _clause_before(sentence: str, match: re.Match[str]) -> str:
    before = sentence[: match.start()]
    parts = _CLAUSE_BREAK.split(before)
    return parts[-1] if parts else before


def _doubted(sentence: str, match: re.Match[str]) -> bool:
    """The cue sits under "not sure / don't know" or is the other half of a contrast."""
    clause = _clause_before(sentence, match)
    return bool(_UNSURE.search(clause) or _CONTRAST.search(sentence[: match.start()]))


def _negated(sentence: str, match: re.Match[str]) -> bool:
    """English: a negator shortly before the cue in the same clause. Japanese: right after."""
    before = sentence[: match.start()]
    parts = _CLAUSE_BREAK.split(before)
    clause = parts[-1] if parts else before
    window = " ".join(clause.split()[-4:])
    if _EN_NEGATORS.search(window):
        return True
    after = sentence[match.end() :]
    if _JA_NEGATION.match(after):
        return True
    # 「リリースも設定変更も3週間していません」: topic particle, then a negative clause ending
    clause = _JA_CLAUSE_END.split(after, maxsplit=1)[0]
    return (
        clause[:1] in ("は", "も")
        and _JA_NEGATIVE_ENDING.search(clause) is not None
        and _JA_OTHER_TOPIC.search(clause) is None
    )


# ------------------------------------------------------------------ scan


MAX_SOURCES = 5


@dataclass
class Evidence:
    """What the chat says about one signal: its latest answer and the messages behind it."""

    value: Tri = "unknown"
    source_ids: list[str] = field(default_factory=list)
    snippet: str = ""  # the first sentence that gave the current value

    def record(self, value: Literal["yes", "no"], message_id: str, snippet: str) -> None:
        if value != self.value:
            self.value = value
            self.source_ids = []
            self.snippet = snippet
        if message_id not in self.source_ids:
            self.source_ids.append(message_id)
            if len(self.source_ids) > MAX_SOURCES:  # the first statement and the latest ones
                del self.source_ids[1 : len(self.source_ids) - MAX_SOURCES + 1]


def _find(sentence: str) -> dict[Signal, Literal["yes", "no"]]:
    found: dict[Signal, Literal["yes", "no"]] = {}
    for cue in CUES:
        if cue.signal in found:
            continue
        m = cue.pattern.search(sentence)
        if m is None:
            continue
        if cue.requires is not None and not cue.requires.search(sentence):
            continue
        if cue.unless is not None and cue.unless.search(sentence):
            continue
        value = cue.value
        if value == "yes" and _doubted(sentence, m):
            continue
        # a "yes" cue under a negation says "no" (or nothing); a "no" cue flips only when it
        # names its flip ("not reversible", 「ダウンマイグレーションは用意してません」)
        if (value == "yes" or cue.when_negated is not None) and _negated(sentence, m):
            if cue.when_negated is None:
                continue
            value = cue.when_negated
        if cue.hedged_to is not None and value == "yes" and _HEDGE.search(sentence):
            found.setdefault(cue.hedged_to, "yes")
            continue
        found[cue.signal] = value
    if found.get("irreversible") == "yes":  # "no down migration": there is a migration
        found["migration"] = "yes"
    elif found.get("irreversible") == "no":
        found.setdefault("migration", "yes")
    if found.get("after_change") == "yes":
        found.setdefault("change", "yes")
    if found.get("causal") == "yes":
        found.setdefault("change", "yes")
    return found


def is_plain_statement(text: str, signal: Signal) -> bool:
    """True when ``text`` has a sentence that is not a question and does not deny ``signal``."""
    return any(not is_question(s) and _find(s).get(signal) != "no" for s in sentences(text))


def scan(messages: Iterable[ChatMessage]) -> dict[Signal, Evidence]:
    """Every signal's latest answer from these messages (callers pass human messages only)."""
    evidence: dict[Signal, Evidence] = {s: Evidence() for s in SIGNALS}
    for msg in messages:
        for sentence, found in _findings(msg.content):
            for signal, value in found:
                evidence[signal].record(value, msg.id, sentence)
    return evidence


@lru_cache(maxsize=32_768)
def _findings(
    content: str,
) -> tuple[tuple[str, tuple[tuple[Signal, Literal["yes", "no"]], ...]], ...]:
    """The cues of one message's statements. Cached: the advisor rescans the whole incident
    on every question, and a message's text decides its cues (edits change the key)."""
    out = []
    for sentence in sentences(content):
        if is_question(sentence):
            continue
        found = tuple(_find(sentence).items())
        if found:
            out.append((sentence, found))
    return tuple(out)
