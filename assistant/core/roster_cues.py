"""Read roster cues out of one chat message, in Japanese or English.

``parse`` returns what the message says about the roster, without deciding whether the
author may say it (``roster`` decides that): a command handover, a release, a report that a
task is done, a request to someone, a self-assignment, or a purpose for an earlier request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core import roster_phrases as ph
from assistant.core.model import User
from assistant.core.roster_mentions import MARK, Resolved


@dataclass(frozen=True)
class Handover:
    """Command passes to ``user``; ``None`` means the author claims it."""

    user: User | None


@dataclass(frozen=True)
class Release:
    """People may leave: those named, everyone without a task (``others``), or the author."""

    users: tuple[User, ...] = ()
    others: bool = False
    author: bool = False
    done: bool = False  # "…は完了で、戻って大丈夫です": their tasks finished, then released


@dataclass(frozen=True)
class Done:
    """The author (or, for the commander, a named task) reports a task finished."""

    text: str


@dataclass(frozen=True)
class Request:
    users: tuple[User, ...]
    task: str
    purpose: str | None


@dataclass(frozen=True)
class SelfAssign:
    task: str
    purpose: str | None


@dataclass(frozen=True)
class Purpose:
    """A purpose for an earlier request, for the people named (or the author's requests)."""

    text: str
    users: tuple[User, ...]


Cue = Handover | Release | Done | Request | SelfAssign | Purpose

_MARK_RE = re.compile(rf"{MARK}(\d+)")
# Asking someone to stop or to keep out is not giving them work: "@x please stop",
# "@x please don't touch prod", 「@x 触らないでください」「やめてください」.
_NOT_A_TASK = re.compile(
    r"\bstop(?=\s*(?:[,.!]|$|\bit\b|\bthat\b|\bthis\b))"
    r"|\b(?:don't|do not|dont)\s+(?:touch|change|deploy|restart|do)\b|\bhold off\b"
    r"|\bstay out\b|触らないで|(?:^|[、。\sは])やめて",
    re.I,
)
_SPACES = re.compile(r"\s+")
_CODE = re.compile(r"```.*?(?:```|$)|`[^`\n]*`", re.S)


def parse(resolved: Resolved, author: User) -> list[Cue]:
    """Every roster cue in the message, most decisive first."""
    text = _CODE.sub(" ", resolved.text)  # log lines and snippets say nothing about the roster
    others = tuple(u for u in resolved.users if u.id != author.id)
    handover = _handover(text, resolved.users)
    if handover is not None:
        return [handover]
    cues: list[Cue] = []
    if any(_any(ph.HANDOVER_SELF, s) for s in sentences(text) if not _asks(s)):
        cues.append(Handover(user=None))  # "opening an incident, I'm IC. @lars please …"
    done = any(_any(ph.DONE, s) and not _any(ph.DONE_GUARD, s) for s in sentences(text))
    release = _release(text, others)
    if release is not None:
        return [*cues, Release(release.users, release.others, release.author, done)]
    if done:
        cues.append(Done(text=strip_marks(text)))
    body, purpose = split_purpose(text)
    if others and _is_request(body) and not _NOT_A_TASK.search(body):
        task = clean_task(_request_sentence(body))
        if task:
            # "I'll take the rollback, @carol can you do comms?": both count
            before = _self_assign(body[: max(0, body.find(MARK))])
            if before is not None:
                cues.append(SelfAssign(task=before, purpose=None))
            cues.append(Request(users=others, task=task, purpose=purpose))
            return cues
    mine = _self_assign(body)
    if mine is not None:
        cues.append(SelfAssign(task=mine, purpose=purpose))
        return cues
    _, stated = split_purpose(text, loose=False)
    if stated is not None:
        cues.append(Purpose(text=stated, users=others))
    return cues


# ---------------------------------------------------------------- small readers
def _any(patterns: list[re.Pattern[str]], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def sentences(text: str) -> list[str]:
    """The text cut into sentences (。！？!? and line ends; ". " between English ones)."""
    parts = re.split(r"(?<=[。！？!?\n])|(?<=\.)\s+", text)
    return [part for part in parts if part.strip()]


def _asks(text: str) -> bool:
    return "?" in text or "？" in text


def _handover(text: str, users: list[User]) -> Handover | None:
    for pattern in ph.HANDOVER:
        m = pattern.search(text)
        if m:
            return Handover(user=users[int(m.group(1))])
    return None


def _release(text: str, others: tuple[User, ...]) -> Release | None:
    if _asks(text):
        return None
    if _any(ph.RELEASE_OTHERS, text) and _any(ph.RELEASE_OTHERS_VERB, text):
        return Release(users=others, others=True)
    if others and _any(ph.RELEASE_PERSON, text):
        return Release(users=others)
    if not others and _any(ph.RELEASE_SELF, text) and not re.search(r"たら|\bif\b", text):
        return Release(author=True)
    return None


def _is_request(body: str) -> bool:
    return bool(
        ph.REQUEST_EN.search(body) or ph.IMPERATIVE_EN.search(body) or ph.REQUEST_JA.search(body)
    )


def _request_sentence(body: str) -> str:
    """The sentence carrying the request: from the first mention, the first one that asks."""
    start = body.find(MARK)
    rest = body[start:] if start >= 0 else body
    sentences = [part for part in re.split(r"(?<=[。！!])|(?<=[.?])\s", rest) if part.strip()]
    for sentence in sentences:
        if _is_request(sentence):
            return sentence
    return rest


def split_purpose(text: str, loose: bool = True) -> tuple[str, str | None]:
    """The text without its purpose clause, and the purpose (if the text states one).

    ``loose`` also reads "so that …" and 「…のため、」, which only mean a purpose next to a
    request.
    """
    for pattern in ph.PURPOSE + (ph.PURPOSE_LOOSE if loose else []):
        m = pattern.search(text)
        if not m:
            continue
        purpose = _tidy(m.group("p"))
        if not purpose or purpose in ph.NOT_A_PURPOSE:
            continue
        body = text[: m.start()] + " " + text[m.end() :]
        if m.group(0)[:1] in "。 \t\n":  # the ja "…のため、" form keeps its leading separator
            body = text[: m.start() + 1] + text[m.end() :]
        return body, purpose
    return text, None


def strip_marks(text: str) -> str:
    return _SPACES.sub(" ", _MARK_RE.sub(" ", text)).strip()


def _tidy(text: str) -> str:
    text = strip_marks(text)
    text = re.sub(r"(?:です|でした|ですね|ですので)\s*$", "", text.strip(" 　。.!！"))
    text = re.sub(r"(?<=.{2})(?:のため|ため|こと)$", "", text.strip())  # 把握するため -> 把握する
    return text.strip(" 　、。,.!！:：;（）()「」\"'")


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


def clean_task(body: str) -> str:
    """A short task name from a request or self-assignment, without the politeness."""
    text = strip_marks(body)
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
    return not text or text in ph.NOT_A_TASK or first in ph.VAGUE_START


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


def _self_assign(body: str) -> str | None:
    text = strip_marks(body)
    for pattern in ph.SELF_JA:
        m = pattern.search(text)
        if m:
            task = _clean_ja(m.group("task"))
            task = re.sub(r"\s*(?:のほう|の方|側)$", "", task).strip()
            if task and task not in ("それ", "これ", "あれ", "そこ", "ここ"):
                return task + ph.VERB_SUFFIX_JA.get(m.group("verb"), "")
    if "?" in text:
        return None
    for pattern in ph.SELF_EN:
        m = pattern.search(text)
        if not m:
            continue
        obj = _EN_TAIL.sub("", m.group("task").strip(" ,")).strip(" ,")
        if _vague(obj):
            continue
        groups = m.groupdict()
        verb = groups.get("do") or ph.ING_TO_BASE.get((groups.get("ing") or "").lower(), "")
        verb = re.sub(r"^(?:take|have)\s+a\s+look\s+at$", "look at", verb or "", flags=re.I)
        return f"{verb} {obj}" if verb else _ARTICLE.sub("", obj)
    return None
