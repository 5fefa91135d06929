"""Phase labels and prefixes, and how a message's Reading moves the phase (ja/en).

What a message says about the phase is read by the Reader (``reading.phase``): a phase prefix
(【復旧完了】, [Resolved]), an explicit declaration ("closing this out", 「復旧完了とします」), or
an observation ("p99 is back under 200ms", 「戻しました」), with its certainty. This module
decides what the incident does with it:

- Only the commander (or someone holding the configured commander role) changes the phase.
  Their prefix or declaration changes it at once; anything else — their plain observations,
  and every prefix, declaration or observation from anyone else — is a *proposal* the
  commander confirms with one click. A message addressed to the bot never changes the phase
  by itself either: chat is data, not instructions.
- An inferred change only moves the incident forward, except "the problem is back", which
  sends it back to investigating from a later phase. A prefix may go either way.
- A plain "starting" from someone whose open task is a fix the commander handed out proposes
  mitigating (the Reader marks it; see ``reading.phase``).
"""

from __future__ import annotations

from typing import Literal

from assistant.core import texts
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
from assistant.core.reading import Reading
from assistant.core.reading.text import sentence_around, shorten

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
    """A phase change one message asks for: certain (the commander's own prefix or
    declaration) or a proposal."""

    phase: Phase
    certain: bool
    reason: str
    source_ids: list[str]
    how: Literal["prefix", "inferred"] = "inferred"
    by_commander: bool = False  # the commander wrote it (replay may confirm it for them)


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


def _reason(state: IncidentState, msg: ChatMessage, kind: str, quote: str) -> str:
    lang = state.lang
    return texts.t(
        lang,
        "phase_reason",
        who=msg.author.label,
        quote=shorten(quote, 80),
        ref=msg.id,
        what=_CUE_WHAT[kind][lang],
    )


def _rank(phase: Phase) -> int:
    return PHASE_ORDER.index(phase)


_KIND = {
    Phase.INVESTIGATING: "regressed",  # the only way inference goes back
    Phase.IDENTIFIED: "cause_found",
    Phase.MITIGATING: "fix_started",
    Phase.MONITORING: "recovered",
    Phase.RESOLVED: "resolved",
}


def signal(
    state: IncidentState,
    msg: ChatMessage,
    reading: Reading,
    *,
    privileged: bool = False,
    to_bot: bool = False,
) -> PhaseSignal | None:
    """The phase change this message asks for, if any (see the module docstring).

    ``privileged``: the author may change the phase (the commander, or the commander role).
    """
    read = reading.phase
    if read is None or state.is_bot(msg.author) or msg.deleted:
        return None
    if read.certainty == "suspected" and not read.prefixed:
        return None  # a guess or hearsay moves nothing: the facts keep it as suspected
    if read.phase == state.phase:
        return None
    if not read.prefixed and not _moves(state.phase, read.phase, read.regressed):
        return None
    if state.proposal is not None and state.proposal.phase == read.phase and not privileged:
        return None  # already waiting for the commander on this very change

    if read.prefixed:
        reason = texts.t(
            state.lang,
            "phase_reason_prefix",
            who=msg.author.label,
            ref=msg.id,
            label=label(read.phase, state.lang, state.config.phase_labels),
        )
    else:
        kind = "regressed" if read.regressed else _KIND[read.phase]
        quote = sentence_around(msg.content, read.span.start, read.span.end)
        reason = _reason(state, msg, kind, quote)
    decisive = read.prefixed or (read.declared and read.certainty == "confirmed")
    return PhaseSignal(
        phase=read.phase,
        certain=decisive and privileged and not to_bot,
        how="prefix" if read.prefixed else "inferred",
        reason=reason,
        source_ids=[msg.id],
        by_commander=privileged and not to_bot,
    )


def _moves(current: Phase, target: Phase, regressed: bool) -> bool:
    """Inference goes forward only; "errors are back" goes back from a later phase."""
    if regressed:
        return current in (Phase.MITIGATING, Phase.MONITORING, Phase.RESOLVED)
    return _rank(target) > _rank(current)


def proposal_action(state: IncidentState, proposal: PhaseProposal) -> ProposePhase:
    """The one-click question to the commander, with the reason and its source message."""
    lab = label(proposal.phase, state.lang, state.config.phase_labels)
    text = texts.t(state.lang, "phase_proposal", label=lab, reason=proposal.reason)
    return ProposePhase(at=proposal.at, incident_id=state.id, proposal=proposal, text=text)
