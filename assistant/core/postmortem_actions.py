"""Candidate follow-up actions of the five kinds, each drawn from the incident's record.

Every candidate names what in the record suggests it (a quoted fact, a gap between two
milestones, an answer of the rollback checklist) and cites those messages. A kind with
nothing in the record gets no candidate; the draft then says "none found" rather than
filling it with generic advice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from assistant.core import postmortem_texts as tx
from assistant.core.model import Fact, IncidentState, Lang
from assistant.core.postmortem_model import (
    ActionKind,
    Advice,
    Candidate,
    Milestone,
    Postmortem,
    clock,
    quote,
    span_between,
)
from assistant.core.postmortem_times import STOPGAP_KINDS, recovered_after, stopgaps
from assistant.core.update_select import action_kind

MAX_PER_KIND = 4
MIN_GAP = timedelta(minutes=1)  # shorter gaps between milestones are not worth a candidate
DECLARE_GAP = timedelta(minutes=5)
MAX_FOLLOWUPS = 3
# checklist answers whose being unknown slowed the rollback decision
_RECOVERY_CHECKS = (
    "procedure_ready",
    "previous_version_ok",
    "data_rollback",
    "rollback_safe_label",
    "feature_flag",
)


class _Context:
    """What the rules share: the record, the draft so far, and the language."""

    def __init__(
        self, state: IncidentState, pm: Postmortem, facts: list[Fact], distinct: list[Fact]
    ) -> None:
        self.state = state
        self.pm = pm
        self.facts = facts
        self.distinct = distinct
        self.lang: Lang = pm.lang
        self.gaps = stopgaps(state, facts)
        self.marks = {m.key: m for m in pm.milestones}

    def mark(self, key: str) -> Milestone | None:
        m = self.marks.get(key)  # type: ignore[call-overload]
        return m if m is not None and m.at is not None else None

    def of(self, kind: str, *, confirmed: bool = False) -> list[Fact]:
        return [
            f
            for f in self.distinct
            if f.kind == kind and (not confirmed or f.certainty == "confirmed")
        ]

    def q(self, text: str) -> str:
        return quote(text, self.lang)

    def say(self, key: str, **values: object) -> str:
        return tx.w(tx.CANDIDATE, key, self.lang, **values)

    def noun(self, kind: str) -> str:
        return tx.w(tx.ACTION_NOUN, kind, self.lang)

    def gap(self, a: datetime, b: datetime) -> str:
        return span_between(a, b, self.lang)

    def last_advice(self) -> Advice | None:
        return self.pm.advice[-1] if self.pm.advice else None

    def changes(self) -> list[Fact]:
        """Change facts, unless the rollback checklist found there was no recent change
        (then they are the "nothing was deployed" kind)."""
        return changes_before(self.distinct, self.pm.advice)


Found = list[tuple[str, list[str]]]


def candidates(
    state: IncidentState, pm: Postmortem, facts: list[Fact], distinct: list[Fact]
) -> list[Candidate]:
    """Every candidate, kind by kind in the brief's order."""
    cx = _Context(state, pm, facts, distinct)
    rules: tuple[tuple[ActionKind, Callable[[_Context], Found]], ...] = (
        ("root_cause", _root_cause),
        ("permanent_fix", _permanent_fix),
        ("prevent", _prevent),
        ("detect", _detect),
        ("recover", _recover),
    )
    out: list[Candidate] = []
    for kind, rule in rules:
        found = rule(cx)[:MAX_PER_KIND]
        out += [Candidate(kind=kind, text=text, source_ids=ids) for text, ids in found]
    return out


def changes_before(distinct: list[Fact], advice: list[Advice]) -> list[Fact]:
    """The change facts worth naming as "the change before the symptoms"."""
    last = advice[-1].item("recent_change") if advice else None
    if last is not None and last.answer == "no":
        return []
    return [f for f in distinct if f.kind == "change"]


def _root_cause(cx: _Context) -> Found:
    out: Found = []
    causes = cx.of("cause")
    confirmed = [f for f in causes if f.certainty == "confirmed"]
    if confirmed:
        f = confirmed[-1]
        out.append((cx.say("cause_confirm", quote=cx.q(f.text)), f.source_ids))
    elif causes:
        f = causes[-1]
        out.append((cx.say("cause_suspected", quote=cx.q(f.text)), f.source_ids))
    elif cx.mark("identified") is None:
        out.append((cx.say("cause_none"), []))
    first_confirmed = confirmed[0].at if confirmed else None
    if cx.gaps:
        kind, f = cx.gaps[0]
        if first_confirmed is None or first_confirmed > f.at:
            out.append(
                (
                    cx.say("cause_after_stopgap", noun=cx.noun(kind), quote=cx.q(f.text)),
                    f.source_ids,
                )
            )
    advice = cx.last_advice()
    link = advice.item("causal_link") if advice is not None else None
    changes = cx.changes()
    if changes and not confirmed and (link is None or link.answer != "yes"):
        f = changes[0]
        out.append((cx.say("cause_change", quote=cx.q(f.text)), f.source_ids))
    return out


def _permanent_fix(cx: _Context) -> Found:
    out: Found = []
    seen: set[str] = set()
    for kind, f in cx.gaps:
        if kind in seen:
            continue
        seen.add(kind)
        out.append((cx.say("stopgap", noun=cx.noun(kind), quote=cx.q(f.text)), f.source_ids))
    if cx.gaps:
        after = cx.gaps[0][1].at
        gap_sources = {s for _, f in cx.gaps for s in f.source_ids}
        later = [
            f
            for f in cx.distinct
            if f.kind in ("change", "decision")
            and f.certainty == "confirmed"
            and f.at > after
            and not set(f.source_ids) & gap_sources
            and action_kind(f.text) not in STOPGAP_KINDS  # about the stop-gap itself
        ]
        for f in later[:MAX_FOLLOWUPS]:
            out.append((cx.say("followup", quote=cx.q(f.text)), f.source_ids))
    return out


def _prevent(cx: _Context) -> Found:
    out: Found = []
    changes = cx.changes()
    if changes:
        f = changes[0]
        out.append((cx.say("prevent_change", quote=cx.q(f.text)), f.source_ids))
    advice = cx.last_advice()
    if advice is None:
        return out
    label = advice.item("rollback_safe_label")
    if label is not None and label.answer in ("yes", "no") and label.source_ids:
        out.append((cx.say("prevent_label", detail=label.detail or "—"), label.source_ids))
    elif label is not None and label.answer == "unknown" and cx.pm.rollback_attempted:
        out.append((cx.say("prevent_label_unknown"), advice.source_ids[:1]))
    flag = advice.item("feature_flag")
    if flag is not None and flag.answer == "no":
        out.append((cx.say("prevent_flag", detail=flag.detail or "—"), flag.source_ids))
    data = advice.item("data_rollback")
    if data is not None and data.answer == "yes":
        out.append((cx.say("prevent_migration", detail=data.detail or "—"), data.source_ids))
    return out


def _detect(cx: _Context) -> Found:
    out: Found = []
    detected = cx.mark("detected")
    onset = cx.mark("onset")
    if onset is not None and detected is not None and onset.at and detected.at:
        said = next((f for f in cx.distinct if set(f.source_ids) & set(onset.source_ids)), None)
        text = said.text if said is not None else ""
        out.append(
            (
                cx.say(
                    "detect_onset",
                    onset=clock(onset.at),
                    detected=clock(detected.at),
                    gap=cx.gap(onset.at, detected.at),
                    quote=cx.q(text),
                ),
                onset.source_ids,
            )
        )
    impacts, symptoms = cx.of("impact"), cx.of("symptom")
    if impacts and symptoms and symptoms[0].at - impacts[0].at >= MIN_GAP:
        i, s = impacts[0], symptoms[0]
        out.append(
            (
                cx.say(
                    "detect_impact_first",
                    impact_at=clock(i.at),
                    impact=cx.q(i.text),
                    symptom_at=clock(s.at),
                    gap=cx.gap(i.at, s.at),
                ),
                [*i.source_ids, *s.source_ids],
            )
        )
    declared = cx.mark("declared")
    if (
        declared is not None
        and declared.how == "declared"
        and detected is not None
        and declared.at
        and detected.at
        and declared.at - detected.at >= DECLARE_GAP
    ):
        out.append(
            (
                cx.say(
                    "detect_declare",
                    detected=clock(detected.at),
                    declared=clock(declared.at),
                    gap=cx.gap(detected.at, declared.at),
                ),
                detected.source_ids,
            )
        )
    return out


def _recover(cx: _Context) -> Found:
    out: Found = []
    detected = cx.mark("detected")
    mitigating = cx.mark("mitigating")
    kind, first = cx.gaps[0] if cx.gaps else ("other", None)
    start = mitigating.at if mitigating is not None else (first.at if first else None)
    start_ids = (mitigating.source_ids if mitigating is not None else []) or (
        first.source_ids if first else []
    )
    if start is not None and detected is not None and detected.at is not None:
        if start - detected.at >= MIN_GAP:
            text = cx.say(
                "recover_to_action",
                noun=cx.noun(kind),
                gap=cx.gap(detected.at, start),
                detected=clock(detected.at),
                started=clock(start),
            )
            out.append((text, start_ids))
        recovered = recovered_after(cx.state, cx.facts, start)
        if recovered is not None and recovered - start >= MIN_GAP:
            text = cx.say(
                "recover_to_recovery",
                noun=cx.noun(kind),
                gap=cx.gap(start, recovered),
                started=clock(start),
                recovered=clock(recovered),
            )
            out.append((text, start_ids))
    rollbacks = [f for k, f in cx.gaps if k == "rollback"]
    if rollbacks:
        # a rollback that opened the mitigation started when the phase moved
        began = start if kind == "rollback" and start is not None else rollbacks[0].at
        ids = start_ids if kind == "rollback" else rollbacks[0].source_ids
        asked = [a for a in cx.pm.advice if a.at < began]
        if asked and began - asked[0].at >= MIN_GAP:
            text = cx.say(
                "recover_advice_wait",
                asked=clock(asked[0].at),
                started=clock(began),
                gap=cx.gap(asked[0].at, began),
            )
            out.append((text, [*asked[0].source_ids[:1], *ids]))
    advice = cx.last_advice()
    if advice is not None and (
        cx.pm.rollback_attempted or advice.recommendation in ("rollback", "hold")
    ):
        unknown = [
            c for c in advice.checklist if c.key in _RECOVERY_CHECKS and c.answer == "unknown"
        ]
        if unknown:
            items = ("、" if cx.lang == "ja" else ", ").join(
                tx.w(tx.CHECK_SHORT, c.key, cx.lang) for c in unknown
            )
            out.append((cx.say("recover_unknown", items=items), advice.source_ids[:1]))
    later = ("mitigating", "monitoring", "resolved")
    for c in cx.state.phase_history:
        if (
            c.phase.value == "investigating"
            and c.previous is not None
            and c.previous.value in later
        ):
            ids = [s for s in c.source_ids if s in cx.state.messages]
            out.append((cx.say("recover_regressed", at=clock(c.at)), ids))
    return out
