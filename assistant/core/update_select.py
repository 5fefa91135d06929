"""Choosing what an update says: the incident's current picture, as sourced claims.

Only facts whose sources still exist are used (a deleted message is never cited; an edited
message was re-extracted by the engine, so its current wording is what appears). The same
claim said twice appears once, citing both messages. Each section keeps its most recent few.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Literal

from assistant.core.model import Claim, Fact, IncidentState, Lang, Phase

LIMITS = {"impact": 3, "actions": 4, "confirmed": 6, "suspected": 3, "decisions": 3, "waiting": 3}
# readers want the cause first, then whether it is getting better, then the rest
_CONFIRMED_KINDS = ("cause", "recovery", "symptom", "change", "user_comms")
_APPROVAL = re.compile(r"approv|sign.?off|go-?ahead|承認|許可|了承|GOが出|OKが出", re.I)
_ACTION_KIND = (
    ("rollback", re.compile(r"roll(?:ing|ed)? ?back|revert|ロールバック|切り戻|リバート", re.I)),
    ("flag", re.compile(r"flag|フラグ", re.I)),
    ("failover", re.compile(r"fail ?over|フェイルオーバー|切り替え|切替", re.I)),
    ("scale", re.compile(r"scal(e|ing|ed)|増強|スケール", re.I)),
    ("restart", re.compile(r"restart|redeploy|再起動|再デプロイ", re.I)),
    ("fix", re.compile(r"fix|patch|修正|パッチ", re.I)),
)


_LATER_PHASES = (Phase.MITIGATING, Phase.MONITORING, Phase.RESOLVED)


@dataclass
class Picture:
    """What the incident looks like now, from live facts, the roster and the phase history."""

    claims: dict[str, list[Claim]] = field(default_factory=dict)
    roster: list[Claim] = field(default_factory=list)  # open assignments
    impact_since: datetime | None = None
    action_kind: str | None = None
    action_sources: list[str] = field(default_factory=list)
    recovery_at: datetime | None = None
    recovery_sources: list[str] = field(default_factory=list)
    comms_sources: list[str] = field(default_factory=list)
    cause_known: bool = False
    regressed_at: datetime | None = None
    facts: list[Fact] = field(default_factory=list)

    def section(self, name: str) -> list[Claim]:
        return self.claims.get(name, [])


_PUNCT = re.compile(r"[\s。．.、,!！?？]+")


def live_facts(state: IncidentState) -> list[Fact]:
    """Facts with their deleted or unknown sources removed; facts left with none dropped."""
    return _live(state.facts, state)


def _live(facts: list[Fact], state: IncidentState) -> list[Fact]:
    out: list[Fact] = []
    for fact in facts:
        live = [s for s in fact.source_ids if s in state.messages and not state.messages[s].deleted]
        if live:
            out.append(
                fact if live == fact.source_ids else fact.model_copy(update={"source_ids": live})
            )
    return out


@lru_cache(maxsize=16_384)
def _norm(text: str) -> str:
    return _PUNCT.sub("", text).lower()


class _Merged:
    """Facts merged so far, for one list of facts; extended as facts are appended."""

    __slots__ = ("facts", "latest", "seen", "sources")

    def __init__(self, facts: list[Fact]) -> None:
        self.facts = facts  # the state's list this was computed from
        self.seen = 0  # how many of its facts are merged in
        self.latest: dict[tuple[str, str], Fact] = {}
        self.sources: dict[tuple[str, str], dict[str, None]] = {}  # ordered sets of ids

    def add(self, facts: list[Fact]) -> None:
        for f in facts:
            key = (f.kind, _norm(f.text))
            self.latest.pop(key, None)  # re-insert: the merged fact takes the latest position
            self.latest[key] = f
            self.sources.setdefault(key, {}).update(dict.fromkeys(f.source_ids))

    def result(self) -> list[Fact]:
        out = []
        for key, f in self.latest.items():
            ids = list(self.sources[key])
            out.append(f if ids == f.source_ids else f.model_copy(update={"source_ids": ids}))
        return sorted(out, key=lambda f: f.at)


def _merge(facts: list[Fact]) -> list[Fact]:
    """Same kind and wording: one fact, all sources, latest time."""
    merged = _Merged(facts)
    merged.add(facts)
    return merged.result()


def merged_live_facts(state: IncidentState) -> list[Fact]:
    """``_merge(live_facts(state))``, kept up to date incrementally between updates.

    The engine only appends to ``state.facts`` while messages arrive; an edit or a deletion
    replaces the list. So while the list is the same object, the facts seen before are
    still live and only the new ones need merging in.
    """
    memo = state.memo
    merged = memo.get("update_select.merged")
    if not isinstance(merged, _Merged) or merged.facts is not state.facts:
        merged = _Merged(state.facts)
        memo["update_select.merged"] = merged
    if merged.seen < len(state.facts):
        merged.add(_live(state.facts[merged.seen :], state))
        merged.seen = len(state.facts)
    return merged.result()


def _name(state: IncidentState, user_id: str | None) -> str | None:
    if user_id is None:
        return None
    p = state.participants.get(user_id)
    if p is not None:
        return p.user.label
    for m in state.messages.values():
        if m.author.id == user_id:
            return m.author.label
    return None


Section = Literal["impact", "actions", "confirmed", "suspected", "decisions", "waiting"]


def _claim(section: Section, f: Fact, text: str | None = None) -> Claim:
    return Claim(
        section=section,
        text=text or f.text,
        certainty=f.certainty,
        source_ids=list(f.source_ids),
    )


def _recent(items: list[Claim], section: str) -> list[Claim]:
    return items[-LIMITS[section] :]


def action_kind(text: str) -> str:
    for kind, pattern in _ACTION_KIND:
        if pattern.search(text):
            return kind
    return "other"


def picture(state: IncidentState, lang: Lang, *, names: bool = True) -> Picture:
    """The current picture. ``names`` adds who decided what (responders only)."""
    facts = merged_live_facts(state)
    pic = Picture(facts=facts)
    by_kind: dict[str, list[Fact]] = {}
    for f in facts:
        by_kind.setdefault(f.kind, []).append(f)

    first = [f.at for f in facts if f.kind in ("impact", "symptom")]
    pic.impact_since = min(first) if first else state.declared_at
    pic.claims["impact"] = _recent([_claim("impact", f) for f in by_kind.get("impact", [])],
                                   "impact")  # fmt: skip

    confirmed_cause = [f for f in by_kind.get("cause", []) if f.certainty == "confirmed"]
    pic.cause_known = bool(confirmed_cause) or any(
        c.phase is Phase.IDENTIFIED for c in state.phase_history
    )
    newest_cause = confirmed_cause[-1].at if confirmed_cause else None

    actions = [f for f in by_kind.get("action", []) if f.certainty == "confirmed"]
    if actions:
        pic.action_kind = action_kind(actions[-1].text)
        pic.action_sources = list(actions[-1].source_ids)
    # a recovery seen before the problem came back says nothing about now
    came_back = [
        c.at
        for c in state.phase_history
        if c.phase is Phase.INVESTIGATING and c.previous in _LATER_PHASES
    ]
    since = max(came_back) if came_back else None
    recov = [
        f
        for f in by_kind.get("recovery", [])
        if f.certainty == "confirmed" and (since is None or f.at > since)
    ]
    if recov:
        pic.recovery_at = recov[-1].at
        pic.recovery_sources = list(recov[-1].source_ids)
    comms = by_kind.get("user_comms", [])
    if comms:
        pic.comms_sources = list(comms[-1].source_ids)

    pic.roster = [
        Claim(section="actions", text=_assignment_text(a.user.label, a.task, a.purpose, lang),
              source_ids=list(a.source_ids))
        for a in state.open_assignments()
    ]  # fmt: skip
    action_claims = [_claim("actions", f, _with_by(state, f, names)) for f in actions]
    pic.claims["actions"] = _recent(action_claims, "actions")

    # the latest confirmed cause always stays in view; the rest are the most recent
    keep = confirmed_cause[-1:]
    others = [
        f
        for f in facts
        if f.kind in _CONFIRMED_KINDS and f.certainty == "confirmed" and f not in keep
    ]
    confirmed = keep + others[-(LIMITS["confirmed"] - len(keep)) :]
    confirmed.sort(key=lambda f: (_CONFIRMED_KINDS.index(f.kind), f.at))
    pic.claims["confirmed"] = [_claim("confirmed", f) for f in confirmed]
    causes = confirmed_cause[-2:] or by_kind.get("cause", [])[-2:]
    pic.claims["cause"] = [
        _claim("confirmed" if f.certainty == "confirmed" else "suspected", f) for f in causes
    ]
    suspected = [
        _claim("suspected", f)
        for f in facts
        if f.certainty == "suspected"
        and f.kind not in ("impact", "decision", "escalation")
        and not (f.kind == "cause" and newest_cause is not None and f.at <= newest_cause)
    ]
    pic.claims["suspected"] = _recent(suspected, "suspected")

    decisions = [f for f in by_kind.get("decision", []) if f.certainty == "confirmed"]
    pic.claims["decisions"] = _recent(
        [_claim("decisions", f, _with_by(state, f, names)) for f in decisions], "decisions"
    )
    approved = [f.at for f in decisions if _APPROVAL.search(f.text)]
    last_approval = max(approved) if approved else None
    waiting = [
        f for f in by_kind.get("escalation", []) if last_approval is None or f.at > last_approval
    ]
    pic.claims["waiting"] = _recent([_claim("waiting", f) for f in waiting], "waiting")

    last = state.phase_history[-1] if state.phase_history else None
    if last is not None and last.phase is Phase.INVESTIGATING and last.previous in _LATER_PHASES:
        pic.regressed_at = last.at
    return pic


def _with_by(state: IncidentState, f: Fact, names: bool) -> str:
    who = _name(state, f.by) if names else None
    return f"{f.text} — {who}" if who else f.text


def _assignment_text(who: str, task: str, purpose: str | None, lang: Lang) -> str:
    text = f"{who}: {task or '—'}"
    if purpose:
        text += f"（目的: {purpose}）" if lang == "ja" else f" (purpose: {purpose})"
    return text
