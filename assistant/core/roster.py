"""The declarative roster: who is here, who does what and why, who may leave.

The engine calls these functions; each returns the actions the change produces (an
``assignment`` or ``release`` record for every roster change, a prompt when a request has no
purpose). Rules that need a decision, and the decision taken:

- The commander is ``state.commander`` (``/incident declare``, ``/commander``, or a handover
  in chat). Until one is known, the author of the incident's first human message is treated
  as the commander: they are the one who declared it.
- A chat handover counts when the current commander (known or assumed) says it, or, while no
  commander was ever named, when anyone names one or claims the role.
- A request to a named person counts as an assignment whoever makes it (the requester is
  recorded in ``assigned_by``); a request without a purpose gets a prompt to the requester.
  Self-assignments are not prompted: they are not requests.
- Releasing someone else in chat is the commander's call; anyone may release themselves.
- A task given to someone else who holds the same task moves (the old one becomes
  ``reassigned`` and lends its purpose when the new request has none).
- A released person who gets a new task is no longer released.
- "Done" closes the author's task (the one the message names, else their newest); the
  commander's 「ロールバック完了」 closes the one open task it names. A ✅ from the assignee on
  the request (or self-assignment) message closes that task. Someone done but not released
  is unassigned again, their clock starting at completion.
- When command changes hands, the previous commander's unassigned clock starts at the
  handover (``joined_at`` moves there: the model has no field for "stepped down at").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Literal

from assistant.core import lang as langs
from assistant.core import roster_flags, roster_view
from assistant.core.actions import Action, Notice, RecordAssignment, RecordRelease
from assistant.core.events import ReactionAdded
from assistant.core.model import (
    Answer,
    Assignment,
    ChatMessage,
    IncidentState,
    Lang,
    Participant,
    User,
)
from assistant.core.reading import Reading
from assistant.core.texts import register, t

register(
    "roster_purpose_prompt",
    ja="{name}さんへの「{task}」は何のための作業ですか？「目的は…」と一言返してください。",
    en='What is "{task}" for {name} meant to achieve? Reply with "purpose: …" so the roster '
    "says why.",
)
register(
    "roster_commander",
    ja="指揮官が{name}さんに交代しました。",
    en="{name} is now the incident commander.",
)
register("roster_need_task", ja="タスクを指定してください。", en="Please name the task.")

CHECK_EMOJI = frozenset(
    {"white_check_mark", "heavy_check_mark", "ballot_box_with_check", "✅", "✔", "☑", "check"}
)


# ---------------------------------------------------------------- who is who
def commander_of(state: IncidentState) -> User | None:
    """The commander, or else the author of the first human message (who declared it)."""
    if state.commander is not None:
        return state.commander
    for msg in state.messages.values():
        if not state.is_bot(msg.author):
            return msg.author
    return None


def is_commander(state: IncidentState, user: User) -> bool:
    boss = commander_of(state)
    return boss is not None and boss.id == user.id


def _participant(state: IncidentState, user: User, at: datetime) -> Participant:
    """The participant for ``user``, added on first sight; re-joins after leaving."""
    p = state.participants.get(user.id)
    if p is None:
        p = Participant(user=user, joined_at=at, last_active_at=at)
        state.participants[user.id] = p
    elif p.left_at is not None and at >= p.left_at:
        p.left_at = None
        p.joined_at = at  # back in the incident: the unassigned clock starts again
    return p


# ---------------------------------------------------------------- presence
def touch(state: IncidentState, user: User, at: datetime) -> list[Action]:
    """Record activity by ``user``; adds them as a participant on first sight."""
    if state.is_bot(user):
        return []
    p = _participant(state, user, at)
    if at > p.last_active_at:
        p.idle_flags = 0  # they spoke: the idle back-off starts over
    p.last_active_at = max(p.last_active_at, at)
    return []


def reported(state: IncidentState, user: User, at: datetime) -> None:
    """``user`` posted a status or handed out work: their unassigned clock starts again."""
    p = state.participants.get(user.id)
    if p is not None and not state.is_bot(user):
        p.reported_at = at if p.reported_at is None else max(p.reported_at, at)


def on_join(state: IncidentState, user: User, at: datetime, added_by: User | None) -> list[Action]:

    if not state.is_bot(user):
        _participant(state, user, at)
    return []


def on_leave(state: IncidentState, user: User, at: datetime) -> list[Action]:
    p = state.participants.get(user.id)
    if p is not None:
        p.left_at = at
    return []


def on_reaction(state: IncidentState, event: ReactionAdded) -> list[Action]:
    """Activity; a check mark from an assignee on the request message completes that task."""
    touch(state, event.user, event.at)
    if event.emoji.strip(":").replace("\ufe0f", "") not in CHECK_EMOJI:
        return []
    actions: list[Action] = []
    for a in state.open_assignments(event.user.id):
        if event.message_id in a.source_ids:
            actions += _close(state, a, "done", event.at)
    return actions


# ---------------------------------------------------------------- chat cues
def _already_applied(state: IncidentState, msg: ChatMessage) -> bool:
    """Whether ``msg`` already produced an assignment. Assignments are appended in time
    order and cite their message, so only those since the message's time need a look."""
    for a in reversed(state.assignments):
        if msg.id in a.source_ids:
            return True
        if a.since < msg.at:
            return False
    return False


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
    users: tuple[User, ...] = ()  # others whose task the message says is done
    author: bool = True  # the author's own task is done


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


def person(state: IncidentState, msg: ChatMessage, name: str) -> User | None:
    """The participant (or mentioned user) a Reading's name stands for."""
    if name == msg.author.name:
        return msg.author
    key = name.casefold()
    for user in (*msg.mentions, *(p.user for p in state.participants.values())):
        if user.name.casefold() == key or (user.display_name or "").casefold() == key:
            return None if state.is_bot(user) else user
    return None


def cues(state: IncidentState, msg: ChatMessage, reading: Reading) -> list[Cue]:
    """The roster changes a Reading asks for, most decisive first."""
    out: list[Cue] = []
    author = msg.author
    if reading.commander is not None:
        target = person(state, msg, reading.commander.name)
        if target is not None:
            out.append(Handover(user=None if target.id == author.id else target))
    done_names = set(reading.done)
    released = tuple(
        u for n in reading.release if (u := person(state, msg, n)) is not None and u.id != author.id
    )
    if released or reading.release_unassigned or reading.release_self:
        finished = bool(released) and (
            reading.reports_done or all(u.name in done_names for u in released)
        )
        out.append(
            Release(
                users=released,
                others=reading.release_unassigned,
                author=reading.release_self and not released and not reading.release_unassigned,
                done=finished,
            )
        )
    others_done = tuple(
        u for n in reading.done if (u := person(state, msg, n)) is not None and u.id != author.id
    )
    commander_says_done = reading.reports_done and is_commander(state, author)
    if author.name in done_names or others_done or commander_says_done:
        out.append(Done(text=msg.content, users=others_done, author=True))

    requests: dict[tuple[str, str | None], list[User]] = {}
    for a in reading.assignments:
        user = person(state, msg, a.assignee)
        if user is None:
            continue
        if user.id == author.id:
            out.append(SelfAssign(task=a.task, purpose=a.purpose))
        else:
            requests.setdefault((a.task, a.purpose), []).append(user)
    for (task, purpose), users in requests.items():
        out.append(Request(users=tuple(users), task=task, purpose=purpose))
    if reading.purpose and not reading.assignments:
        named = tuple(u for u in msg.mentions if not state.is_bot(u) and u.id != author.id)
        out.append(Purpose(text=reading.purpose, users=named))
    return out


def on_message(state: IncidentState, msg: ChatMessage, reading: Reading) -> list[Action]:
    """Apply what the message's Reading says about the roster. Safe to call twice, and on
    messages to the bot."""
    if state.is_bot(msg.author) or _already_applied(state, msg):
        return []
    found = cues(state, msg, reading)
    if not found:
        return []
    lang = langs.detect_one(msg.content)
    actions: list[Action] = []
    for cue in found:
        match cue:
            case Handover():
                actions += _handover(state, msg, cue, lang)
            case Release():
                actions += _release_cue(state, msg, cue)
            case Done():
                actions += _done(state, msg, cue)
            case Request():
                actions += _request(state, msg, cue, lang)
            case SelfAssign():
                task = cue.task or _fallback_task(msg.content)
                actions += _open(state, msg.author, task, cue.purpose, msg.at, None, [msg.id])
            case Purpose():
                actions += _purpose(state, msg, cue)
    return actions


def _fallback_task(content: str) -> str:
    return roster_view.shorten(" ".join(content.split()), 60)


def _handover(state: IncidentState, msg: ChatMessage, cue: Handover, lang: Lang) -> list[Action]:
    target = cue.user or msg.author
    allowed = state.commander is None or is_commander(state, msg.author)
    if cue.user is None and state.commander is not None:
        allowed = False  # claiming a role someone holds needs a handover from them
    if not allowed or state.is_bot(target):
        return []
    return set_commander(state, target, msg.at, [msg.id], lang=lang)


def _release_cue(state: IncidentState, msg: ChatMessage, cue: Release) -> list[Action]:
    at, sources = msg.at, [msg.id]
    if cue.author:
        people = [] if is_commander(state, msg.author) else [msg.author]
    elif is_commander(state, msg.author):
        people = list(cue.users)
        if cue.others:
            boss = commander_of(state)
            people += [
                p.user for p in roster_flags.unassigned_now(state, boss) if p.user not in people
            ]
    else:
        people = []
    actions: list[Action] = []
    for user in people:
        if state.is_bot(user) or is_commander(state, user):
            continue
        if cue.done:
            for a in state.open_assignments(user.id):
                a.source_ids.append(msg.id)
                actions += _close(state, a, "done", at)
        actions += release(state, user, at, sources)
    return actions


def _done(state: IncidentState, msg: ChatMessage, cue: Done) -> list[Action]:
    actions: list[Action] = []
    for user in cue.users:  # "jonas is done with the webhooks"
        theirs = state.open_assignments(user.id)
        named = [a for a in theirs if _names_task(a.task, cue.text)] or theirs[-1:]
        for a in named:
            a.source_ids.append(msg.id)
            actions += _close(state, a, "done", msg.at)
    if not cue.author:
        return actions
    mine = state.open_assignments(msg.author.id)
    named = [a for a in mine if _names_task(a.task, cue.text)]
    if named:
        chosen = named
    elif mine:
        chosen = [mine[-1]]
    elif is_commander(state, msg.author):
        others = [a for a in state.open_assignments() if _reports_done(a.task, cue.text)]
        chosen = others if len(others) == 1 else []
    else:
        chosen = []
    for a in chosen:
        a.source_ids.append(msg.id)
        actions += _close(state, a, "done", msg.at)
    return actions


def _request(state: IncidentState, msg: ChatMessage, cue: Request, lang: Lang) -> list[Action]:
    actions: list[Action] = []
    opened: list[Assignment] = []
    for user in cue.users:
        if state.is_bot(user) or user.id == msg.author.id:
            continue
        actions += _open(state, user, cue.task, cue.purpose, msg.at, msg.author, [msg.id])
        opened += [a for a in state.open_assignments(user.id) if msg.id in a.source_ids]
    if opened and all(a.purpose is None for a in opened):
        names = (
            "、".join(a.user.label for a in opened)
            if lang == "ja"
            else ", ".join(a.user.label for a in opened)
        )
        actions.append(_prompt(state, msg.author, names, cue.task, msg.at, lang, msg.id, False))
    return actions


def _purpose(state: IncidentState, msg: ChatMessage, cue: Purpose) -> list[Action]:
    author = msg.author
    named = {u.id for u in cue.users}
    pending = [a for a in state.open_assignments() if a.purpose is None]
    if named:
        mine = [
            a
            for a in pending
            if a.user.id in named and (a.assigned_by == author.id or is_commander(state, author))
        ]
    else:
        mine = [a for a in pending if a.user.id == author.id or a.assigned_by == author.id]
    if not mine:
        return []
    latest = max(mine, key=lambda a: a.since)
    batch = [a for a in mine if a.source_ids[:1] == latest.source_ids[:1]]
    actions: list[Action] = []
    for a in batch:
        a.purpose = cue.text
        a.source_ids.append(msg.id)
        actions.append(_record(state, a, msg.at))
    return actions


# ---------------------------------------------------------------- slash commands
def assign(
    state: IncidentState,
    user: User,
    task: str,
    purpose: str | None,
    at: datetime,
    *,
    by: User | None,
    source_ids: list[str],
    lang: Lang | None = None,
) -> list[Action]:
    """``/assign``: give ``user`` a task (moving it from whoever held it)."""
    task = task.strip()
    if state.is_bot(user):
        return []
    if not task:
        return [_notice(state, "refusal", t(lang or state.lang, "roster_need_task"), at, by, True)]
    actions = _open(state, user, task, (purpose or "").strip() or None, at, by, source_ids)
    opened = [a for a in state.open_assignments(user.id) if _same_task(a.task, task)]
    if by is not None and by.id != user.id and opened and opened[-1].purpose is None:
        actions.append(_prompt(state, by, user.label, task, at, lang or state.lang, None, True))
    return actions


def release(state: IncidentState, user: User, at: datetime, source_ids: list[str]) -> list[Action]:
    """Tell the roster ``user`` may leave: open tasks close as ``released``."""
    if state.is_bot(user):
        return []
    p = _participant(state, user, at)
    open_tasks = state.open_assignments(user.id)
    if p.released_at is not None and not open_tasks:
        return []
    p.released_at = at
    actions: list[Action] = []
    for a in open_tasks:
        actions += _close(state, a, "released", at)
    actions.append(
        RecordRelease(at=at, incident_id=state.id, user=user, source_ids=list(source_ids))
    )
    return actions


def set_commander(
    state: IncidentState,
    user: User,
    at: datetime,
    source_ids: list[str],
    lang: Lang | None = None,
) -> list[Action]:
    """Hand command to ``user``. The previous commander's unassigned clock starts now."""
    if state.is_bot(user):
        return []
    previous = commander_of(state)
    state.commander = user
    p = _participant(state, user, at)
    p.released_at = None
    if previous is None or previous.id == user.id:
        return []
    old = state.participants.get(previous.id)
    if old is not None:
        old.joined_at = max(old.joined_at, at)
    text = t(lang or state.lang, "roster_commander", name=user.label)
    return [_notice(state, "commander_changed", text, at, None, False)]


# ---------------------------------------------------------------- time and view
def on_tick(state: IncidentState, at: datetime) -> list[Action]:
    return roster_flags.on_tick(state, at, commander_of(state))


def next_due(state: IncidentState) -> datetime | None:
    """The exact moment the next roster flag would fire, if nothing else happens."""
    return roster_flags.next_due(state, commander_of(state))


def roster_answer(
    state: IncidentState, in_reply_to: str, at: datetime, lang: Lang | None = None
) -> Answer:
    """The roster table, in the question's language when the incident language is auto."""
    if lang is None:
        asked = state.messages.get(in_reply_to)
        auto = state.config.lang == "auto" and asked is not None and asked.content.strip()
        lang = langs.detect_one(asked.content) if auto and asked else state.lang
    text = roster_view.render(state, at, lang, commander_of(state))
    return Answer(at=at, in_reply_to=in_reply_to, intent="roster", text=text)


# ---------------------------------------------------------------- changes
def _open(
    state: IncidentState,
    user: User,
    task: str,
    purpose: str | None,
    at: datetime,
    by: User | None,
    source_ids: list[str],
) -> list[Action]:
    p = _participant(state, user, at)
    p.released_at = None
    same = [a for a in state.open_assignments(user.id) if _same_task(a.task, task)]
    if same:
        a = same[-1]
        if purpose is None or purpose == a.purpose:
            return []
        a.purpose = purpose
        a.source_ids.extend(s for s in source_ids if s not in a.source_ids)
        return [_record(state, a, at)]
    actions: list[Action] = []
    for old in state.open_assignments():
        if _same_task(old.task, task) and not set(old.source_ids) & set(source_ids):
            purpose = purpose or old.purpose
            actions += _close(state, old, "reassigned", at)
    a = Assignment(
        id=state.next_id("a"),
        user=user,
        task=task,
        purpose=purpose,
        assigned_by=by.id if by is not None and by.id != user.id else None,
        since=at,
        source_ids=list(source_ids),
    )
    state.assignments.append(a)
    actions.append(_record(state, a, at))
    return actions


def _close(
    state: IncidentState,
    a: Assignment,
    status: Literal["done", "reassigned", "released"],
    at: datetime,
) -> list[Action]:
    a.status = status
    a.closed_at = at
    return [_record(state, a, at)]


def _record(state: IncidentState, a: Assignment, at: datetime) -> RecordAssignment:
    """A record of the assignment as it is now (a copy: later changes make new records)."""
    # a snapshot: the roster keeps changing the assignment (status, purpose, sources)
    snapshot = a.model_copy(update={"source_ids": list(a.source_ids)})
    return RecordAssignment(at=at, incident_id=state.id, assignment=snapshot)


def _prompt(
    state: IncidentState,
    to: User,
    names: str,
    task: str,
    at: datetime,
    lang: Lang,
    in_reply_to: str | None,
    ephemeral: bool,
) -> Notice:
    text = t(lang, "roster_purpose_prompt", name=names, task=roster_view.shorten(task, 40))
    return Notice(
        at=at,
        incident_id=state.id,
        kind="purpose_prompt",
        text=text,
        to=to,
        in_reply_to=in_reply_to,
        ephemeral=ephemeral,
    )


def _notice(
    state: IncidentState,
    kind: Literal["refusal", "commander_changed"],
    text: str,
    at: datetime,
    to: User | None,
    ephemeral: bool,
) -> Notice:
    return Notice(
        at=at,
        incident_id=state.id,
        kind=kind,
        text=text,
        to=to,
        ephemeral=ephemeral,
    )


# ---------------------------------------------------------------- task names
_WORD = re.compile(r"[a-z0-9]{3,}|[゠-ヿ一-鿿ａ-ｚＡ-Ｚ]{2,}", re.I)
_FILLER = frozenset(
    {"the", "and", "for", "into", "check", "look", "investigate", "update", "with", "from",
     "side", "own", "take", "handle", "done", "complete", "completed", "finished", "完了",
     "確認", "調査", "対応"}
)  # fmt: skip


_ARTICLE = re.compile(r"^(?:the|a|an)\s+")
_NON_WORD = re.compile(r"[\W_]+")
_JA_VERB_TAIL = re.compile(r"(?:する|します|の対応)$")


@lru_cache(maxsize=8192)
def _key(task: str) -> str:
    """A task's identity for comparison: no article, punctuation or verb ending."""
    text = _ARTICLE.sub("", task.casefold().strip())
    return _JA_VERB_TAIL.sub("", _NON_WORD.sub("", text))


def _same_task(a: str, b: str) -> bool:
    return _key(a) == _key(b) and _key(a) != ""


def _names_task(task: str, text: str) -> bool:
    """Whether ``text`` mentions ``task`` by one of its meaningful words."""
    hay = text.casefold()
    words = {w.casefold() for w in _WORD.findall(task)} - _FILLER
    return any(w in hay for w in words)


def _reports_done(task: str, text: str) -> bool:
    """Whether ``text`` says this task is finished: "rollback complete", 「DB調査は完了」."""
    for word in {w for w in _WORD.findall(task)} - _FILLER:
        near = rf"{re.escape(word)}\W{{0,3}}(?:は|が|is|has|'s|’s)?\s*(?:been\s+)?"
        done = r"(?:done|complete|completed|finished|完了|終わ|終了|済)"
        if re.search(near + done, text, re.I):
            return True
    return False
