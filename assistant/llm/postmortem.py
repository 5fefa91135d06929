"""LLM wording for the postmortem draft: the summary paragraph and each candidate action.

The offline draft (``assistant.core.postmortem``) is the postmortem; the model only offers
better words for its prose. Everything else (times, milestones, quotes, sources, the front
matter) stays the offline draft's. The model's wording is checked so it cannot add facts:
every action must come back under its id, no number or link may appear that the offline
text did not have, and no refusal or template text is accepted. Any failure gives the
offline draft back marked ``offline-fallback``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Collection

from pydantic import Field

from assistant.core.model import IncidentState
from assistant.core.postmortem_model import Postmortem, clock
from assistant.core.postmortem_texts import ACTION_KINDS
from assistant.core.postmortem_texts import KIND as KIND_NAMES
from assistant.core.prompt_budget import estimate_tokens, truncate
from assistant.core.safety import Redactor
from assistant.llm.calls import StructuredCaller
from assistant.llm.context import as_data
from assistant.llm.drafts import DraftError, _Out, check_text
from assistant.llm.prompts import PostmortemVars, Prompt, PromptLibrary

log = logging.getLogger(__name__)

LANG_NAMES = {"ja": "Japanese (日本語)", "en": "English"}
RECORD_SHARE = 0.5  # of the token budget, at most, for the record block
_NUMBER = re.compile(r"\d+(?:[.:,]\d+)*")


class WordedAction(_Out):
    id: str
    text: str = Field(min_length=1, max_length=800)


class PostmortemWording(_Out):
    summary: str = Field(min_length=1, max_length=2000)
    actions: list[WordedAction]


def numbers(text: str) -> set[str]:
    """The numbers and clock times written in ``text`` (full-width digits count too)."""
    return set(_NUMBER.findall(unicodedata.normalize("NFKC", text)))


def check_wording(
    wording: PostmortemWording,
    *,
    offline_summary: str,
    offline_actions: dict[str, str],
    phase: str,
    overrides: dict[str, dict[str, str]],
    input_text: str,
) -> None:
    """Raise ``DraftError`` unless ``wording`` only rephrases the offline draft."""
    summary = wording.summary.strip()
    if len(summary) < min(40, len(offline_summary) // 4):
        raise DraftError("the summary is too short to carry the draft; rephrase all of it")
    _same_facts(summary, offline_summary, "summary", phase, overrides, input_text)
    ids = [a.id for a in wording.actions]
    if sorted(ids) != sorted(offline_actions):
        missing = sorted(set(offline_actions) - set(ids))
        extra = sorted(set(ids) - set(offline_actions))
        raise DraftError(
            f"return every action once under its id: missing {missing}, unknown {extra}"
        )
    for action in wording.actions:
        _same_facts(
            action.text.strip(),
            offline_actions[action.id],
            f"action {action.id}",
            phase,
            overrides,
            input_text,
        )


def _same_facts(
    text: str,
    offline: str,
    what: str,
    phase: str,
    overrides: dict[str, dict[str, str]],
    input_text: str,
) -> None:
    if not text:
        raise DraftError(f"the {what} is empty")
    check_text(text, phase=phase, overrides=overrides, input_text=input_text, what=what)
    new = sorted(numbers(text) - numbers(offline))
    if new:
        raise DraftError(f"the {what} has numbers or times the draft does not: {new}")


def record_block(pm: Postmortem) -> str:
    """What the draft is about, as data: title, milestones, impact and timeline lines."""
    lines = [f"title: {pm.title}", f"phase: {pm.phase.value}"]
    for m in pm.milestones:
        if m.at is not None:
            lines.append(f"- {m.key}: {clock(m.at)}")
    for e in pm.impact[:6]:
        lines.append(f"- impact: {' '.join(e.text.split())}")
    for e in pm.timeline:
        kind = KIND_NAMES.get(e.kind, {}).get("en", e.kind)
        lines.append(f"- {clock(e.at)} {kind}: {' '.join(e.text.split())}")
    return as_data("\n".join(lines))


def draft_block(pm: Postmortem) -> tuple[str, dict[str, str]]:
    """The prose to reword, and the actions by the id the model must return."""
    actions = {f"a{i}": c.text for i, c in enumerate(pm.actions, 1)}
    lines = [f"summary: {' '.join(pm.summary.split())}", "actions:"]
    for (ident, text), c in zip(actions.items(), pm.actions, strict=True):
        kind = ACTION_KINDS[c.kind]["en"]
        lines.append(f"- [{ident}] ({kind}) {' '.join(text.split())}")
    return as_data("\n".join(lines)), actions


def _example(actions: Collection[str]) -> str:
    first = next(iter(actions), "a1")
    return (
        '{"summary": "<the summary, reworded>", "actions": [{"id": "'
        + first
        + '", "text": "<the action, reworded>"}]}'
    )


class PostmortemWriter:
    """Words a postmortem draft through the structured caller; never raises."""

    def __init__(
        self, caller: StructuredCaller, prompts: PromptLibrary, redactor: Redactor, budget: int
    ) -> None:
        self.caller = caller
        self.prompts = prompts
        self.redactor = redactor
        self.budget = budget

    async def word(self, state: IncidentState, pm: Postmortem) -> Postmortem:
        fallback = pm.model_copy(update={"engine": "offline-fallback"})
        try:
            prompt, actions = self._prompt(pm)
        except Exception as exc:
            log.warning("incident %s: no LLM postmortem (%s); offline draft", state.id, exc)
            self.caller.skipped("postmortem", str(exc), state.id)
            return fallback
        input_text = prompt.system + "\n" + prompt.user

        def check(wording: PostmortemWording) -> None:
            check_wording(
                wording,
                offline_summary=pm.summary,
                offline_actions=actions,
                phase=pm.phase.value,
                overrides=state.config.phase_labels,
                input_text=input_text,
            )

        output_format = self.caller.output_format(PostmortemWording, _example(actions))
        wording = await self.caller.call(
            prompt, PostmortemWording, check, output_format=output_format, incident_id=state.id
        )
        if wording is None:
            return fallback
        clean = self.redactor.sanitize_output
        texts = {a.id: clean(" ".join(a.text.split())) for a in wording.actions}
        worded = [
            c.model_copy(update={"text": texts[ident]})
            for ident, c in zip(actions, pm.actions, strict=True)
        ]
        summary = clean(" ".join(wording.summary.split()))
        return pm.model_copy(update={"summary": summary, "actions": worded, "engine": "llm"})

    def _prompt(self, pm: Postmortem) -> tuple[Prompt, dict[str, str]]:
        redact = self.redactor.redact
        draft, actions = draft_block(pm)
        record = truncate(redact(record_block(pm)), int(self.budget * RECORD_SHARE))
        output_format = self.caller.output_format(PostmortemWording, _example(actions))
        variables = PostmortemVars(
            lang=LANG_NAMES[pm.lang],
            record=record,
            draft=redact(draft),
            output_format=output_format,
        )
        prompt = self.prompts.render("postmortem", variables)
        prompt = prompt.model_copy(
            update={"system": redact(prompt.system), "user": redact(prompt.user)}
        )
        tokens = estimate_tokens(prompt.system) + estimate_tokens(prompt.user)
        if tokens > self.budget:
            raise ValueError(f"postmortem prompt needs {tokens} tokens; budget {self.budget}")
        return prompt, actions
