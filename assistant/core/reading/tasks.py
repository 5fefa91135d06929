"""Naming tasks and purposes from the words of a request (ja/en).

A task on the roster is a few words: "check the db side", 「DB 側の確認」, not the request's
politeness ("could you please …", 「…してもらえますか」). A purpose is the "why" a request gives
("目的は…", "purpose: …").
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")
_I = re.I

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

# ---------------------------------------------------------------- task wording
_EN_LEAD = re.compile(
    r"^(?:(?:hey|hi|ok|okay|thanks|and|&|so|then|also|please|pls|plz|kindly|can\s+you|"
    r"could\s+you|would\s+you(?:\s+mind)?|will\s+you|can\s+u|mind|go\s+ahead\s+and|you(?:'re|’re|"
    r"\s+are)\s+on|you|to)\b[\s,:-]*)+",
    re.I,
)
_EN_OWN = re.compile(
    r"^(?:take\s+care\s+of|take\s+over|take\s+ownership\s+of|pick\s+up|be\s+on|own|take|handle|"
    r"drive|lead|grab|cover|do)\b\s*",
    re.I,
)
_EN_TAIL = re.compile(
    r"(?:[\s,]+(?:please|pls|thanks|thank\s+you|for\s+me|for\s+us|now|asap|right\s+away))+\s*$",
    re.I,
)
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
_JA_HON = re.compile(r"^(?:さん|くん|君|様|氏|ちゃん)")
_JA_LEAD = re.compile(
    r"^(?:すみません|すいません|恐れ入りますが|お手数ですが|では|じゃあ|引き続き)[、,\s]*"
)
_JA_NOUN_TAIL = re.compile(
    r"\s*(?:を|は)?\s*(?:お願い(?:します|できますか|できますでしょうか|いたします|したいです|)?|"
    r"頼みます|頼む|頼めますか|任せます|担当でお願いします|担当で)\s*$"
)
_JA_OWN_TAIL = re.compile(
    r"\s*(?:を|は)?\s*担当(?:して(?:ください|下さい|もらえ(?:ます|ません)か|くれ(?:ます|ません)か|"
    r"ほしい(?:です)?)|で(?:お願いします)?|をお願いします)\s*$"
)
_JA_VERB_TAIL = re.compile(
    r"(?:ください|下さい|くれ(?:ます|ません)か|もらえ(?:ます|ません)か|もらって(?:も)?(?:いい|良い)"
    r"です?か|ほしいです|欲しいです|ほしい|欲しい|いただけ(?:ます|ません)か)\s*$"
)
_E_ROW = set("えけげせぜてでねへべぺめれ")


def clean_task(body: str, lang: str = "en") -> str:
    """A short task name from a request or self-assignment, without the politeness."""
    text = _SPACES.sub(" ", body).strip()
    text = text.strip(" 　、。,.!！?？:：;")
    if re.search(r"[぀-ヿ一-鿿]", text):
        return _clean_ja(text)
    return _clean_en(text)


def _clean_en(text: str) -> str:
    text = _EN_LEAD.sub("", text)
    text = _EN_TAIL.sub("", text)
    text = _EN_OWN.sub("", text)
    text = _ARTICLE.sub("", text)
    text = text.strip(" ,.!?:;-")
    return "" if _vague(text) else text


def _vague(obj: str) -> bool:
    """ "it", "call this week", "it from here": no task to put on the roster."""
    text = _ARTICLE.sub("", obj.strip()).casefold()
    first = text.split(" ", 1)[0] if text else ""
    return not text or text in NOT_A_TASK or first in VAGUE_START


def _clean_ja(text: str) -> str:
    text = text.strip()
    text = _JA_HON.sub("", text).lstrip(" 　、,")
    text = _JA_LEAD.sub("", text)
    text = re.sub(r"^よろしく(?:お願いします)?[、。]?", "", text)
    text = text.split("。")[0].strip(" 　、,")
    if _JA_OWN_TAIL.search(text):
        text = _JA_OWN_TAIL.sub("", text)
    elif _JA_NOUN_TAIL.search(text):
        text = _JA_NOUN_TAIL.sub("", text)
    elif _JA_VERB_TAIL.search(text):
        text = _te_to_plain(_JA_VERB_TAIL.sub("", text).rstrip())
    return text.strip(" 　、。,")


def _te_to_plain(text: str) -> str:
    """調べて -> 調べる, 確認して -> 確認する, 洗い出して -> 洗い出す; others stay te-forms."""
    if text.endswith("して"):
        noun = re.search(r"[゠-ヿ一-鿿]{2,}$", text[:-2])  # 確認して, ロールバックして
        return text[:-2] + ("する" if noun else "す")
    if text.endswith(("ていて", "でいて")):
        return text[:-1] + "る"  # 見ていて -> 見ている
    if text.endswith("て") and len(text) >= 2 and (text[-2] in _E_ROW or text[-2] in "見み"):
        return text[:-1] + "る"
    return text


PURPOSE = [
    re.compile(p, re.I)
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


def stated_purpose(text: str) -> str | None:
    """The purpose a message states on its own ("目的は影響範囲の把握です", "purpose: …")."""
    return split_purpose(text, loose=False)[1]


NOT_A_PURPOSE = {"念", "そ", "こ", "あ", "その", "この", "念の"}


def strip_tail(text: str) -> str:
    """The object of "I'll look into …" without trailing politeness ("… for me, thanks")."""
    return _EN_TAIL.sub("", _SPACES.sub(" ", text).strip(" ,")).strip(" ,.")


PURPOSE_LOOSE = [
    re.compile(p, re.I)
    for p in (
        r"\b(?:so\s+that|so\s+we\s+can|so\s+they\s+can|in\s+order\s+to)\s+(?P<p>.+?)\s*(?=\.\s|\n|$)",
        r"(?:^|[。\s])(?P<p>[^、。\s]{2,}?)のため(?:に)?[、,，]",
    )
]


def _tidy(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    text = re.sub(r"(?:です|でした|ですね|ですので)\s*$", "", text.strip(" 　。.!！"))
    text = re.sub(r"(?<=.{2})(?:のため|ため|こと)$", "", text.strip())  # 把握するため -> 把握する
    return text.strip(" 　、。,.!！:：;（）()「」\"'")


def split_purpose(text: str, loose: bool = True) -> tuple[str, str | None]:
    """The text without its purpose clause, and the purpose (if the text states one).

    ``loose`` also reads "so that …" and 「…のため、」, which only mean a purpose next to a
    request.
    """
    for pattern in PURPOSE + (PURPOSE_LOOSE if loose else []):
        m = pattern.search(text)
        if not m:
            continue
        purpose = _tidy(m.group("p"))
        if not purpose or purpose in NOT_A_PURPOSE:
            continue
        body = text[: m.start()] + " " + text[m.end() :]
        if m.group(0)[:1] in "。 \t\n":  # the ja "…のため、" form keeps its leading separator
            body = text[: m.start() + 1] + text[m.end() :]
        return body, purpose
    return text, None
