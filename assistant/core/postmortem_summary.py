"""The summary paragraph of the offline draft: a few sentences, each from the record.

The LLM may reword this paragraph (``assistant/llm/postmortem.py``); this is what the draft
says without one, and what the model's wording is checked against.
"""

from __future__ import annotations

from assistant.core import postmortem_texts as tx
from assistant.core.model import Fact, IncidentState, Phase
from assistant.core.phases import label
from assistant.core.postmortem_actions import changes_before
from assistant.core.postmortem_model import Postmortem, clock, quote, span_between
from assistant.core.postmortem_times import live_facts, recovered_after, stopgaps


def summary(state: IncidentState, pm: Postmortem, distinct: list[Fact]) -> str:
    lang = pm.lang

    def say(key: str, **values: object) -> str:
        return tx.w(tx.SUMMARY, key, lang, **values)

    marks = {m.key: m for m in pm.milestones}
    detected, resolved = marks["detected"], marks["resolved"]
    parts: list[str] = []
    if pm.phase is Phase.RESOLVED and resolved.at is not None:
        parts.append(
            say(
                "resolved",
                detected=clock(detected.at),
                resolved=clock(resolved.at),
                duration=span_between(detected.at, resolved.at, lang),
            )
        )
    else:
        now = label(state.phase, lang, state.config.phase_labels)
        parts.append(say("open", detected=clock(detected.at), now=clock(pm.as_of), label=now))
    impacts = [f for f in distinct if f.kind == "impact"]
    if impacts:
        first = quote(impacts[0].text, lang)
        more = len(impacts) - 1
        parts.append(
            say("impact_more", quote=first, n=more) if more else say("impact", quote=first)
        )
    else:
        parts.append(say("no_impact"))
    changes = changes_before(distinct, pm.advice)
    if changes:
        parts.append(say("change", quote=quote(changes[0].text, lang)))
    chosen = restoring_action(state)
    if chosen is not None:
        kind, f = chosen
        who = state.participants.get(f.by or "")
        by = f" — {who.user.label}" if who is not None else ""
        noun = tx.w(tx.ACTION_NOUN, kind, lang)
        parts.append(say("stopgap", noun=noun, quote=quote(f.text, lang), who=by))
    else:
        parts.append(say("no_stopgap"))
    if pm.cause_certainty == "confirmed":
        parts.append(say("cause_confirmed", quote=quote(pm.cause, lang)))
    elif pm.cause_certainty == "suspected":
        parts.append(say("cause_suspected", quote=quote(pm.cause, lang)))
    else:
        parts.append(say("cause_unknown"))
    if pm.rollback_attempted:
        outcome = tx.w(tx.OUTCOME, pm.rollback_outcome or "unknown", lang)
        parts.append(say("rollback", outcome=outcome))
    else:
        parts.append(say("no_rollback"))
    people = sum(1 for p in state.participants.values() if not state.is_bot(p.user))
    parts.append(
        say("updates", updates=len(state.updates), people=people, tasks=len(state.assignments))
    )
    return ("" if lang == "ja" else " ").join(_end(p, lang) for p in parts)


def restoring_action(state: IncidentState) -> tuple[str, Fact] | None:
    """The stop-gap that restored service: the first of the last run of one kind of
    stop-gap before the first recovery (a rollback, then a restart that worked: the
    restart), or the first stop-gap when no recovery followed."""
    facts = live_facts(state)
    gaps = stopgaps(state, facts)
    if not gaps:
        return None
    recovered = recovered_after(state, facts, gaps[0][1].at)
    if recovered is None:
        return gaps[0]
    before = [g for g in gaps if g[1].at <= recovered]
    i = len(before) - 1
    while i > 0 and before[i - 1][0] == before[-1][0]:
        i -= 1
    return before[i]


def _end(sentence: str, lang: str) -> str:
    if lang == "ja":
        return sentence if sentence.endswith("。") else sentence + "。"
    return sentence if sentence.endswith((".", "!", "?")) else sentence + "."
