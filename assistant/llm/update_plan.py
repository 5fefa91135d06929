"""Which claims of an offline update the model rewrites, and how its claims are merged back.

A long incident makes long offline updates (dozens of claims, some with dozens of sources),
so only the leading claims that fit the draft's share of the token budget are sent; the rest
are kept word for word. Claims without a source are never sent (nothing could vouch for a
rewrite). Each sent claim is shown with its newest few sources; a rewritten claim that cites
any of them gets all of that claim's sources back, so nothing loses its traceability.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.core.model import Claim, StatusUpdate
from assistant.core.prompt_budget import estimate_tokens
from assistant.llm import context
from assistant.llm.drafts import UpdateDraft


@dataclass
class ClaimSplit:
    sent: list[Claim] = field(default_factory=list)
    kept: list[Claim] = field(default_factory=list)  # in their original order

    def draft_block(self, update: StatusUpdate) -> str:
        lines = [context.as_data(update.headline), *(context.claim_line(c) for c in self.sent)]
        if self.kept:
            lines.append(f"({len(self.kept)} more claims are kept as they are; do not repeat them)")
        return "\n".join(lines)


def split_claims(update: StatusUpdate, budget: int) -> ClaimSplit:
    """Send the leading sourced claims that fit in ``budget`` tokens; keep the others."""
    split = ClaimSplit()
    used = estimate_tokens(update.headline)
    full = False
    for claim in update.claims:
        if full or not claim.source_ids:
            split.kept.append(claim)
            continue
        cost = estimate_tokens(context.claim_line(claim)) + 1
        if used + cost > budget:
            full = True  # later claims stay too, so the sent ones are a clean prefix
            split.kept.append(claim)
            continue
        split.sent.append(claim)
        used += cost
    return split


def merge_claims(draft: UpdateDraft, split: ClaimSplit, *, deleted: set[str]) -> list[Claim]:
    """The model's claims with their sources completed, then the kept claims."""
    merged: list[Claim] = []
    for c in draft.claims:
        cited = set(c.source_ids)
        ids = list(c.source_ids)
        for sent in split.sent:
            if cited & set(sent.source_ids):
                ids.extend(sent.source_ids)
        ids = [s for s in dict.fromkeys(ids) if s not in deleted]
        merged.append(
            Claim(
                section=c.section,
                text=" ".join(c.text.split()),
                certainty=c.certainty,
                source_ids=ids,
            )
        )
    return [*merged, *split.kept]
