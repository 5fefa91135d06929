"""Phase labels, prefixes and inference. STUB: owned by the phases/updates work."""

from __future__ import annotations

from typing import Literal

from assistant.core.actions import ProposePhase
from assistant.core.model import ChatMessage, IncidentState, Lang, Model, Phase, PhaseProposal

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


class PhaseSignal(Model):
    """A phase change read from one message: certain (prefix) or inferred."""

    phase: Phase
    certain: bool
    reason: str
    source_ids: list[str]
    how: Literal["prefix", "inferred"] = "inferred"


def label(phase: Phase, lang: Lang, overrides: dict[str, dict[str, str]] | None = None) -> str:
    custom = (overrides or {}).get(lang, {}).get(phase.value)
    return custom or LABELS[lang][phase]


def parse_phase_name(text: str) -> Phase | None:
    try:
        return Phase(text.strip().lower())
    except ValueError:
        return None


def detect(state: IncidentState, msg: ChatMessage) -> PhaseSignal | None:
    return None


def proposal_action(state: IncidentState, proposal: PhaseProposal) -> ProposePhase:
    text = f"{label(proposal.phase, state.lang, state.config.phase_labels)} ? {proposal.reason}"
    return ProposePhase(at=proposal.at, incident_id=state.id, proposal=proposal, text=text)
