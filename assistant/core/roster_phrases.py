"""Roster phrases in Japanese and English, as compiled patterns.

Mentions reach these patterns as ``@@<n>`` (see ``roster_mentions``), so ``M`` below stands
for "a person". Each group of patterns answers one question about a message: does it hand
over command, release someone, report a task done, ask someone to do something, take a task,
or state a purpose? ``roster_cues`` puts the answers together.
"""

from __future__ import annotations

import re

M = r"@@(\d+)"
_I = re.I
_HON = r"\s*(?:さん|くん|君|様|氏|ちゃん)?\s*"

# ---------------------------------------------------------------- command handover
HANDOVER = [
    re.compile(p, _I)
    for p in (
        rf"{M}\s*(?:is|'s|’s)\s+(?:now\s+)?(?:the\s+)?(?:new\s+)?"
        r"(?:ic|incident\s+commander|commander|incident\s+lead)\b",
        r"\b(?:hand(?:ing)?|pass(?:ing)?|transfer(?:ring)?|giv(?:e|ing))\s+(?:over\s+)?(?:the\s+)?"
        rf"(?:ic|command|incident\s+command|ic\s+role|commander\s+role)\s+(?:over\s+)?to\s+{M}",
        rf"{M}\s+(?:will\s+)?(?:take|takes|taking)\s+over\s+(?:as\s+)?(?:the\s+)?"
        r"(?:ic|commander|incident\s+commander|command)\b",
        rf"{M}\s*[,:]?\s*you(?:'re|’re|\s+are)\s+(?:now\s+)?(?:the\s+)?(?:ic|incident\s+commander|commander)\b",
        rf"\bnew\s+(?:ic|commander|incident\s+commander)\s*(?:is|:|=)\s*{M}",
        rf"(?:指揮官|指揮|コマンダー|IC|インシデントコマンダー)\s*(?:を|は|の役割を)?\s*{M}{_HON}"
        r"(?:に|へ)\s*(?:交代|引き継|渡|移|変更|お願い|任せ|バトン)",
        rf"{M}{_HON}(?:に|へ)\s*(?:指揮官|指揮|コマンダー|IC)\s*(?:を|は)?\s*"
        r"(?:交代|引き継|渡|移|お願い|任せ)",
        rf"(?:指揮官|コマンダー|IC)\s*(?:は|が)\s*{M}{_HON}(?:です|になります|に(?:交代|変更))",
        rf"{M}{_HON}(?:が|は)\s*(?:新しい)?\s*(?:指揮官|コマンダー|IC)\s*"
        r"(?:です|になります|を(?:担当|引き継|やり|務め)|に(?:なり|交代))",
    )
]
HANDOVER_SELF = [
    re.compile(p, _I)
    for p in (
        r"\bi(?:'m|’m|\s+am)\s+(?:now\s+)?(?:the\s+)?(?:ic|incident\s+commander)\b",
        r"\bi(?:'ll|’ll|\s+will)\s+take\s+(?:over\s+)?(?:as\s+)?(?:the\s+)?"
        r"(?:ic|command|incident\s+command)\b",
        r"\bi(?:'m|’m|\s+am)\s+taking\s+(?:over\s+)?(?:as\s+)?(?:the\s+)?(?:ic|command)\b",
        r"(?:私|わたし|自分|僕|俺)\s*が\s*(?:指揮官?|コマンダー|IC)\s*(?:を)?\s*"
        r"(?:取|執|引き継|やり|担当|代わ|務め)",
        r"指揮(?:官)?\s*(?:を)?\s*(?:代わり|引き継ぎ|取り|執り)ます",
        r"指揮(?:官)?\s*(?:は|を)\s*[^、。\s]{1,12}?\s*が\s*(?:とり|取り|執り|やり|担当し)ます",
    )
]

# ---------------------------------------------------------------- release
_EN_GO = (
    r"(?:drop(?:\s+off)?|leave|head\s+out|sign\s+off|step\s+(?:away|out)|get\s+back|"
    r"go\s+back|return|hop\s+off|go(?!\s+(?:ahead|and|check|look|on|with|to\s+the)))"
)
RELEASE_PERSON = [
    re.compile(p, _I)
    for p in (
        rf"\byou\s+(?:can|may|could)\s+(?:now\s+)?{_EN_GO}",
        rf"\bfeel\s+free\s+to\s+{_EN_GO}",
        r"\byou(?:'re|’re|\s+are)\s+(?:free\s+to\s+(?:go|leave|drop)|released|good\s+to\s+go|"
        r"off\s+the\s+hook)",
        r"\bno\s+need\s+(?:for\s+you\s+)?to\s+stay\b",
        rf"\brelease\s+{M}",
        rf"{M}\s+(?:is|are)\s+released\b",
        r"(?:戻って|抜けて|離脱して|外れて|退出して|落ちて|離れて)\s*(?:も|いただいて|もらって)?\s*"
        r"(?:大丈夫|OK|オーケー|いい|良い|構いません|かまいません|結構)",
        r"(?:抜けて|離脱して|外れて|退出して)\s*(?:ください|下さい)",
        r"(?:通常)?業務に\s*(?:戻|復帰)|解放します|解放で(?:す|お願い)",
    )
]
RELEASE_OTHERS = [
    re.compile(p, _I)
    for p in (
        r"\b(?:everyone|everybody|anyone|all)\s+else\b|\bthe\s+rest\s+of\s+(?:you|us|the\s+team)\b|"
        r"\banyone\s+without\s+(?:a\s+)?(?:task|assignment)|"
        r"\bif\s+you\s+(?:don't|do\s+not|don’t)\s+have\s+(?:a\s+)?(?:task|assignment)",
        r"(?:他|ほか|残り|それ以外|担当(?:が|の)?(?:ない|無い)|タスク(?:が|の)?(?:ない|無い)|"
        r"アサイン(?:が|の)?(?:ない|無い)|アサインされていない|手(?:が|の)?空いている)\s*(?:の)?\s*"
        r"(?:方|人|皆さん|みなさん|メンバー|皆|みんな|かた)",
    )
]
RELEASE_OTHERS_VERB = [
    re.compile(p, _I)
    for p in (
        rf"\b(?:can|may|could)\s+(?:now\s+)?{_EN_GO}",
        rf"\bfeel\s+free\s+to\s+{_EN_GO}",
        r"\b(?:is|are)\s+(?:released|free\s+to\s+(?:go|leave))",
        RELEASE_PERSON[6].pattern,
        RELEASE_PERSON[7].pattern,
        RELEASE_PERSON[8].pattern,
    )
]
RELEASE_SELF = [
    re.compile(p, _I)
    for p in (
        r"\bi(?:'m|’m|\s+am|'ll|’ll|\s+will)\s+(?:now\s+)?(?:drop(?:ping)?\s+off|sign(?:ing)?\s+off|"
        r"head(?:ing)?\s+out|step(?:ping)?\s+away|go(?:ing)?\s+back\s+to\s+my\s+(?:work|tasks?))",
        r"^\W*(?:ok\W+|thanks\W+)?(?:dropping|signing)\s+off\b",
        r"(?:抜けます|離脱します|落ちます|退出します|業務に戻ります|抜けさせていただきます)",
    )
]

# ---------------------------------------------------------------- done
DONE = [
    re.compile(p, _I)
    for p in (
        r"\b(?:done|finished|complete|completed|wrapped\s+up)\b",
        r"完了|終わりました|終わった|終了しました|済みです|済みました|済んだ|おわりました|終わりです",
    )
]
DONE_GUARD = [
    re.compile(p, _I)
    for p in (
        r"[?？]",
        r"\b(?:not|n't|yet|once|when|after|before|until|if|almost|nearly|soon|whether|let\s+me\s+"
        r"know|tell\s+me|still|half|mostly|partly|partially)\b|n[’']t\b|\d\s*%",
        r"まだ|未完|ません|ていない|てない|たら|次第|後で|予定|見込み|ば教えて|教えて|半分|一部|途中",
    )
]

# ---------------------------------------------------------------- requests to someone
REQUEST_EN = re.compile(
    r"\b(?:please|pls|plz|can\s+you|could\s+you|would\s+you|will\s+you|can\s+u|"
    r"would\s+you\s+mind|mind)\b",
    _I,
)
IMPERATIVE_EN = re.compile(
    rf"^\W*(?:(?:and|&|,)?\s*{M}\W*)*"
    r"(?:take|own|handle|check|look|investigate|update|roll|revert|lead|drive|prepare|write|"
    r"post|monitor|watch|restart|deploy|contact|reach|ping|coordinate|verify|confirm|find|fix|"
    r"run|draft|dig|pull|grab|pick|scale|disable|enable|notify|work|review|test|try|start|"
    r"stop|keep|follow|collect|gather|bisect|capture|you(?:'re|’re|\s+are)\s+on|you\s+take|"
    r"you\s+own|you\s+handle)\b",
    _I,
)
REQUEST_JA = re.compile(
    r"(?:て|で)\s*(?:ください|下さい|くれ(?:ます|ません)か|もらえ(?:ます|ません)か|"
    r"もらって(?:も)?(?:いい|良い)です?か|ほしい|欲しい|いただけ(?:ます|ません)か)|"
    r"お願い|頼(?:み|む|め)|担当(?:して|で|を)|任せ(?:ます|たい)",
)

# ---------------------------------------------------------------- self-assignment
_ME_JA = r"(?:私|わたし|自分|僕|ぼく|俺|おれ|こちら|うち)"
_VERB_JA = (
    r"(?P<verb>やります|見ます|みます|見てみます|対応します|担当します|確認します|調べます|"
    r"進めます|見ておきます|やっておきます|引き受けます|巻き取ります|持ちます|監視します|"
    r"対応しておきます|調査します|します)"
)
_TASK_JA = r"(?P<task>[^。、，,!！?？\n「」]+?)"
SELF_JA = [
    re.compile(rf"{_TASK_JA}\s*(?:は|を)\s*{_ME_JA}\s*(?:が|で|の方で|のほうで)\s*{_VERB_JA}"),
    re.compile(rf"{_ME_JA}\s*(?:が|で)\s*{_TASK_JA}\s*(?:を|は)?\s*{_VERB_JA}"),
    re.compile(
        rf"{_TASK_JA}\s*(?:を|は)\s*(?P<verb>担当します|引き受けます|巻き取ります|やります|持ちます)"
    ),
]
# a verb that carries meaning the bare object would lose: ログは私が確認します -> ログの確認
VERB_SUFFIX_JA = {
    "確認します": "の確認",
    "調べます": "の調査",
    "調査します": "の調査",
    "対応します": "の対応",
    "対応しておきます": "の対応",
    "監視します": "の監視",
}
_OWN_EN = r"take|own|handle|grab|pick\s+up|take\s+care\s+of|drive|lead|do|cover"
_DO_EN = (
    r"take\s+a\s+look\s+at|have\s+a\s+look\s+at|look\s+into|look\s+at|check|investigate|"
    r"dig\s+into|work\s+on|update|prepare|write|monitor|watch|draft|roll\s+back|revert|"
    r"coordinate|follow\s+up\s+on|run|restart|contact|reach\s+out\s+to|review|verify|fix"
)
_ING_EN = (
    r"looking\s+into|looking\s+at|checking|investigating|working\s+on|digging\s+into|"
    r"monitoring|watching|handling|owning|taking|covering|updating|drafting|preparing"
)
_OBJ_EN = r"(?P<task>[^.!?\n;]+)"
SELF_EN = [
    re.compile(
        r"\b(?:i(?:'ll|’ll|\s+will)|i(?:'m|’m|\s+am)\s+going\s+to|let\s+me|i\s+can)\s+"
        rf"(?:go\s+ahead\s+and\s+)?(?:(?P<own>{_OWN_EN})|(?P<do>{_DO_EN}))\s+{_OBJ_EN}",
        _I,
    ),
    re.compile(rf"\bi(?:'m|’m|\s+am)\s+(?:(?P<own>on)|(?P<ing>{_ING_EN}))\s+{_OBJ_EN}", _I),
    re.compile(rf"\bi(?:'ve|’ve)?\s+got\s+(?P<own>){_OBJ_EN}", _I),
]
ING_TO_BASE = {
    "looking into": "look into",
    "looking at": "look at",
    "checking": "check",
    "investigating": "investigate",
    "working on": "work on",
    "digging into": "dig into",
    "monitoring": "monitor",
    "watching": "watch",
    "updating": "update",
    "drafting": "draft",
    "preparing": "prepare",
}
NOT_A_TASK = {
    "it", "this", "that", "them", "those", "these", "my way", "call", "the call", "a call",
    "leave", "vacation", "holiday", "pto", "mute", "now", "here", "there", "board", "standby",
    "the bridge", "bridge", "zoom", "slack", "site", "duty", "it now", "it too", "mobile",
    "the line", "my phone", "my laptop", "that too", "this one", "that one", "a look", "know",
}  # fmt: skip
# first words that make the rest a state, not a task: "I'm on call this week", "it from here"
VAGUE_START = {
    "it", "this", "that", "call", "leave", "vacation", "holiday", "pto", "mute", "standby",
    "duty", "site", "my", "board", "here", "there", "now",
}  # fmt: skip

# ---------------------------------------------------------------- purpose
PURPOSE = [
    re.compile(p, _I)
    for p in (
        r"[（(]\s*(?:目的|狙い)\s*[:：は]\s*(?P<p>[^）)]+)[）)]",
        r"(?:目的|狙い)\s*[:：]\s*(?P<p>[^。\n]+)",
        r"(?:目的|狙い)は\s*(?P<p>[^。\n]+?)\s*(?:です|となります|になります|だから|なので)?\s*(?:[。!！]|$)",
        r"[(\[]\s*(?:purpose|goal|aim|why|objective)\s*[:=]\s*(?P<p>[^)\]]+)[)\]]",
        r"\b(?:purpose|goal|aim|objective|why)\s*[:=]\s*(?P<p>.+?)\s*(?=\.\s|\n|$)",
        r"\b(?:the\s+)?(?:purpose|goal|aim|objective)\s+(?:is|being)\s+(?:to\s+)?"
        r"(?P<p>.+?)\s*(?=\.\s|\n|$)",
    )
]
# purposes only read as such next to a request ("@dave take comms so that support knows …")
PURPOSE_LOOSE = [
    re.compile(p, _I)
    for p in (
        r"\b(?:so\s+that|so\s+we\s+can|so\s+they\s+can|in\s+order\s+to)\s+(?P<p>.+?)\s*(?=\.\s|\n|$)",
        r"(?:^|[。\s])(?P<p>[^、。\s]{2,}?)のため(?:に)?[、,，]",
    )
]
NOT_A_PURPOSE = {"念", "そ", "こ", "あ", "その", "この", "念の"}
