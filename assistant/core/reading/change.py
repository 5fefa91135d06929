"""Reading a reported or denied change, and the facts that bear on rolling it back.

A change cue counts when its sentence asserts it: not a question, a condition, a plan or a
request, not about staging or an earlier incident. A hedge does not stop a report ("might not
matter, but the template changed on friday"). A negated report is a denial ("no deploys
today"); when a message both denies and reports ("no deploys, only the config push"), the
report wins: something did change.

Risk facts follow the same modality, with two differences: a condition may still state a fact
("rolling back would drop the added index table": there is a migration) where the entry says so, and
a negation flips the value where the entry says so ("no flag" / "not behind a flag").
"""

from __future__ import annotations

import re

from assistant.core.reading.analysis import Analysis, Match
from assistant.core.reading.model import ChangeSignal, RiskFact, Span

_CLOCK = re.compile(r"\b(\d{1,2}:\d{2})\b|(\d{1,2})\s*時(?:\s*(\d{1,2})\s*分)?")


def _span(analysis: Analysis, match: Match) -> Span:
    return Span(start=match.start, end=match.end, text=analysis.original[match.start : match.end])


def _clock(text: str) -> str | None:
    m = _CLOCK.search(text)
    if m is None:
        return None
    if m.group(1):
        return m.group(1)
    return f"{int(m.group(2)):02d}:{int(m.group(3) or 0):02d}"


def _blocked(match: Match) -> bool:
    mod = match.modality
    return (
        mod.question
        or mod.hypothetical
        or mod.modal
        or mod.requested
        or mod.past_incident
        or mod.sarcastic
        or mod.env == "staging"
        or (mod.planned and match.entry.get("status") != "denied")
    )


def read_change(analysis: Analysis) -> ChangeSignal | None:
    reported: list[tuple[Match, str]] = []
    for match in analysis.matches("change"):
        if _blocked(match):
            continue
        status = str(match.entry.get("status"))
        if match.modality.negated:
            flip = match.entry.get("negated", "denied" if status == "reported" else "reported")
            if flip == "skip":
                continue
            status = str(flip)
        reported.append((match, status))
    if not reported:
        return None
    reported.sort(key=lambda pair: (pair[1] != "reported", pair[0].start))
    match, status = reported[0]
    sentence = match.sentence.text
    return ChangeSignal(
        status=status,
        kind=match.entry.get("kind", "other"),
        environment="canary" if match.modality.env == "canary" else "unknown",
        what=sentence[:160],
        at=_clock(sentence),
        span=_span(analysis, match),
    )


def _value(raw: object) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if raw in ("true", "yes"):
        return True
    if raw in ("false", "no"):
        return False
    return None


def read_risk(analysis: Analysis) -> list[RiskFact]:
    found: dict[str, RiskFact] = {}
    for match in analysis.matches("risk"):
        entry, mod = match.entry, match.modality
        if mod.question or mod.requested or mod.past_incident or mod.sarcastic:
            continue
        if (mod.hypothetical or mod.modal) and not entry.get("hypothetical_ok"):
            continue
        if mod.planned and not entry.get("hypothetical_ok"):
            continue
        value = _value(entry.get("value"))
        if value is None:
            continue
        if mod.negated:
            rule = entry.get("negated", "flip")
            if rule == "skip":
                continue
            value = (not value) if rule == "flip" else _value(rule)
            if value is None:
                continue
        key = str(entry.get("key"))
        if key in found:
            continue  # the first statement in the message decides each key
        found[key] = RiskFact(key=key, value=value, span=_span(analysis, match))
    return list(found.values())
