"""Reading the phase a message moves the incident to (or states).

A message that starts with a phase prefix (【復旧完了】, [Resolved], ``Status: Monitoring``)
states the phase. Otherwise the phase lexicon is matched and each match weighed by the shared
analysis: a cue that is negated, asked, a condition, a plan or a request, about an earlier
incident, a joke, or about staging says nothing; a hedged or reported cue, or an alert that
cleared, is only suspected. Of what is left, a problem that came back wins, then the furthest
phase, then an explicit declaration.
"""

from __future__ import annotations

from assistant.core.model import PHASE_ORDER, Phase
from assistant.core.phase_prefix import parse_prefix
from assistant.core.reading import lexicon
from assistant.core.reading.analysis import Analysis, Match
from assistant.core.reading.context import ReadContext
from assistant.core.reading.model import PhaseSignal, Span


def _span(analysis: Analysis, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=analysis.original[start:end])


def _counts(match: Match, analysis: Analysis) -> bool:
    mod = match.modality
    entry = match.entry
    phase = Phase(entry.get("phase"))
    if mod.negated and not entry.get("negation_inside"):
        return False
    if mod.question and entry.get("question_ok") and not mod.hypothetical:
        pass  # 「クライアントのバグじゃない？」: the question form is itself the guess
    elif mod.question or mod.hypothetical or mod.requested or mod.past_incident or mod.sarcastic:
        return False
    if mod.subject or (mod.modal and not entry.get("modal_hedge")):
        return False
    plans = entry.get("plan_counts")
    planned = mod.planned or bool(entry.get("planned"))
    if planned and not (plans == "always" or (plans and (mod.immediate or mod.now))):
        return False
    if mod.env == "staging":
        return False
    if mod.anchored and entry.get("change_like") and not mod.now:
        return False  # "patched the gateway at 11:00": a change being reported
    if mod.env == "canary" and not entry.get("canary_ok"):
        return False
    if phase in (Phase.MONITORING, Phase.RESOLVED) and analysis.still_broken:
        return False
    # someone else's "we are investigating" says nothing about ours
    return not (phase is Phase.INVESTIGATING and mod.reported and not entry.get("regressed"))


def _uncertain(match: Match) -> bool:
    mod = match.modality
    return (
        mod.uncertain
        or (mod.question and bool(match.entry.get("question_ok")))
        or (mod.modal and bool(match.entry.get("modal_hedge")))
        or match.entry.get("certainty") == "suspected"
        or bool(match.entry.get("alert"))
    )


def _rank(phase: Phase) -> int:
    return PHASE_ORDER.index(phase)


def _better(a: Match, b: Match) -> bool:
    """Is ``a`` a stronger phase cue than ``b``? What the team asserts beats hearsay; a
    problem that came back beats progress; then the furthest phase; then a declaration."""
    if a.modality.reported != b.modality.reported:
        return not a.modality.reported  # what the team sees beats what a vendor says
    if bool(a.entry.get("regressed")) != bool(b.entry.get("regressed")):
        return bool(a.entry.get("regressed"))
    if bool(a.entry.get("weak")) != bool(b.entry.get("weak")):
        return not a.entry.get("weak")
    pa, pb = Phase(a.entry.get("phase")), Phase(b.entry.get("phase"))
    if pa != pb:
        return _rank(pa) > _rank(pb)
    return bool(a.entry.get("declare")) and not b.entry.get("declare")


def is_fix_task(task: str) -> bool:
    """True when a task is itself a fix ("restart the consumers"), not a check of one."""
    for lang in ("en", "ja"):
        fix, check = lexicon.compiled(lang, "fix_tasks"), lexicon.compiled(lang, "check_tasks")
        if fix is not None and fix.search(task) and not (check and check.search(task)):
            return True
    return False


def _holds_fix(ctx: ReadContext) -> bool:
    """Does the author hold an open fix the commander handed out?"""
    return any(is_fix_task(task) for task in ctx.tasks.get(ctx.author.id, ()))


def _is_alert_source(ctx: ReadContext) -> bool:
    names = lexicon.words("en", "alert_sources")
    return ctx.author.name.casefold() in {n.casefold() for n in names}


def read_phase(
    analysis: Analysis, ctx: ReadContext, labels: dict[Phase, str] | None = None
) -> PhaseSignal | None:
    """The phase signal of one message, or None."""
    text = analysis.original
    prefixed = parse_prefix(text, labels)
    alert = _is_alert_source(ctx)
    if prefixed is not None and not alert:
        end = min(
            len(text), text.find("】") + 1 if "】" in text[:30] else (text.find("]") + 1 or 0)
        )
        span = _span(analysis, 0, max(end, 1))
        return PhaseSignal(phase=prefixed, certainty="confirmed", span=span, prefixed=True,
                           declared=True, cue="prefix")  # fmt: skip
    best: Match | None = None
    fixing = _holds_fix(ctx)
    for match in analysis.matches("phase"):
        if match.entry.get("needs_fix_task") and not fixing:
            continue
        if not _counts(match, analysis):
            continue
        if best is None or _better(match, best):
            best = match
    if best is None:
        return None
    phase = Phase(best.entry.get("phase"))
    if best.modality.env == "canary" and _rank(phase) > _rank(Phase.MITIGATING):
        phase = Phase.MITIGATING
    if alert and _rank(phase) > _rank(Phase.MONITORING):
        phase = Phase.MONITORING  # an alert that cleared is evidence, not a resolution
    uncertain = _uncertain(best) or alert
    return PhaseSignal(
        phase=phase,
        certainty="suspected" if uncertain else "confirmed",
        span=_span(analysis, best.start, best.end),
        declared=bool(best.entry.get("declare")) and not uncertain,
        regressed=bool(best.entry.get("regressed")),
        cue=best.entry.id,
    )
