"""The data blocks of a prompt, built from the incident state and the offline result.

Everything taken from chat is *data*: ``as_data`` turns the characters that could close a
delimiter (``<`` and ``>``) into look-alikes, makes mass mentions inert, and chat lines are
flattened to one line each so a message cannot fake another message's line. Redaction is
applied by the engine to the whole rendered prompt.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from assistant.core.model import (
    Answer,
    ChatMessage,
    Claim,
    Fact,
    IncidentState,
    StatusUpdate,
)
from assistant.core.prompt_budget import truncate
from assistant.core.safety import neutralize_mentions

_ESCAPES = str.maketrans({"<": "‹", ">": "›"})
MAX_MESSAGE_TOKENS = 160
MIN_CHORUS_CHARS = 12  # shorter texts are answers to different questions, not a chorus


def as_data(text: str) -> str:
    """``text`` made safe to place between delimiters: no tag characters, no mass mention."""
    return neutralize_mentions(text.translate(_ESCAPES))


def _hhmm(at: datetime) -> str:
    return at.strftime("%H:%M")


def _one_line(content: str) -> str:
    return " / ".join(part.strip() for part in content.splitlines() if part.strip())


def chat_line(msg: ChatMessage) -> str:
    """``[id] HH:MM name: text`` on one line, with the text cut to a modest size."""
    text = truncate(_one_line(msg.content), MAX_MESSAGE_TOKENS)
    return as_data(f"[{msg.id}] {_hhmm(msg.at)} {msg.author.label}: {text}")


def chat_lines(messages: list[ChatMessage]) -> list[tuple[str, list[str]]]:
    """One line per distinct text, with the ids of the messages it stands for, oldest first.

    Several people often post the same words ("same here: checkout times out"); the line
    is written once, at the place of its newest copy, naming every author and how many
    messages said it (with the newest few ids), so the model sees the chorus without
    paying for each voice.
    """
    groups: dict[str, list[tuple[int, ChatMessage]]] = {}
    for pos, msg in enumerate(messages):
        key = " ".join(_one_line(msg.content).casefold().split())
        if len(key) < MIN_CHORUS_CHARS:
            key = f"\x00{msg.id}"  # "yes", "ok": each answers its own question
        groups.setdefault(key, []).append((pos, msg))
    lines: list[tuple[str, list[str]]] = []
    for group in sorted(groups.values(), key=lambda g: g[-1][0]):
        msgs = [m for _, m in group]
        if len(msgs) == 1:
            lines.append((chat_line(msgs[0]), [msgs[0].id]))
            continue
        first, last = msgs[0], msgs[-1]
        ids = [m.id for m in msgs]
        shown = ids[-MAX_SOURCES:]
        more = f" +{len(ids) - len(shown)} more" if len(ids) > len(shown) else ""
        authors = ", ".join(dict.fromkeys(m.author.label for m in msgs))
        text = truncate(_one_line(last.content), MAX_MESSAGE_TOKENS)
        line = (
            f"[{', '.join(shown)}{more}] {_hhmm(first.at)}-{_hhmm(last.at)} {authors} "
            f"({len(msgs)} messages): {text}"
        )
        lines.append((as_data(line), ids))
    return lines


def messages_since(state: IncidentState, previous: StatusUpdate | None) -> list[ChatMessage]:
    """Live human messages posted after ``previous`` (all of them when there is none)."""
    return [
        m
        for m in state.live_messages()
        if not state.is_bot(m.author) and (previous is None or m.at > previous.at)
    ]


MAX_SOURCES = 3
MAX_GONE = 4


def sources_text(ids: list[str], max_sources: int = MAX_SOURCES) -> str:
    """``[sources: a, b, c]``, showing the newest ``max_sources`` ids and how many more."""
    shown = ids[-max_sources:] if max_sources else []
    more = len(ids) - len(shown)
    suffix = f" (+{more} more)" if more else ""
    return f"[sources: {', '.join(shown)}{suffix}]"


def _fact_line(fact: Fact) -> str:
    # No source ids: the state is background, not something a claim may cite (a claim cites
    # the draft, the previous update or the chat), and ids are the costliest words here.
    return f"- ({fact.kind}, {fact.certainty}) {fact.text}"


def claim_line(claim: Claim, *, max_sources: int = MAX_SOURCES) -> str:
    """``- (section, certainty) text [sources: …]``; no sources part when ``max_sources`` is 0."""
    head = f"- ({claim.section}, {claim.certainty}) {claim.text}"
    if max_sources <= 0:
        return as_data(head)
    return as_data(f"{head} {sources_text(claim.source_ids, max_sources)}")


def state_block(
    state: IncidentState,
    *,
    max_facts: int = 6,
    max_roster: int = 8,
    covered: Collection[str] = (),
) -> str:
    """Phase, title, commander, open assignments and the newest facts of the incident.

    Assignments and facts whose every source is in ``covered`` (already cited by the
    draft) are left out: the draft carries them, and the prompt should not pay twice.
    """
    lines = [f"phase: {state.phase.value}"]
    if state.title:
        lines.append(f"title: {state.title}")
    if state.severity:
        lines.append(f"severity: {state.severity}")
    if state.commander is not None:
        lines.append(f"commander: {state.commander.label}")
    covered_ids = set(covered)

    def new(ids: list[str]) -> bool:
        return not ids or not set(ids) <= covered_ids

    open_ = [a for a in state.open_assignments() if new(a.source_ids)]
    if open_:
        lines.append("roster (not in the draft):" if covered_ids else "roster:")
        for a in open_[-max_roster:]:
            purpose = f" (purpose: {a.purpose})" if a.purpose else ""
            lines.append(f"- {a.user.label}: {a.task}{purpose}")
        if len(open_) > max_roster:
            lines.append(f"(+{len(open_) - max_roster} more assignments)")
    live = {m.id for m in state.live_messages()}
    facts = _distinct(
        [f for f in state.facts if all(s in live for s in f.source_ids) and new(f.source_ids)]
    )
    if facts and max_facts > 0:
        lines.append("facts (not in the draft):" if covered_ids else "facts:")
        lines.extend(_fact_line(f) for f in facts[-max_facts:])
    return as_data("\n".join(lines))


def _distinct(facts: list[Fact]) -> list[Fact]:
    """Facts saying the same thing once, at the place of the newest."""
    groups: dict[tuple[str, str, str], list[Fact]] = {}
    for fact in facts:
        key = (fact.kind, fact.certainty, " ".join(fact.text.casefold().split()))
        groups.setdefault(key, []).append(fact)
    order = {id(f): i for i, f in enumerate(facts)}
    return [g[-1] for g in sorted(groups.values(), key=lambda g: order[id(g[-1])])]


def update_block(update: StatusUpdate | None) -> str:
    """An update as headline plus one line per claim (with its newest sources)."""
    if update is None:
        return "(none: this is the first update)"
    lines = [as_data(update.headline), *(claim_line(c) for c in update.claims)]
    if update.next_update_at is not None:
        lines.append(f"next update: {_hhmm(update.next_update_at)}")
    return "\n".join(lines)


def previous_block(previous: StatusUpdate | None, still: Collection[str]) -> str:
    """The previous update as far as it differs from the current one.

    Its headline always; then only its claims whose words are not in ``still`` (the texts
    the current update carries: what changed or ended), so the prompt does not pay twice
    for claims that are still true.
    """
    if previous is None:
        return "(none: this is the first update)"
    current_texts = set(still)
    gone = [c for c in previous.claims if c.text not in current_texts]
    # without sources: an ended claim is context, not something the new update may cite
    lines = [
        as_data(previous.headline),
        *(claim_line(c, max_sources=0) for c in gone[:MAX_GONE]),
    ]
    if len(gone) > MAX_GONE:
        lines.append(f"(+{len(gone) - MAX_GONE} more earlier claims no longer in the draft)")
    if len(gone) < len(previous.claims):
        lines.append(f"({len(previous.claims) - len(gone)} claims unchanged: see the draft)")
    return "\n".join(lines)


def answer_block(answer: Answer) -> str:
    """The offline answer: its text, checklist and citations."""
    lines = [answer.text]
    for item in answer.checklist:
        lines.append(f"- {item.question}: {item.answer}{' ' + item.detail if item.detail else ''}")
    if answer.citations:
        lines.append("citations: " + ", ".join(answer.citations))
    return as_data("\n".join(lines))


def confirmed_ids(state: IncidentState, updates: Iterable[StatusUpdate | None]) -> set[str]:
    """Message ids that back a confirmed fact or a confirmed claim."""
    ids = {s for f in state.facts if f.certainty == "confirmed" for s in f.source_ids}
    for update in updates:
        if update is not None:
            ids.update(s for c in update.claims if c.certainty == "confirmed" for s in c.source_ids)
    return ids
