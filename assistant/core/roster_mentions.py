"""Find who an @-token in chat text means.

The importer and the Discord adapter rewrite raw ``<@id>`` to ``@name``, and exports may
also carry ``@nickname``. A token is resolved against the message's own ``mentions`` first
(account name or display name, longest match first), then against known participants.
Bots and mass mentions are removed from the text, never resolved to a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.model import ChatMessage, IncidentState, User

MARK = "@@"  # what a resolved mention becomes in the text the cue parser reads

_RAW = re.compile(r"<@!?([^>\s&]+)>")
_MASS = re.compile(r"@(everyone|here)\b", re.I)


@dataclass(frozen=True)
class Resolved:
    """The message text with each person mention replaced by ``MARK``, and those people."""

    text: str
    users: list[User]


def _names(users: list[User]) -> list[tuple[str, User]]:
    pairs = [(n, u) for u in users for n in (u.name, u.display_name) if n]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "_.-")


def _match(rest: str, pairs: list[tuple[str, User]]) -> tuple[int, User] | None:
    low = rest.casefold()
    for name, user in pairs:
        key = name.casefold()
        if not low.startswith(key):
            continue
        after = rest[len(name) : len(name) + 1]
        if after and _ascii_word(after) and _ascii_word(name[-1]):
            continue  # "@bo" must not match inside "@bob"
        return len(name), user
    return None


def resolve(state: IncidentState, msg: ChatMessage) -> Resolved:
    """Replace every resolvable @-mention of a person in ``msg`` by ``MARK``."""
    if "@" not in msg.content:  # most lines mention nobody
        return Resolved(text=msg.content, users=[])
    by_id = {u.id: u for u in msg.mentions}
    by_id.update({uid: p.user for uid, p in state.participants.items() if uid not in by_id})
    mention_pairs = _names(list(msg.mentions))
    participant_pairs = _names([p.user for p in state.participants.values()])

    text = _MASS.sub(" ", msg.content)
    out: list[str] = []
    users: list[User] = []
    i = 0
    while i < len(text):
        raw = _RAW.match(text, i)
        if raw:
            user = by_id.get(raw.group(1))
            i = raw.end()
            if user is not None:
                out.append(_place(state, user, users))
            continue
        if text[i] == "@":
            found = _match(text[i + 1 :], mention_pairs) or _match(text[i + 1 :], participant_pairs)
            if found is not None:
                length, user = found
                out.append(_place(state, user, users))
                i += 1 + length
                continue
        out.append(text[i])
        i += 1
    return Resolved(text="".join(out), users=users)


def _place(state: IncidentState, user: User, users: list[User]) -> str:
    if state.is_bot(user):
        return " "
    if user not in users:
        users.append(user)
    return f" {MARK}{users.index(user)} "
