"""Plain words for stakeholders: take internal names out of a claim before it is shown.

Stakeholder updates never name people, hosts, pods, pull requests, commits, addresses or
links: they are noise to the reader and may be internal. A name is replaced by a neutral
word so the sentence still reads; a claim left with too little text is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.core.model import IncidentState, Lang, User

_URL = re.compile(r"(?:https?://)?(?:[\w-]+\.)+(?:com|net|org|io|dev|jp|co|cloud|app|internal"
                  r"|local|svc|cluster)(?:/\S*)?\b", re.I)  # fmt: skip
_HOST = re.compile(r"\b(?=[\w-]*[a-z])[\w-]+(?:\.[\w-]+){2,}\b", re.I)
_IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b")
_POD = re.compile(r"\b(?=[\w-]*\d)[a-z][a-z0-9]*(?:[-_][a-z0-9]+){2,}\b|\b\w+_\w+\b", re.I)
_PR_PAREN = re.compile(r"\s*[(（](?:PR|MR|pull request)\s*[#!]?\d+[)）]", re.I)
_PR = re.compile(r"\b(?:PR|MR|pull request|pull)\s*[#!]?\d+\b|(?<!\w)[#!]\d+\b", re.I)
_SHA = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,40}\b")
_MENTION = re.compile(r"@\S+")
_SPACES = re.compile(r"\s{2,}")
_MIN_CHARS = 6

_DETERMINER = re.compile(r"\b(?:the|a|an|our|this|that|their|its|your)\s+$", re.I)
NEUTRAL: dict[str, dict[Lang, str]] = {
    "person": {"ja": "担当者", "en": "a responder"},
    "system": {"ja": "社内システム", "en": "an internal system"},
    "change": {"ja": "変更", "en": "a change"},
}


def known_users(state: IncidentState) -> list[User]:
    users: dict[str, User] = {}
    for p in state.participants.values():
        users[p.user.id] = p.user
    for m in state.messages.values():
        users.setdefault(m.author.id, m.author)
        for u in m.mentions:
            users.setdefault(u.id, u)
    for a in state.assignments:
        users.setdefault(a.user.id, a.user)
    if state.commander is not None:
        users.setdefault(state.commander.id, state.commander)
    return list(users.values())


def _names(state: IncidentState) -> list[str]:
    names = {n for u in known_users(state) for n in (u.name, u.display_name) if n}
    return sorted(names, key=len, reverse=True)


def _neutral(text: str, kind: str, lang: Lang) -> Callable[[re.Match[str]], str]:
    """The neutral word; in English without its article after "the"/"our"…"""
    word = NEUTRAL[kind][lang]

    def replace(m: re.Match[str]) -> str:
        if lang == "en" and _DETERMINER.search(text[: m.start()]):
            return word.split(" ", 1)[1]
        return word

    return replace


def scrub(text: str, state: IncidentState, lang: Lang) -> str | None:
    """``text`` without internal names, or None when too little is left to be worth saying."""
    out = _MENTION.sub(NEUTRAL["person"][lang], text)
    for name in _names(state):
        if len(name) < 2:
            continue
        if name.isascii():
            pattern = re.compile(rf"(?<![\w@]){re.escape(name)}(?:さん|くん|氏)?(?!\w)", re.I)
        else:
            pattern = re.compile(rf"{re.escape(name)}(?:さん|くん|氏)?")
        out = pattern.sub(_neutral(out, "person", lang), out)
    out = _PR_PAREN.sub("", out)
    for regex, kind in (
        (_URL, "system"),
        (_IP, "system"),
        (_HOST, "system"),
        (_PR, "change"),
        (_SHA, "change"),
        (_POD, "system"),
    ):
        out = regex.sub(_neutral(out, kind, lang), out)
    out = _SPACES.sub(" ", out).strip(" ,、")
    return out if len(out) >= _MIN_CHARS else None
