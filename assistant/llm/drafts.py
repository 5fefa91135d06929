"""What the model may return, and the checks that keep it to rephrasing.

The model returns a small JSON object (``UpdateDraft`` or ``AnswerDraft``). Pydantic checks
its shape; ``check_update`` and ``check_answer`` then check it against the offline result:
the right phase label, sources that exist in the input, certainty not upgraded, nothing of
the offline result dropped, no links that were not in the input, no refusal. A draft that
fails raises ``DraftError`` with a message the repair prompt sends back to the model.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.core.model import Phase
from assistant.core.phases import label as phase_label

Section = Literal["impact", "actions", "confirmed", "suspected", "decisions", "waiting"]
RecommendationOut = Literal["rollback", "disable_flag", "fix_forward", "redeploy", "hold", "none"]


class DraftError(ValueError):
    """The model's output is unusable; the message says why (sent back on repair)."""


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DraftClaim(_Out):
    section: Section
    certainty: Literal["confirmed", "suspected"]
    text: str = Field(min_length=1, max_length=600)
    source_ids: list[str]


class UpdateDraft(_Out):
    headline: str = Field(min_length=1, max_length=400)
    claims: list[DraftClaim]


class AnswerDraft(_Out):
    recommendation: RecommendationOut
    text: str = Field(min_length=1, max_length=1800)


_DROPPED_KEYWORDS = frozenset({"title", "minLength", "maxLength", "minItems", "maxItems"})


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with ``$ref``s inlined, titles and length limits removed.

    Strict ``json_schema`` mode wants every property required and no extra properties, which
    these models already give; inlining makes the schema usable by grammar-based servers
    (llama.cpp) whose converters handle references poorly. Length limits stay in the
    pydantic validation only: strict mode does not accept them, and llama.cpp turns a
    ``maxLength`` of hundreds into a grammar it cannot parse (it answers with an error).
    """
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {k: inline(v) for k, v in node.items() if k not in _DROPPED_KEYWORDS}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    result: dict[str, Any] = inline(schema)
    return result


_REFUSALS = re.compile(
    r"\b(?:I\s+(?:can(?:no|')t|am\s+unable\s+to|won't)\s+(?:help|assist|comply|do\s+that)"
    r"|as\s+an\s+AI\b)|お手伝いできません|お答えできません|回答できません|対応いたしかねます",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s)>\]」』]+")


# what small models echo back from the output example: "<the answer>", "<text>", "<headline>"
_PLACEHOLDER = re.compile(r"<\s*[a-z][a-z _-]{1,40}\s*>", re.I)


def is_refusal(text: str) -> bool:
    return _REFUSALS.search(text) is not None


def _all_labels(overrides: dict[str, dict[str, str]]) -> dict[str, set[str]]:
    """Every phase label (default and configured) by phase value."""
    labels: dict[str, set[str]] = {}
    for phase in Phase:
        for lang in ("ja", "en"):
            labels.setdefault(phase.value, set()).add(phase_label(phase, lang))
            labels[phase.value].add(phase_label(phase, lang, overrides))
    return labels


def check_text(
    text: str,
    *,
    phase: str,
    overrides: dict[str, dict[str, str]],
    input_text: str,
    what: str,
) -> None:
    """Rules for any text the model writes: no refusal, no template placeholder left in,
    no other phase, no new links."""
    if is_refusal(text):
        raise DraftError(f"the {what} is a refusal")
    placeholder = _PLACEHOLDER.search(text)
    if placeholder is not None and placeholder.group(0) not in input_text:
        raise DraftError(f"the {what} is a template placeholder ({placeholder.group(0)}), not text")
    for other, labels in _all_labels(overrides).items():
        if other != phase and any(label in text for label in labels):
            raise DraftError(f"the {what} names another phase ({other}); the phase is {phase}")
    for url in _URL.findall(text):
        if url not in input_text:
            raise DraftError(f"the {what} contains a link that is not in the input: {url}")


def check_update(
    draft: UpdateDraft,
    *,
    label: str,
    phase: str,
    overrides: dict[str, dict[str, str]],
    allowed_ids: Collection[str],
    confirmed_ids: Collection[str],
    required: Sequence[Collection[str]],
    input_text: str,
) -> None:
    """Raise ``DraftError`` unless ``draft`` only rephrases what the input supports."""
    headline = draft.headline.strip()
    if not headline.startswith(label):
        raise DraftError(f"the headline must start with {label}")
    if "\n" in headline:
        raise DraftError("the headline must be one line")
    check_text(headline, phase=phase, overrides=overrides, input_text=input_text, what="headline")
    cited: set[str] = set()
    for i, claim in enumerate(draft.claims, 1):
        if not claim.source_ids:
            raise DraftError(f"claim {i} has no source_ids; every claim needs a source")
        unknown = [s for s in claim.source_ids if s not in allowed_ids]
        if unknown:
            raise DraftError(f"claim {i} cites ids that are not in the input: {unknown}")
        if claim.certainty == "confirmed" and not set(claim.source_ids) & set(confirmed_ids):
            raise DraftError(f"claim {i} is marked confirmed but its sources are only suspected")
        check_text(
            claim.text, phase=phase, overrides=overrides, input_text=input_text, what=f"claim {i}"
        )
        cited.update(claim.source_ids)
    for i, group in enumerate(required, 1):
        if group and not cited & set(group):
            example = sorted(group)[-1]
            raise DraftError(f"claim {i} of the draft was dropped: cite it (e.g. {example})")


def check_answer(
    draft: AnswerDraft,
    *,
    recommendation: str | None,
    label: str,
    phase: str,
    overrides: dict[str, dict[str, str]],
    offline_text: str,
    input_text: str,
) -> None:
    """Raise ``DraftError`` unless ``draft`` keeps the offline answer's recommendation."""
    expected = recommendation or "none"
    if draft.recommendation != expected:
        raise DraftError(f'the recommendation must stay "{expected}"')
    text = draft.text.strip()
    if not text:
        raise DraftError("the text is empty")
    if len(text) < min(40, len(offline_text.strip()) // 4):
        raise DraftError("the text is too short to carry the answer; rephrase all of it")
    if offline_text.lstrip().startswith(label) and not text.startswith(label):
        raise DraftError(f"the text must start with {label}")
    check_text(text, phase=phase, overrides=overrides, input_text=input_text, what="text")
