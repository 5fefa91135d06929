"""Phase labels, prefixes and inference from the conversation (Japanese and English).

How a message moves the phase (``detect``):

- A message that itself starts with a phase prefix (``【復旧完了】``, ``[Resolved]``,
  ``Status: Monitoring``) states the phase: a certain signal, forwards or backwards.
- Otherwise the conversation is read for cues (see ``phase_cues``). An inferred change only
  moves the incident forward, except "the errors are back", which sends it back to
  investigating from a later phase. It is certain only when the commander makes an explicit
  declaration ("復旧完了とします", "closing the incident"); everything else, including the
  commander's plain observations, is a proposal the commander confirms with one click. A
  weak or hedged cue never produces a signal at all: facts keep it as "suspected".
- A plain "starting" / 「始めます」 from someone whose open task is a fix the commander
  handed out proposes mitigating (see ``phase_work``).
- Text addressed to the bot, quoted text, code blocks and bots' own messages are never read
  for cues: chat is data, not instructions.
"""

from __future__ import annotations

from typing import Literal

from assistant.core import fact_text, phase_cues, phase_work, texts
from assistant.core.actions import ProposePhase
from assistant.core.model import (
    PHASE_ORDER,
    ChatMessage,
    IncidentState,
    Lang,
    Model,
    Phase,
    PhaseProposal,
)
from assistant.core.phase_prefix import parse_prefix as _parse_prefix
from assistant.core.phase_prefix import token_phase

LABELS: dict[str, dict[Phase, str]] = {
    "ja": {
        Phase.INVESTIGATING: "【調査中】",
        Phase.IDENTIFIED: "【原因特定】",
        Phase.MITIGATING: "【対応中】",
        Phase.MONITORING: "【経過観察】",
        Phase.RESOLVED: "【復旧完了】",
    },
    "en": {
        Phase.INVESTIGATING: "[Investigating]",
        Phase.IDENTIFIED: "[Identified]",
        Phase.MITIGATING: "[Mitigating]",
        Phase.MONITORING: "[Monitoring]",
        Phase.RESOLVED: "[Resolved]",
    },
}

texts.register(
    "phase_proposal",
    ja="フェーズを{label}に変更しますか？ 理由: {reason}",
    en="Change the phase to {label}? Reason: {reason}",
)
texts.register(
    "phase_reason",
    ja="{who}さんの発言「{quote}」[#{ref}] から{what}と判断しました",
    en="{who} wrote “{quote}” [#{ref}]: {what}",
)
texts.register("phase_reason_prefix", ja="{who}さんの投稿 [#{ref}] が{label}で始まっています",
               en="{who}'s post [#{ref}] starts with {label}")  # fmt: skip
_CUE_WHAT: dict[str, dict[str, str]] = {
    "cause_found": {"ja": "原因が特定された", "en": "the cause looks identified"},
    "fix_started": {"ja": "ロールバックや修正などの復旧対応が始まった",
                    "en": "a rollback or fix has started"},
    "recovered": {"ja": "メトリクスが平常に戻った", "en": "the metrics look back to normal"},
    "resolved": {"ja": "復旧完了が宣言された", "en": "recovery was declared"},
    "regressed": {"ja": "事象が再発した", "en": "the problem appears to be back"},
}  # fmt: skip


class PhaseSignal(Model):
    """A phase change read from one message: certain (prefix) or inferred."""

    phase: Phase
    certain: bool
    reason: str
    source_ids: list[str]
    how: Literal["prefix", "inferred"] = "inferred"


def _overrides(lang: str, overrides: dict[str, dict[str, str]] | None) -> dict[Phase, str]:
    out: dict[Phase, str] = {}
    for key, value in (overrides or {}).get(lang, {}).items():
        phase = parse_phase_name(key)
        if phase is not None and value:
            out[phase] = value
    return out


def label(phase: Phase, lang: Lang, overrides: dict[str, dict[str, str]] | None = None) -> str:
    """The phase's headline prefix in ``lang``; a team's configured label wins."""
    return _overrides(lang, overrides).get(phase) or LABELS[lang][phase]


def parse_phase_name(text: str) -> Phase | None:
    """A phase from its canonical name, a ja/en label or a common synonym (``/phase``)."""
    raw = text.strip()
    try:
        return Phase(raw.lower())
    except ValueError:
        pass
    for labels in LABELS.values():
        for phase, lab in labels.items():
            if raw == lab:
                return phase
    return token_phase(raw.strip("【】[]［］ "))


def parse_prefix(text: str, overrides: dict[str, dict[str, str]] | None = None) -> Phase | None:
    """The phase a message states by starting with a phase prefix (either language)."""
    custom: dict[Phase, str] = {}
    for lang in overrides or {}:
        custom.update(_overrides(lang, overrides))
    return _parse_prefix(text, custom)


def _bot_names(state: IncidentState) -> tuple[str, ...]:
    return tuple(n for n in (state.config.bot_name,) if n)


def _reason(state: IncidentState, msg: ChatMessage, kind: str, quote: str) -> str:
    lang = state.lang
    return texts.t(
        lang,
        "phase_reason",
        who=msg.author.label,
        quote=fact_text.shorten(quote, 80),
        ref=msg.id,
        what=_CUE_WHAT[kind][lang],
    )


def _rank(phase: Phase) -> int:
    return PHASE_ORDER.index(phase)


def detect(state: IncidentState, msg: ChatMessage) -> PhaseSignal | None:
    """The phase change this message signals, if any (see the module docstring)."""
    if state.is_bot(msg.author) or msg.deleted:
        return None
    prefixed = parse_prefix(msg.content, state.config.phase_labels)
    if prefixed is not None:
        reason = texts.t(
            state.lang,
            "phase_reason_prefix",
            who=msg.author.label,
            ref=msg.id,
            label=label(prefixed, state.lang, state.config.phase_labels),
        )
        return PhaseSignal(
            phase=prefixed, certain=True, how="prefix", reason=reason, source_ids=[msg.id]
        )
    best: phase_cues.CueHit | None = None
    fix = phase_work.assigned_fix(state, msg.author)
    for sentence in fact_text.sentences(fact_text.clean(msg)):
        if phase_cues.addressed_to_bot(sentence, _bot_names(state)):
            continue
        hits = phase_cues.find(sentence)
        if fix is not None:  # "starting with node 1" from whoever was asked to do the fix
            started = phase_work.started(sentence)
            hits += [started] if started is not None else []
        for hit in hits:
            if not _moves(state.phase, hit.cue):
                continue
            if best is None or _better(hit, best):
                best = hit
    if best is None:
        return None
    if state.proposal is not None and state.proposal.phase == best.cue.phase:
        return None  # already waiting for the commander on this very change
    is_commander = state.commander is not None and state.commander.id == msg.author.id
    return PhaseSignal(
        phase=best.cue.phase,
        certain=best.cue.declare and is_commander,
        how="inferred",
        reason=_reason(state, msg, best.cue.kind, best.sentence),
        source_ids=[msg.id],
    )


def _moves(current: Phase, cue: phase_cues.Cue) -> bool:
    """Inference goes forward only; "errors are back" goes back from a later phase."""
    if cue.kind == "regressed":
        return current in (Phase.MITIGATING, Phase.MONITORING, Phase.RESOLVED)
    return _rank(cue.phase) > _rank(current)


def _better(hit: phase_cues.CueHit, best: phase_cues.CueHit) -> bool:
    """A regression outweighs progress; otherwise the furthest phase stated wins."""
    if hit.cue.kind == "regressed" or best.cue.kind == "regressed":
        return best.cue.kind != "regressed"
    return _rank(hit.cue.phase) > _rank(best.cue.phase) or (
        hit.cue.phase == best.cue.phase and hit.cue.declare and not best.cue.declare
    )


def proposal_action(state: IncidentState, proposal: PhaseProposal) -> ProposePhase:
    """The one-click question to the commander, with the reason and its source message."""
    lab = label(proposal.phase, state.lang, state.config.phase_labels)
    text = texts.t(state.lang, "phase_proposal", label=lab, reason=proposal.reason)
    return ProposePhase(at=proposal.at, incident_id=state.id, proposal=proposal, text=text)
