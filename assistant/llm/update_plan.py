"""Which claims of an offline update the model rewords, and how its claims are merged back.

An update is written incrementally. A claim the previous update already reworded, and that
has not changed since (same section, certainty and offline words), is carried over with
its earlier wording and its current sources: readers see stable sentences from one update
to the next, and the prompt does not pay for them again. Of the other claims, those that
fit the draft's share of the token budget are sent; the rest are kept word for word (a
later update sends them once the budget allows). Claims without a source are never sent
(nothing could vouch for a rewrite). Each sent claim is shown with its newest few sources;
a reworded claim that cites any of them gets all of that claim's sources back, so nothing
loses its traceability.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from assistant.core.model import Claim, StatusUpdate
from assistant.core.prompt_budget import estimate_tokens
from assistant.llm import context
from assistant.llm.drafts import DraftClaim, UpdateDraft

Fate = Literal["sent", "kept", "carried"]


def claim_key(claim: Claim) -> str:
    """What identifies an offline claim across updates: its section, certainty and words."""
    raw = "\x1f".join((claim.section, claim.certainty, claim.text))
    return hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()


@dataclass
class ClaimSplit:
    """The fate of each claim of the offline update, in the update's order.

    For a carried claim the slot holds the earlier reworded claim (with current sources);
    for a sent or kept one, the offline claim.
    """

    slots: list[tuple[Fate, Claim]] = field(default_factory=list)

    def _of(self, fate: Fate) -> list[Claim]:
        return [c for f, c in self.slots if f == fate]

    @property
    def sent(self) -> list[Claim]:
        return self._of("sent")

    @property
    def kept(self) -> list[Claim]:
        return self._of("kept")

    @property
    def carried(self) -> list[Claim]:
        return self._of("carried")

    def draft_block(self, update: StatusUpdate) -> str:
        lines = [context.as_data(update.headline), *(context.claim_line(c) for c in self.sent)]
        carried, kept = len(self.carried), len(self.kept)
        if carried:
            lines.append(
                f"({carried} claims are unchanged since the previous update and keep its "
                "wording; do not repeat them)"
            )
        if kept:
            lines.append(f"({kept} more claims are kept as they are; do not repeat them)")
        return "\n".join(lines)


class Wording:
    """Reworded claims remembered by the key of the offline claim they reword.

    The previous update lends its wording (it is persisted with the update); this memory
    also keeps claims that drop out of an update and come back later (a finding confirmed
    again), so they keep their words too. It is a bounded cache per incident, language and
    audience: losing it (a restart) only costs one larger prompt, never correctness.
    """

    def __init__(self, *, per_stream: int = 256, streams: int = 64) -> None:
        self.per_stream = per_stream
        self.streams = streams
        self._memory: OrderedDict[tuple[str, str, str], OrderedDict[str, Claim]] = OrderedDict()

    def recall(self, incident_id: str, update: StatusUpdate) -> dict[str, Claim]:
        return dict(self._memory.get((incident_id, update.lang, update.audience), {}))

    def remember(self, incident_id: str, update: StatusUpdate) -> None:
        key = (incident_id, update.lang, update.audience)
        stream = self._memory.setdefault(key, OrderedDict())
        self._memory.move_to_end(key)
        for claim in update.claims:
            if claim.basis is not None:
                stream[claim.basis] = claim
                stream.move_to_end(claim.basis)
        while len(stream) > self.per_stream:
            stream.popitem(last=False)
        while len(self._memory) > self.streams:
            self._memory.popitem(last=False)


def reworded_by_key(previous: StatusUpdate | None, update: StatusUpdate) -> dict[str, Claim]:
    """The previous update's reworded claims by the key of the offline claim they reword.

    Only an update for the same readers in the same language can lend its wording.
    """
    if previous is None or (previous.lang, previous.audience) != (update.lang, update.audience):
        return {}
    return {c.basis: c for c in previous.claims if c.basis is not None}


def split_claims(
    update: StatusUpdate,
    budget: int,
    *,
    previous: StatusUpdate | None = None,
    remembered: Mapping[str, Claim] | None = None,
) -> ClaimSplit:
    """Carry what was reworded before; send what fits in ``budget``; keep the rest.

    Wording comes from ``previous`` first, then from ``remembered`` (see ``Wording``).
    """
    reworded = {**(remembered or {}), **reworded_by_key(previous, update)}
    split = ClaimSplit()
    used = estimate_tokens(update.headline)
    for claim in update.claims:
        if not claim.source_ids:
            split.slots.append(("kept", claim))
            continue
        key = claim_key(claim)
        earlier = reworded.get(key)
        if earlier is not None:
            carried = earlier.model_copy(update={"source_ids": claim.source_ids, "basis": key})
            split.slots.append(("carried", carried))
            continue
        cost = estimate_tokens(context.claim_line(claim)) + 1
        if used + cost > budget:
            split.slots.append(("kept", claim))
            continue
        split.slots.append(("sent", claim))
        used += cost
    return split


def merge_claims(draft: UpdateDraft, split: ClaimSplit, *, deleted: set[str]) -> list[Claim]:
    """The update's claims in the offline order: carried, reworded and kept ones.

    A reworded claim gets back all sources of every sent claim it cites, and takes the
    place of the sent claim it best matches (``_best_match``), or of the first it cites on
    a tie; one citing none of them goes last, unless all it cites is cited by carried claims
    (it would repeat one the model was not shown). When the match is unambiguous and no other
    reworded claim shares it, the claim records the sent claim's key as its ``basis``, so
    the next update can carry it.
    """
    sent = [c for fate, c in split.slots if fate == "sent"]
    hits = [
        [i for i, s in enumerate(sent) if set(c.source_ids) & set(s.source_ids)]
        for c in draft.claims
    ]
    best = [_best_match(c, found, sent) for c, found in zip(draft.claims, hits, strict=True)]
    owners: dict[int, int] = {}
    for i in best:
        if i is not None:
            owners[i] = owners.get(i, 0) + 1
    placed: dict[int, list[Claim]] = {}
    unplaced: list[Claim] = []
    for c, found, i in zip(draft.claims, hits, best, strict=True):
        ids = [*c.source_ids, *(s for k in found for s in sent[k].source_ids)]
        # one for one: nobody else rewords that claim, and this one cites nothing beyond it
        one_to_one = (
            i is not None and owners[i] == 1 and set(c.source_ids) <= set(sent[i].source_ids)
        )
        claim = Claim(
            section=c.section,
            text=" ".join(c.text.split()),
            certainty=c.certainty,
            source_ids=[s for s in dict.fromkeys(ids) if s not in deleted],
            basis=claim_key(sent[i]) if one_to_one and i is not None else None,
        )
        at = i if i is not None else (found[0] if found else None)
        if at is None:
            unplaced.append(claim)
        else:
            placed.setdefault(at, []).append(claim)
    merged: list[Claim] = []
    n_sent = 0
    for fate, claim in split.slots:
        if fate == "sent":
            merged.extend(placed.get(n_sent, []))
            n_sent += 1
        else:
            merged.append(claim)
    # a claim citing only what carried claims cite repeats one the model was not shown
    carried_ids = {s for c in split.carried for s in c.source_ids}
    extra = [c for c in unplaced if not (carried_ids and set(c.source_ids) <= carried_ids)]
    return [*merged, *extra]


def _best_match(claim: DraftClaim, found: list[int], sent: list[Claim]) -> int | None:
    """The sent claim ``claim`` rewords: most shared shown ids, then the same section.

    Two claims can share a message (one chat line both assigns a task and reports a
    finding), so sharing an id is not enough; the ids the prompt showed for each claim and
    its section decide. None when nothing is shared or the best is a tie.
    """
    if not found:
        return None
    cited = set(claim.source_ids)

    def score(i: int) -> tuple[int, bool, bool]:
        s = sent[i]
        shown = set(s.source_ids[-context.MAX_SOURCES :])
        return (len(cited & shown), s.section == claim.section, s.certainty == claim.certainty)

    ranked = sorted(found, key=score, reverse=True)
    if len(ranked) > 1 and score(ranked[0]) == score(ranked[1]):
        return None
    return ranked[0]
