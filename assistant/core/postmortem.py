"""The postmortem draft: what the incident's record says happened, sorted into sections.

``build(state, history)`` reads only ``IncidentState`` (facts, phase history, roster,
participants, posted updates) and the incident's past actions (``history``: the rollback
advice given and the flags raised, from the outbox), and returns a ``Postmortem`` whose every
quoted line cites the messages it came from. ``postmortem_render.markdown`` writes it as a
knowledge-base postmortem (YAML front matter + Markdown). Nothing here invents a fact: what
the record does not show is said to be missing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from assistant.core.actions import Action, Flag, Reply
from assistant.core.model import Answer, Fact, IncidentState, Lang
from assistant.core.postmortem_actions import candidates, changes_before
from assistant.core.postmortem_model import (
    Advice,
    Bystander,
    Entry,
    Milestone,
    Postmortem,
    RosterLine,
    name_of,
)
from assistant.core.postmortem_summary import summary
from assistant.core.postmortem_times import live_facts, milestones, rollback_outcome, stopgaps
from assistant.core.roster import commander_of

# at most this many of each kind of fact in the timeline (the first ones: how it unfolded)
TIMELINE_LIMITS = {
    "impact": 2,
    "symptom": 2,
    "change": 3,
    "cause": 2,
    "action": 8,
    "recovery": 2,
    "decision": 5,
    "escalation": 3,
    "user_comms": 3,
}
_SERVICE = re.compile(r"(?<![\w.-])[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)+(?![\w-])")
_SEVERITY = re.compile(r"\b(sev ?[0-5]|p[0-5])\b", re.IGNORECASE)
_PUNCT = re.compile(r"[\s。．.、,!！?？]+")


def message_link(state: IncidentState, message_id: str) -> str | None:
    """The Discord jump link of a message of this incident, when its ids are Discord's."""
    if not (message_id.isdigit() and state.channel_id.isdigit()):
        return None
    guild = state.guild_id if state.guild_id and state.guild_id.isdigit() else "@me"
    return f"https://discord.com/channels/{guild}/{state.channel_id}/{message_id}"


def _live_ids(state: IncidentState, ids: list[str]) -> list[str]:
    return [s for s in ids if s in state.messages and not state.messages[s].deleted]


def _distinct(facts: list[Fact]) -> list[Fact]:
    """The same kind and wording said again: one fact, every source, the first time."""
    merged: dict[tuple[str, str], Fact] = {}
    for f in facts:
        key = (f.kind, _PUNCT.sub("", f.text).casefold())
        if key in merged:
            old = merged[key]
            ids = list(dict.fromkeys([*old.source_ids, *f.source_ids]))
            merged[key] = old.model_copy(update={"source_ids": ids})
        else:
            merged[key] = f
    return sorted(merged.values(), key=lambda f: f.at)


def _entry(state: IncidentState, f: Fact, kind: str | None = None) -> Entry:
    return Entry(
        at=f.at,
        text=f.text,
        kind=kind or f.kind,
        certainty=f.certainty,
        by=name_of(state, f.by),
        source_ids=list(f.source_ids),
    )


def services_of(title: str) -> list[str]:
    """Service-like names in the title (``payment-api``, ``search.api``), else none. A
    title that is one such name is the channel's name (``inc-checkout-errors``), not a
    service, and neither is an ``inc-``/``incident-`` name."""
    names = [n for n in _SERVICE.findall(title) if n != title.strip()]
    return list(dict.fromkeys(n for n in names if not n.startswith(("inc-", "incident-"))))


def severity_of(state: IncidentState) -> str:
    if state.severity:
        return state.severity
    m = _SEVERITY.search(state.title)
    return m.group(1).replace(" ", "").upper() if m else "unknown"


# ------------------------------------------------------------------ build


def build(
    state: IncidentState,
    history: Sequence[Action] = (),
    *,
    lang: Lang | None = None,
    services: Sequence[str] = (),
) -> Postmortem:
    """The draft of ``state``'s postmortem, in ``lang`` (the incident's language by default).

    ``history``: the incident's past actions (the outbox), for the advice given and the
    flags raised. ``services``: overrides the services guessed from the title.
    """
    lang = lang or state.lang
    facts = live_facts(state)
    distinct = _distinct(facts)
    marks = _milestones(state, facts)
    attempted, outcome, _ = rollback_outcome(state, facts)
    causes = [f for f in distinct if f.kind == "cause"]
    confirmed_causes = [f for f in causes if f.certainty == "confirmed"]
    certainty: Literal["confirmed", "suspected", "unknown"]
    if confirmed_causes:
        cause, certainty = confirmed_causes[-1].text, "confirmed"
    elif causes:
        cause, certainty = causes[-1].text, "suspected"
    else:
        cause, certainty = "unknown", "unknown"
    advice = _advice(state, history)
    detected = next(m.at for m in marks if m.key == "detected")
    title = state.title or state.id
    pm = Postmortem(
        incident_id=state.id,
        lang=lang,
        title=title,
        date=(detected or state.now or state.declared_at or datetime.min).date().isoformat(),
        services=list(services) or services_of(title),
        severity=severity_of(state),
        cause=" ".join(cause.split()),
        cause_certainty=certainty,
        rollback_attempted=attempted,
        rollback_outcome=outcome,
        tags=_tags(state, distinct, facts, advice),
        phase=state.phase,
        as_of=state.now,
        summary="",
        impact=[_entry(state, f) for f in distinct if f.kind in ("impact", "user_comms")],
        timeline=_timeline(state, distinct, advice),
        milestones=marks,
        advice=advice,
        done=[
            _entry(state, f) for f in distinct if f.kind == "action" and f.certainty == "confirmed"
        ],
        decisions=[
            _entry(state, f)
            for f in distinct
            if f.kind == "decision" and f.certainty == "confirmed"
        ],
        commander=(lambda u: u.label if u else None)(commander_of(state)),
        roster=_roster(state),
        bystanders=_bystanders(state),
        flags_raised=sum(1 for a in history if isinstance(a, Flag)),
        actions=[],
    )
    pm = pm.model_copy(
        update={
            "actions": candidates(state, pm, facts, distinct),
            "summary": summary(state, pm, distinct),
        }
    )
    links = {s: link for s in pm.cited() if (link := message_link(state, s)) is not None}
    return pm.model_copy(update={"links": links})


def _milestones(state: IncidentState, facts: list[Fact]) -> list[Milestone]:
    marks = milestones(state, facts)
    detected = next(m.at for m in marks if m.key == "detected")
    out: list[Milestone] = []
    previous: datetime | None = None
    for m in marks:
        since = (m.at - detected).total_seconds() if m.at and detected else None
        step = (m.at - previous).total_seconds() if m.at and previous and m.key != "onset" else None
        out.append(
            Milestone(
                key=m.key,
                at=m.at,
                how=m.how,
                by=name_of(state, m.by),
                source_ids=list(m.source_ids),
                since_detected_s=since,
                since_previous_s=step,
            )
        )
        if m.at is not None:
            previous = m.at
    return out


def _advice(state: IncidentState, history: Sequence[Action]) -> list[Advice]:
    answers: list[Answer] = [
        a.answer for a in history if isinstance(a, Reply) and a.answer.intent == "rollback"
    ]
    out = []
    for ans in answers:
        msg = state.messages.get(ans.in_reply_to)
        asked = msg.author.label if msg is not None else None
        sources = [s for s in ans.source_ids if s in state.messages]
        if msg is not None and not msg.deleted:
            sources = [msg.id, *[s for s in sources if s != msg.id]]
        out.append(
            Advice(
                at=ans.at,
                question_id=ans.in_reply_to,
                asked_by=asked,
                recommendation=ans.recommendation,
                checklist=[
                    c.model_copy(update={"source_ids": _live_ids(state, c.source_ids)})
                    for c in ans.checklist
                ],
                citations=list(ans.citations),
                source_ids=[s for s in sources if not state.messages[s].deleted],
            )
        )
    return out


def _timeline(state: IncidentState, facts: list[Fact], advice: list[Advice]) -> list[Entry]:
    entries: list[Entry] = []
    for c in state.phase_history:
        entries.append(
            Entry(
                at=c.at,
                text=c.phase.value,
                kind="phase",
                by=name_of(state, c.by),
                source_ids=[
                    s for s in c.source_ids if s in state.messages and not state.messages[s].deleted
                ],
            )
        )
    taken: dict[str, int] = {}
    for f in facts:
        if f.kind in ("decision", "action", "recovery") and f.certainty != "confirmed":
            continue
        if taken.get(f.kind, 0) >= TIMELINE_LIMITS[f.kind]:
            continue
        taken[f.kind] = taken.get(f.kind, 0) + 1
        entries.append(_entry(state, f))
    for a in advice:
        entries.append(
            Entry(
                at=a.at,
                text=a.recommendation or "",
                kind="advice",
                by=a.asked_by,
                source_ids=a.source_ids[:1],
            )
        )
    return sorted(entries, key=lambda e: e.at)


def _roster(state: IncidentState) -> list[RosterLine]:
    return [
        RosterLine(
            who=a.user.label,
            task=a.task,
            purpose=a.purpose,
            status=a.status,
            since=a.since,
            until=a.closed_at,
            source_ids=[
                s for s in a.source_ids if s in state.messages and not state.messages[s].deleted
            ],
        )
        for a in sorted(state.assignments, key=lambda a: a.since)
    ]


def _bystanders(state: IncidentState) -> list[Bystander]:
    assigned = {a.user.id for a in state.assignments}
    boss = commander_of(state)
    out = []
    for uid, p in state.participants.items():
        if uid in assigned or (boss is not None and boss.id == uid) or state.is_bot(p.user):
            continue
        out.append(
            Bystander(
                who=p.user.label,
                joined_at=p.joined_at,
                released_at=p.released_at,
                left_at=p.left_at,
            )
        )
    return sorted(out, key=lambda b: b.joined_at)


def _tags(
    state: IncidentState, distinct: list[Fact], facts: list[Fact], advice: list[Advice]
) -> list[str]:
    tags = ["incident-assistant-draft"]
    tags += sorted({kind for kind, _ in stopgaps(state, facts)})
    if changes_before(distinct, advice):
        tags.append("change")
    return tags
