"""The roster as a table the commander can read in five seconds.

One row per open task, then one row per person without one: who, task, purpose, since (when
they entered that state), last activity, state. A monospace code block, short columns
(Japanese characters count double), long texts cut with an ellipsis, most urgent rows first.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from assistant.core.model import Assignment, IncidentState, Lang, Participant, User
from assistant.core.texts import register, t

State = str  # working | idle | unassigned | done | released | left

HEADERS: dict[Lang, tuple[str, ...]] = {
    "ja": ("担当者", "タスク", "目的", "開始", "最終発言", "状態"),
    "en": ("who", "task", "purpose", "since", "last", "state"),
}
STATES: dict[Lang, dict[State, str]] = {
    "ja": {
        "working": "作業中",
        "idle": "応答なし",
        "unassigned": "担当なし",
        "done": "完了",
        "released": "解放済",
        "left": "退出",
    },
    "en": {
        "working": "working",
        "idle": "idle",
        "unassigned": "unassigned",
        "done": "done",
        "released": "released",
        "left": "left",
    },
}
ORDER = ("idle", "working", "unassigned", "done", "released", "left")
WIDTHS = (10, 18, 16, 5, 8, 0)

register("roster_title", ja="指揮官: {name}", en="Commander: {name}")
register("roster_empty", ja="参加者はまだいません。", en="No participants yet.")
register(
    "roster_hint",
    ja="担当なしの方は /release か「@名前 戻って大丈夫です」で解放できます。",
    en='Unassigned people can be released: /release or "@name you can drop off".',
)


@dataclass(frozen=True)
class Row:
    user: User
    task: str
    purpose: str
    since: datetime
    last: datetime
    state: State


def width(text: str) -> int:
    """Columns ``text`` takes in a monospace font (wide East Asian characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` columns, with an ellipsis when cut."""
    text = " ".join(text.split())
    if width(text) <= limit:
        return text
    out, used = "", 0
    for ch in text:
        w = width(ch)
        if used + w > limit - 1:
            break
        out += ch
        used += w
    return out + "…"


def _pad(text: str, cols: int) -> str:
    return text + " " * max(0, cols - width(text))


def rows(state: IncidentState, at: datetime, commander: User | None) -> list[Row]:
    """The roster rows, most urgent first."""
    idle_after = state.minutes(state.config.idle_minutes)
    unassigned_after = state.minutes(state.config.unassigned_minutes)
    out: list[Row] = []
    for p in state.participants.values():
        if state.is_bot(p.user):
            continue
        boss = commander is not None and commander.id == p.user.id
        mine = [a for a in state.assignments if a.user.id == p.user.id]
        open_tasks = [a for a in mine if a.status == "open"]
        for a in open_tasks:
            quiet = at - max(p.last_active_at, p.joined_at, a.since) >= idle_after
            st = "left" if p.left_at else "idle" if quiet and not boss else "working"
            out.append(_row(p, a, a.since, st))
        if open_tasks or boss:
            continue
        last = max(mine, key=lambda a: a.closed_at or a.since) if mine else None
        if p.left_at is not None:
            out.append(_row(p, last, p.left_at, "left"))
        elif p.released_at is not None:
            out.append(_row(p, last, p.released_at, "released"))
        elif (
            last is not None
            and last.status == "done"
            and last.closed_at is not None
            and (at - last.closed_at < unassigned_after)
        ):
            out.append(_row(p, last, last.closed_at, "done"))
        else:
            since = max([p.joined_at, *(a.closed_at for a in mine if a.closed_at)])
            out.append(_row(p, None, since, "unassigned"))
    return sorted(out, key=lambda r: (ORDER.index(r.state), r.since, r.user.label.casefold()))


def _row(p: Participant, a: Assignment | None, since: datetime, st: State) -> Row:
    task = a.task if a is not None else "-"
    purpose = (a.purpose or "?") if a is not None else "-"
    return Row(p.user, task, purpose, since, p.last_active_at, st)


def clock(state: IncidentState, at: datetime) -> str:
    """``HH:MM`` in the event's own zone: the offset the channel's times came with."""
    return at.strftime("%H:%M")


def ago(state: IncidentState, at: datetime, now: datetime, lang: Lang) -> str:
    """``12m ago`` / ``12分前`` within the hour, else the clock time."""
    minutes = int((now - at).total_seconds() // 60)
    if minutes < 1:
        return "今" if lang == "ja" else "now"
    if minutes < 60:
        return f"{minutes}分前" if lang == "ja" else f"{minutes}m ago"
    return clock(state, at)


def render(state: IncidentState, at: datetime, lang: Lang, commander: User | None) -> str:
    """The roster as text: a title line, a code-block table, and a count per state."""
    table = rows(state, at, commander)
    title = t(lang, "roster_title", name=commander.label if commander else "?")
    if not table:
        return f"{title}\n{t(lang, 'roster_empty')}"
    cells = [HEADERS[lang]] + [
        (
            shorten(r.user.label, WIDTHS[0]),
            shorten(r.task, WIDTHS[1]),
            shorten(r.purpose, WIDTHS[2]),
            clock(state, r.since),
            ago(state, r.last, at, lang),
            STATES[lang][r.state],
        )
        for r in table
    ]
    cols = [max(width(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(_pad(c, cols[i]) for i, c in enumerate(row)).rstrip() for row in cells]
    counts = {s: sum(1 for r in table if r.state == s) for s in ORDER}
    sep = "・" if lang == "ja" else " · "
    space = "" if lang == "ja" else " "
    summary = sep.join(f"{STATES[lang][s]}{space}{n}" for s, n in counts.items() if n)
    parts = [title, "```", *lines, "```", summary]
    if counts["unassigned"]:
        parts.append(t(lang, "roster_hint"))
    return "\n".join(parts)
