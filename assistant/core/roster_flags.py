"""When to tell the commander about people without work, and when to ask an assignee.

- Unassigned: a participant with no open task for ``unassigned_minutes`` since they joined
  (or since their last task closed, or since they handed over command). One flag to the
  commander lists everyone who reached that point since the last such flag (and, in its
  text only, those reported before who still have no task); nobody in it is pinged.
- Idle: an assignee silent for ``idle_minutes`` since their last message or reaction, their
  newest task, their (re)joining, or their last idle flag. The flag pings them and names
  their tasks.

Never flagged: the commander, bots, released people, people who left; nobody at all once
the incident is resolved. A state is flagged once: ``Participant.unassigned_flagged_at`` and
``idle_flagged_at`` remember it, and a flag is due again only after the state changes.
A threshold is reached at exactly ``since + minutes``; ``next_due`` returns that moment, so a
replay that ticks at ``next_due`` fires flags when they would fire live.
"""

from __future__ import annotations

from datetime import datetime

from assistant.core.actions import Action, Flag
from assistant.core.model import Assignment, IncidentState, Participant, User
from assistant.core.roster_view import shorten
from assistant.core.texts import register, t

register(
    "roster_unassigned",
    ja="担当のない参加者が{count}名います（{minutes}分以上）: {names}。"
    "参加している間は通常業務が止まるので、不要なら抜けてもらいましょう"
    "（「@名前 戻って大丈夫です」または /release）。",
    en="{count} participant(s) have had no task for {minutes}+ min: {names}. Their normal work "
    'stops while they stay — consider releasing them ("@name you can drop off" or /release).',
)
register(
    "roster_unassigned_still",
    ja="（前回お知らせした担当なし: {names}）",
    en=" (Still without a task since the last notice: {names}.)",
)
register(
    "roster_idle",
    ja="{name}さん、{tasks}の状況を一言もらえますか？（{minutes}分間発言がありません）",
    en="{name}, a one-line status on {tasks}, please? (no word for {minutes} min)",
)


def watched(state: IncidentState, p: Participant, commander: User | None) -> bool:
    """Whether the flag rules apply to ``p`` at all."""
    return not (
        state.is_bot(p.user)
        or p.released_at is not None
        or p.left_at is not None
        or (commander is not None and commander.id == p.user.id)
    )


def unassigned_since(
    state: IncidentState, p: Participant, open_tasks: list[Assignment] | None = None
) -> datetime | None:
    """Since when ``p`` has had no open task (``None`` while they hold one)."""
    if state.open_assignments(p.user.id) if open_tasks is None else open_tasks:
        return None
    closed = state.last_closed_at(p.user.id)
    marks = [m for m in (p.joined_at, closed, p.reported_at) if m is not None]
    return max(marks)


def idle_since(
    state: IncidentState, p: Participant, open_tasks: list[Assignment] | None = None
) -> datetime | None:
    """Since when an assignee has been silent, counting their newest task and last flag."""
    if open_tasks is None:
        open_tasks = state.open_assignments(p.user.id)
    if not open_tasks:
        return None
    marks = [p.last_active_at, p.joined_at, max(a.since for a in open_tasks)]
    if p.idle_flagged_at is not None:
        marks.append(p.idle_flagged_at)
    return max(marks)


def _unassigned_due(
    state: IncidentState, p: Participant, open_tasks: list[Assignment] | None = None
) -> datetime | None:
    since = unassigned_since(state, p, open_tasks)
    if since is None:
        return None
    if p.unassigned_flagged_at is not None and p.unassigned_flagged_at >= since:
        return None  # this stretch without work was already reported
    return since + state.minutes(state.config.unassigned_minutes)


def _idle_due(
    state: IncidentState, p: Participant, open_tasks: list[Assignment] | None = None
) -> datetime | None:
    since = idle_since(state, p, open_tasks)
    if since is None:
        return None
    # Asked once and still silent: ask again after K, 2K, 4K... minutes (capped at 8K), so a
    # long quiet task does not draw a reminder every K minutes all night.
    backoff = 2 ** min(p.idle_flags, 3)
    return since + state.minutes(state.config.idle_minutes * backoff)


def unassigned_now(
    state: IncidentState, commander: User | None = None, at: datetime | None = None
) -> list[Participant]:
    """Watched participants without an open task (for at least M minutes when ``at`` is given)."""
    out = []
    limit = state.minutes(state.config.unassigned_minutes)
    for p in state.participants.values():
        since = unassigned_since(state, p)
        if since is None or not watched(state, p, commander):
            continue
        if at is None or since + limit <= at:
            out.append(p)
    return out


def _unassigned_gate(state: IncidentState) -> datetime | None:
    """Earliest moment the next unassigned list may go out.

    People who join a few minutes apart pass their thresholds a few minutes apart; one
    message per person would flood the commander. After a list goes out, the next waits a
    fifth of the threshold (at least a minute; 2 minutes by default), so stragglers arrive
    together in one message while nobody waits long past their threshold.
    """
    flagged = [p.unassigned_flagged_at for p in state.participants.values()]
    last = max((f for f in flagged if f is not None), default=None)
    if last is None:
        return None
    return last + state.minutes(max(1.0, state.config.unassigned_minutes / 5))


def next_due(state: IncidentState, commander: User | None) -> datetime | None:
    if not state.is_open:
        return None
    gate = _unassigned_gate(state)
    due = []
    opened = state.open_by_user()  # runs before every event: one pass over open tasks
    for p in state.participants.values():
        if not watched(state, p, commander):
            continue
        open_tasks = opened.get(p.user.id, [])
        unassigned = _unassigned_due(state, p, open_tasks)
        if unassigned is not None:
            due.append(unassigned if gate is None else max(unassigned, gate))
        idle = _idle_due(state, p, open_tasks)
        if idle is not None:
            due.append(idle)
    if not due:
        return None
    # a flag cannot fall due in the past (e.g. after a resolved incident is reopened): the
    # next tick is the earliest it can fire
    return max(min(due), state.now) if state.now is not None else min(due)


def on_tick(state: IncidentState, at: datetime, commander: User | None) -> list[Action]:
    if not state.is_open:
        return []
    actions: list[Action] = []
    gate = _unassigned_gate(state)
    fresh = _by_since(
        state,
        [
            p
            for p in state.participants.values()
            if watched(state, p, commander)
            and (d := _unassigned_due(state, p)) is not None
            and d <= at
            and (gate is None or gate <= at)
        ],
    )
    if fresh:
        still = [p for p in unassigned_now(state, commander, at) if p not in fresh]
        for p in fresh:
            p.unassigned_flagged_at = at
        actions.append(_unassigned_flag(state, fresh, _by_since(state, still), at, commander))
    for p in state.participants.values():
        if not watched(state, p, commander):
            continue
        due = _idle_due(state, p)
        if due is not None and due <= at:
            newest = max(a.since for a in state.open_assignments(p.user.id))
            p.idle_flagged_at = at
            p.idle_flags += 1
            actions.append(_idle_flag(state, p, at, max(p.last_active_at, newest)))
    return actions


def _by_since(state: IncidentState, people: list[Participant]) -> list[Participant]:
    return sorted(
        people,
        key=lambda p: (unassigned_since(state, p) or p.joined_at, p.user.label.casefold()),
    )


def _unassigned_flag(
    state: IncidentState,
    people: list[Participant],
    still: list[Participant],
    at: datetime,
    commander: User | None,
) -> Flag:
    lang = state.lang
    sep = "、" if lang == "ja" else ", "
    text = t(
        lang,
        "roster_unassigned",
        count=len(people),
        minutes=_num(state.config.unassigned_minutes),
        names=sep.join(p.user.label for p in people),
    )
    if still:
        text += t(lang, "roster_unassigned_still", names=sep.join(p.user.label for p in still))
    return Flag(
        at=at,
        incident_id=state.id,
        reason="unassigned",
        users=[p.user for p in people],
        text=text,
        mention=[commander] if commander is not None else [],
    )


def _idle_flag(state: IncidentState, p: Participant, at: datetime, silent: datetime) -> Flag:
    lang = state.lang
    tasks = state.open_assignments(p.user.id)
    quote = "「{}」" if lang == "ja" else '"{}"'
    sep = "、" if lang == "ja" else ", "
    minutes = int((at - min(silent, at)).total_seconds() // 60)
    text = t(
        lang,
        "roster_idle",
        name=p.user.label,
        tasks=sep.join(quote.format(shorten(a.task, 40)) for a in tasks),
        minutes=minutes,
    )
    return Flag(
        at=at, incident_id=state.id, reason="idle", users=[p.user], text=text, mention=[p.user]
    )


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
