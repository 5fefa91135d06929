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
    r"migrat\w* (to|from|off|onto) (the |a |our )?(new |old )?(node|cluster|region|pool|host"
    r"|server|registry|provider|cloud|kubernetes|k8s|machine|instance|zone|data ?center)"
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
            r"(カラム|テーブル|列)(を|の)?(削除|ドロップ|drop)",
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
            r"(後方互換|可逆|ダウンマイグレーション(あり|がある|は?用意|は?確認済|は?テスト済))",
        ],
        when_negated="yes",
    )
    add(
        "migration",
        "no",
        [
            r"\bno (db |database |schema |data )?(migrations?|schema changes?)\b",
            r"\bmigration[- ]free\b",
            r"\bstateless (release|deploy|change)",
        ],
    )
    add(
        "migration",
        "yes",
        [
            r"\b(migrations?|migrated|alter table|schema (change|migration|update)s?|data migration"
            r"|backfill(ed|ing)?|new column|added a column|renamed (a |the )?column|drop(ped)? (a |the )?column)\b",
            r"(マイグレーション|スキーマ変更|ALTER TABLE|カラム追加|カラム削除|データ移行|バックフィル)",
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
    add(
        "safe_label",
        "yes",
        [
            r"\b(labell?ed|marked|tagged)( as)? [`'\"]?rollback[- ]safe",
            r"\brollback[- ]safe\b",
            r"\b(safe|ok|okay|fine) to roll ?back\b",
            r"(ロールバック|切り戻し)(可|OK|可能|して(も)?(大丈夫|問題ない|問題ありません))",
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
            r"\b(root )?cause (is |still )?(unknown|unclear)",
            r"\bno (obvious |clear )?(root )?cause\b",
            r"原因(は|が)?(まだ)?(不明|わからない|分からない|わかりません|分かりません|見つからない|見つかりません"
            r"|特定できない|特定できていない|特定できません)",
            r"原因を特定できない",
            r"(ログ|メトリクス|メトリック|トレース|ダッシュボード).{0,12}(異常なし|異常は?ない|異常はありません"
            r"|何も(出ていない|出てない|ない|見つからない|見つかりません)|特に(何も|異常))",
            r"手がかり(が|は)?(ない|なし|ありません)",
        ],
    )
    add(
        "nothing_found",
        "no",
        [
            r"\b(found|identified|know|pinpointed) the (root )?cause",
            r"\broot cause (is|was|has been) (identified|found)",
            r"原因(が|を)?(判明|特定しました|特定した|特定済|わかった|分かった)",
        ],
    )

    # --- a rollback was already done and did not help -------------------------------
    add(
        "rollback_no_effect",
        "yes",
        [
            r"\b(rolled back|reverted|rollback (is |was )?(done|complete|finished))\b.{0,40}"
            r"\b(still|no change|didn'?t help|did not help|no effect|not help\w*|persist\w*|same errors)",
            r"\brollback (didn'?t|did not|doesn'?t|does not) (help|fix|change)",
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
    r"|していない|してない|していません|しておらず|しなかった|しませんでした|含まれていない"
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
        if value == "yes" and _negated(sentence, m):
            if cue.when_negated is None:
                continue
            value = cue.when_negated
        if cue.hedged_to is not None and value == "yes" and _HEDGE.search(sentence):
            found.setdefault(cue.hedged_to, "yes")
            continue
        found[cue.signal] = value
    if found.get("irreversible") == "yes" or found.get("irreversible") == "no":
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
