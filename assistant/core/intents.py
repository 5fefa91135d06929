"""What a question to the bot is about: rollback, status, roster, guidance or other.

Checked from the most specific to the least: a rollback *decision* ("should we roll back?",
「切り戻す？」) beats a how-to ("how do I write a status update?" is guidance, not status),
which beats "who is doing what", which beats a status question; a bare mention of rollback
comes last. Mention tokens are removed first, so a bot named "status-bot" changes nothing.
"""

from __future__ import annotations

import re

from assistant.core.model import Intent


def _re(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_MENTION = re.compile(r"<@[!&]?\d+>|@\S+")

_ROLLBACK_DECISION = _re(
    r"\b(should|shall|do|must|can|could|would|need to) (we|i|you) (just )?"
    r"(roll ?back|revert|back ?out|redeploy|fix forward|disable the (feature )?flag)",
    # "should we roll something back?", "should I switch it back to v1?"
    r"(?<!how )\b(should|shall|must|need to) (we|i) (just )?(roll|revert|switch|go|move|put)\b"
    r"[^?？]{0,30}\bback\b",
    r"\b(roll ?back|revert)(ing)?( (it|this|now|the (deploy|release)))?\s*[?？]",
    r"\broll ?back or (fix|roll) forward|\bfix forward or (roll ?back|revert)",
    r"\b(is it|is that|would it be) (safe|wise|worth it) to (roll ?back|revert)",
    r"\bworth (rolling back|reverting)",
    r"\b(rollback|revert|redeploy|fix forward)\s*\?",
    r"(ロールバック|切り戻し|切り戻|リバート|再デプロイ)"
    r"(すべき|した方が|したほうが|する[?？]|しますか|しよう|しても|す[?？]|す(べき|か)|る[?？]"
    r"|すれば(いい|良い|よい)|したら(いい|良い|よい|どう))",
    r"(戻した方が|戻したほうが|戻すべき|元に戻す[?？]|戻す[?？]|戻しますか|戻せば(いい|良い|よい)"
    r"|戻したら(いい|良い|よい|どう))",
    # 「設定戻しちゃっていいですかね？」「ロールバックしても大丈夫？」
    r"(戻し|切り戻し|ロールバックし|リバートし)(ちゃって|ちゃっても|ても|て)(いい|良い|よい|大丈夫|OK)",
    r"(ロールバック|切り戻し)(か|と|or)(フィックスフォワード|修正|前進)",
    r"(ロールバック|切り戻し|リバート)(で|が)(いい|良い|よい|OK|大丈夫)",
)
_GUIDANCE = _re(
    r"\bhow (do|should|can|would|to) (i|we|you|one)\b",
    r"\bhow to\b",
    r"\bwhat (does|do|should) (a|an|the) (new )?(incident )?(commander|ic|scribe|comms lead)",
    r"\bwhat('s| is) (an? |the )?(role of|incident commander|postmortem|post-mortem|retro"
    r"|retrospective|severity|sev ?\d|phase prefix)",
    r"\b(first time|new (incident )?commander|never (led|commanded|run)|best practices?|tips?\b"
    r"|explain|guide|onboarding|checklist for)",
    r"\bwhen (is|should) (a |it )?(redeploy|rollback|roll back)",
    # "what goes in a status update?", "what should I write in the first post?"
    r"\bwhat (goes|should go|belongs|do i put|should i (put|write|include|say|cover)"
    r"|to (put|write|include)) (in|into)\b",
    r"\b(what|which) (kinds?|types?|sorts?) of (action items?|actions|follow-?ups?|roles?|tasks?"
    r"|updates?)\b",
    r"\b(what|how)\b.*\b(retros?|retrospectives?|post-?mortems?|action items?)\b",
    r"(どうすれば|どうやって|どうしたら|方法|書き方|やり方|進め方|手順を教え|初めて|新任|心得|コツ"
    r"|教えて|とは[?？]?$|何をすればいい|何をすべき|役割|ベストプラクティス)",
    # 「どう頼めばいい？」「何を書けばいいですか」「どんなアクションを決めればいい？」
    r"(すれば|したら|頼めば|書けば|伝えれば|言えば|決めれば|やれば|聞けば|使えば|進めれば)(いい|良い|よい)",
    r"(何|なに)を[^。？?]{0,8}(ば|べき)",
    r"(確認|注意|気をつけ)(す)?べき(こと|点)",
)
_ROSTER = _re(
    r"\bwho('s| is| are)? (doing|working|on|handling|assigned|looking|the commander|idle|free"
    r"|available|on it)",
    r"\bwho does what|\bwho owns|\broster\b|\bassignments?\b|\bwho'?s doing what",
    r"\bwhat is everyone (doing|working on)",
    r"(担当|誰が|だれが|割り当て|アサイン|手が空|役割分担|誰か.*対応)",
)
_STATUS = _re(
    r"\bstatus\b|\bcurrent state\b|\bwhere are we\b|\bsitrep\b|\bsummar(y|ise|ize)\b",
    r"\bwhere (do|does|did) (we|it|things) stand\b|\bhow are we doing\b|\bhow do things look\b",
    r"\bwhat('s| is) (going on|happening|the impact|the latest)",
    r"\bany (news|update|updates|progress|eta)\b|\bupdate for (customers|users|stakeholders"
    r"|management|execs)",
    r"\bhow('s| is) it going\b|\bwhat do we know\b|\b(eta|impact)\s*\?",
    r"\b(give|send|write|draft|post) (me |us )?(a |an )?(quick |short |brief )?"
    r"(update|summary|status|sitrep)\b",
    r"(今|いま)(どういう|どんな)?(状態|状況)",
    r"\b(are we|is it|is everything|is the (service|site|app)|is this|is that) (all )?(good|ok|okay"
    r"|fine|fixed|resolved|back|stable|over|done|working|recovered)\b(?! (to|if)\b)",
    r"\bwhat (can|should|do) (i|we) (tell|say to|send) (the )?(customers|users|sales|support"
    r"|management|execs?|leadership|stakeholders)\b",
    r"\bcan (i|we) tell (the )?(customers|users|sales|support|management|execs?|leadership"
    r"|stakeholders)\b",
    r"(直った|治った|直りました|復旧した|復旧しました|解決した|落ち着いた|もう大丈夫)(\s*(\?|？|か|の))",
    r"(状況|現状|どうなって|進捗|最新|まとめ|要約|影響範囲|お客様(向け|への)|報告|見通し)",
)
# "what can I tell customers right now?": a how-to shape, but about this incident, now
_STATUS_NOW = _re(
    r"\b(tell|say to|update|send|post to|reply to) (the )?(customers|users|sales|support|management"
    r"|execs?|leadership|stakeholders|the exec channel)\b.*\b(right now|now|at the moment|currently"
    r"|at this point|yet)\b",
    r"(今|いま|現時点|現状)[^。]{0,20}(お客様|ユーザー|営業|経営|CS|上長)[^。]{0,10}(伝え|言え|案内|説明|報告)",
    r"(お客様|ユーザー|営業|経営|CS|上長|サポート)[^。]{0,6}(何て|なんて|何と|なんと)(伝え|言え|案内|説明)",
    r"(現状|状況|進捗|最新|見通し)(を|について)?(教えて|共有して|知りたい)",
    r"\btell (me|us) (where we are|what'?s (going on|happening)|the (status|latest))",
)
_ROLLBACK_WORD = _re(r"\broll ?back|\brevert|\bback ?out\b|ロールバック|切り戻")


def classify(text: str) -> Intent:
    """The most specific intent of a question to the bot (ja or en)."""
    clean = _MENTION.sub(" ", text).strip()
    if _ROLLBACK_DECISION.search(clean):
        return "rollback"
    if _STATUS_NOW.search(clean):
        return "status"
    if _GUIDANCE.search(clean):
        return "guidance"
    if _ROSTER.search(clean):
        return "roster"
    if _STATUS.search(clean):
        return "status"
    if _ROLLBACK_WORD.search(clean):
        return "rollback"
    return "other"
