"""Reading chat text for cues: cleaning, sentence splitting, and the hedge/question tests.

Shared by fact extraction and phase inference. Chat is noisy: pasted logs, quotes, mentions
and links. Cues are only looked for in what a person wrote in their own words, so code
blocks and quoted lines are dropped before anything is matched.
"""

from __future__ import annotations

import re

from assistant.core.model import ChatMessage

_CODE_BLOCK = re.compile(r"```.*?(```|\Z)", re.S)
_QUOTE_LINE = re.compile(r"^\s*>.*$", re.M)
_RAW_MENTION = re.compile(r"<@[!&]?\d+>|<#\d+>")
_HONORIFIC = r"(?:\s?(?:さん|くん|様|氏))?[、,:：]?"
_AT_TOKEN = re.compile(r"(?<![\w.])@[\w.\-]+" + _HONORIFIC)
_URL = re.compile(r"https?://([^\s/>)]+)(/[^\s>)]*)?")
_MARKDOWN = re.compile(r"\*+|__|~~|\|\||(?<!\w)_(?=\w)|(?<=\w)_(?!\w)|`")
_EMPTY_PARENS = re.compile(r"[(（]\s*[)）]")
# emoji shortcodes (":slightly_smiling_face:", custom "<:name:123>") and chat-client marks
_EMOJI = re.compile(r"<a?:\w+:\d+>|(?<![\w:]):[a-z_][a-z0-9_+\-]*:(?![\w:])", re.I)
_CLIENT_MARK = re.compile(r"\((?:edited|編集済み?)\)", re.I)
_BULLET = re.compile(r"^\s*(?:[-*•・]|#{1,6}|\d+[.)])\s+", re.M)
_SPACES = re.compile(r"[ \t\u3000]+")
# Split after Japanese/English sentence ends, and after ". " (not inside v1.2.3).
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=[.;])\s+")

MAX_CLAUSE = 120

_QUESTION_EN = re.compile(
    r"^(is|are|was|were|do|does|did|has|have|had|should|shall|can|could|will|would|may"
    r"|any(one|body)?)\b",
    re.I,
)
_QUESTION_JA = re.compile(r"(か|かな|かね|っけ|でしょうか|だろうか|ですかね)[。\s]*$")
_HEDGE_EN = re.compile(
    r"\b(maybe|might|perhaps|possibly|probably|likely|i think|i guess|i suspect|suspect\w*"
    r"|not sure|unsure|could be|may be|seems?|looks like|hypothes\w+|theory|wonder\w*"
    r"|unconfirmed|unclear)\b",
    re.I,
)
_HEDGE_JA = re.compile(
    r"かも|可能性|っぽい|疑い|気がする|かな|おそらく|恐らく|たぶん|多分|らしい|ような|みたい"
    r"|推測|仮説|思われ|と思|怪しい|未確認|不明|模様|なさそう|ありそう|[りちきえみしでれけ]そう(?:です|だ|。|$)"
)
_PURPOSE = re.compile(r"目的|\b(?:goal|purpose)\s*[:：]|\bso that we can\b", re.I)


def states_a_purpose(sentence: str) -> bool:
    """ "目的は…", "goal: …": the why of a task (the roster's business), not a claim."""
    return bool(_PURPOSE.search(sentence))


def _trim_url(m: re.Match[str]) -> str:
    host, path = m.group(1), m.group(2) or ""
    short = host + path
    return short if len(short) <= 40 else short[:39] + "…"


def clean(msg: ChatMessage) -> str:
    """The message as a person wrote it: no code blocks, quotes, mentions, emoji codes,
    "(edited)" marks or markdown."""
    text = _CODE_BLOCK.sub(" ", msg.content)
    text = _QUOTE_LINE.sub(" ", text)
    text = _RAW_MENTION.sub(" ", text)
    names = sorted(
        {n for u in msg.mentions for n in (u.name, u.display_name) if n},
        key=len,
        reverse=True,
    )
    for name in names:
        text = re.sub(re.escape("@" + name) + _HONORIFIC, " ", text)
    text = _AT_TOKEN.sub(" ", text)
    text = _URL.sub(_trim_url, text)
    text = _EMOJI.sub(" ", text)
    text = _CLIENT_MARK.sub(" ", text)
    text = _BULLET.sub("", text)
    text = _MARKDOWN.sub("", text)
    return _EMPTY_PARENS.sub("", text)


def sentences(text: str) -> list[str]:
    """Sentences and lines, stripped, without empties."""
    out: list[str] = []
    for line in text.splitlines():
        for part in _SENTENCE_END.split(line):
            part = _SPACES.sub(" ", part).strip(" 　、,")
            if part:
                out.append(part)
    return out


def shorten(text: str, limit: int = MAX_CLAUSE) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def is_question(sentence: str) -> bool:
    s = sentence.strip()
    if s.endswith(("?", "？")):
        return True
    return bool(_QUESTION_EN.match(s) or _QUESTION_JA.search(s))


_ASKING_EN = re.compile(
    r"^(?:so |and |but |ok,? )?(?:what|why|how|who|when|where|which|is|are|was|were|do|does|did"
    r"|has|have|had|should|shall|can|could|will|would|any(?:one|body)?)\b",
    re.I,
)
_ASKING_JA = re.compile(
    r"ですか|ますか|でしょうか|だろうか|ますかね|ですかね|んですか|のか|ませんか"
    r"|何|なに|どこ|いつ|誰|どう|なぜ|どれ"
)


def is_asking(sentence: str) -> bool:
    """A real question ("are customers affected?", 「影響はありますか？」): asks, claims nothing.

    A statement with a question mark ("the DB is the cause?") is a guess, not a question.
    """
    if not is_question(sentence):
        return False
    return bool(_ASKING_EN.match(sentence.strip()) or _ASKING_JA.search(sentence))


def is_hedged(sentence: str) -> bool:
    """Does the writer mark the sentence as a guess ("maybe", "かも", a question mark)?"""
    return (
        "?" in sentence
        or "？" in sentence
        or bool(_HEDGE_EN.search(sentence) or _HEDGE_JA.search(sentence))
    )


_HYPOTHETICAL = re.compile(
    r"\b(?:if|whether|would|should|could|in case|unless|once we|before we|going to|gonna"
    r"|plan(?:ning)? to|want to|need to|shall we|can we|propose|suggest|consider(?:ing)?"
    r"|will|'ll|means?|requires?|involves?)\b"
    r"|もし|仮に|たら|れば|なら|場合|べき|ほうが|方が|検討|予定|つもり"
    r"|すると|ことになる|必要があ",
    re.I,
)
_NEGATED = re.compile(
    r"\b(?:not|never|isn't|aren't|wasn't|hasn't|haven't|didn't|doesn't|don't|yet to)\b"
    r"|まだ|(?:てい|て)ない|ていません|できていな|されていな"
    # "フラグもなし"; "エラーはありません" is good news (facts._pick_kind reads it first)
    r"|(?:も|は)(?:なし|無し|ありません)",
    re.I,
)


def is_hypothetical(sentence: str) -> bool:
    """A plan, condition or suggestion rather than something that happened."""
    return bool(_HYPOTHETICAL.search(sentence))


_REQUEST = re.compile(
    r"お願い|ください|下さい|てほしい|て欲しい|でほしい|てもらいたい|もらえ"
    r"|ていただけ(?:ます|ません|る|れば)"
    r"|\b(?:please|pls|can you|could you|would you|can (?:someone|somebody|anyone)"
    r"|(?:i|we) need (?:someone|somebody|you|one of you) to)\b",
    re.I,
)


def is_request(sentence: str) -> bool:
    """A request to someone ("please roll back", "確認をお願いします"): not done yet."""
    return bool(_REQUEST.search(sentence))


def is_negated(sentence: str) -> bool:
    return bool(_NEGATED.search(sentence))
