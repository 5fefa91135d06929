"""``LLMEngine``: rewrites the offline engine's updates and answers through an LLM.

The offline result is the answer; the LLM only offers better words for it. Phase,
recommendation, checklist, citations and the sources of every claim come from the offline
result and the input; the model's draft is checked against them (``drafts``) and anything
that fails, or any fault of the server, gives back the offline result marked
``engine="offline-fallback"``.

A prompt is incremental and bounded: the previous update, the current state and the
messages since the previous update, fitted into the token budget by dropping the oldest
messages first.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime

from assistant.core.lang import detect_one
from assistant.core.model import Answer, ChatMessage, IncidentState, Lang, StatusUpdate
from assistant.core.phases import label as phase_label
from assistant.core.postmortem_model import Postmortem
from assistant.core.prompt_budget import estimate_tokens, keep_newest, truncate
from assistant.core.safety import Redactor
from assistant.llm import context
from assistant.llm.audit import AuditSink
from assistant.llm.calls import Clock, Sleep, StructuredCaller, _utcnow
from assistant.llm.drafts import AnswerDraft, UpdateDraft, check_answer, check_update
from assistant.llm.port import LLMPort
from assistant.llm.postmortem import PostmortemWriter
from assistant.llm.prompts import AnswerVars, Prompt, PromptLibrary, UpdateVars
from assistant.llm.render import render_update
from assistant.llm.settings import LLMSettings
from assistant.llm.update_plan import ClaimSplit, Wording, merge_claims, split_claims

log = logging.getLogger(__name__)

_LANG_NAMES: dict[str, str] = {"ja": "Japanese (日本語)", "en": "English"}
_INTENTS = ("rollback", "status", "roster", "guidance", "other")
# (facts kept in the state block, tokens of the previous update) tried in turn when over budget
DRAFT_SHARE = 0.25  # of the token budget, at most, for the draft's claims
_SHRINK_STEPS: tuple[tuple[int, int], ...] = ((6, 250), (3, 150), (0, 60))


class OverBudget(Exception):
    """Even without any chat context the prompt does not fit the token budget."""


def _example_update(label: str, split: ClaimSplit) -> str:
    """A JSON example shaped like the draft (small models copy examples closely)."""
    claims = [
        {
            "section": c.section,
            "certainty": c.certainty,
            "text": "<the claim, reworded>",
            "source_ids": c.source_ids[-context.MAX_SOURCES :],
        }
        for c in split.sent[:1]
    ]
    example = {"headline": f"{label} <one sentence: the gist>", "claims": claims}
    return json.dumps(example, ensure_ascii=False)


def _example_answer(recommendation: str) -> str:
    return '{"recommendation": "' + recommendation + '", "text": "<the answer>"}'


class LLMEngine:
    """Polishes updates and answers; always returns something postable."""

    def __init__(
        self,
        port: LLMPort,
        settings: LLMSettings,
        *,
        audit: AuditSink | None = None,
        prompts: PromptLibrary | None = None,
        render: Callable[[StatusUpdate], str] = render_update,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        wall: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.port = port
        self.settings = settings
        self.redactor = Redactor(settings.extra_redact_patterns)
        self.prompts = prompts or PromptLibrary(settings.prompts_dir)
        self.render = render
        self.wording = Wording()
        self.caller = StructuredCaller(
            port, settings, self.prompts, audit=audit, clock=clock, sleep=sleep, wall=wall
        )
        self.postmortems = PostmortemWriter(
            self.caller, self.prompts, self.redactor, settings.token_budget
        )

    # ------------------------------------------------------------------ updates
    async def polish_update(
        self,
        state: IncidentState,
        update: StatusUpdate,
        *,
        previous: StatusUpdate | None,
        since: list[ChatMessage],
        remember: bool = True,
    ) -> StatusUpdate:
        """The update in the LLM's words, or the offline one marked ``offline-fallback``.

        ``remember``: keep its wording for later updates (not for a draft the commander
        may still discard).
        """
        fallback = update.model_copy(update={"engine": "offline-fallback"})
        try:
            label = phase_label(update.phase, update.lang, state.config.phase_labels)
            shown = [m for m in since if not m.deleted and not state.is_bot(m.author)]
            split = split_claims(
                update,
                int(self.settings.token_budget * DRAFT_SHARE),
                previous=previous,
                remembered=self.wording.recall(state.id, update),
            )
            prompt, shown_ids = self._update_prompt(state, update, previous, shown, label, split)
        except Exception as exc:
            log.warning("incident %s: no LLM update (%s); offline text used", state.id, exc)
            self.caller.skipped("update", str(exc), state.id)
            return fallback
        live = {m.id for m in state.live_messages()}
        deleted = {m.id for m in state.messages.values() if m.deleted}
        offline_ids = {s for c in update.claims for s in c.source_ids} | set(update.source_ids)
        prev_ids = {s for c in previous.claims for s in c.source_ids} if previous else set()
        allowed = (offline_ids | shown_ids | (prev_ids & live)) - deleted
        confirmed = context.confirmed_ids(state, [update, previous]) - deleted
        required = [set(c.source_ids) - deleted for c in split.sent]
        input_text = prompt.system + "\n" + prompt.user

        def check(draft: UpdateDraft) -> None:
            check_update(
                draft,
                label=label,
                phase=update.phase.value,
                overrides=state.config.phase_labels,
                allowed_ids=allowed,
                confirmed_ids=confirmed,
                required=required,
                input_text=input_text,
            )

        draft = await self.caller.call(
            prompt,
            UpdateDraft,
            check,
            output_format=self.caller.output_format(UpdateDraft, _example_update(label, split)),
            incident_id=state.id,
        )
        if draft is None:
            return fallback
        clean = self.redactor.sanitize_output
        claims = [
            c.model_copy(update={"text": clean(c.text)})
            for c in merge_claims(draft, split, deleted=deleted)
        ]
        cited = [s for c in claims for s in c.source_ids]
        polished = update.model_copy(
            update={
                "headline": clean(" ".join(draft.headline.split())),
                "claims": claims,
                "source_ids": list(dict.fromkeys([*update.source_ids, *cited])),
                "engine": "llm",
            }
        )
        if remember:
            self.wording.remember(state.id, polished)
        return polished.model_copy(update={"text": clean(self.render(polished))})

    def _update_prompt(
        self,
        state: IncidentState,
        update: StatusUpdate,
        previous: StatusUpdate | None,
        shown: list[ChatMessage],
        label: str,
        split: ClaimSplit,
    ) -> tuple[Prompt, set[str]]:
        """The update prompt within the token budget, and the ids of the messages it shows."""
        redact = self.redactor.redact
        groups = context.chat_lines(shown)
        lines = [redact(line) for line, _ in groups]
        budget = self.settings.token_budget
        output_format = self.caller.output_format(UpdateDraft, _example_update(label, split))
        draft_block = redact(split.draft_block(update))
        covered = {s for c in update.claims for s in c.source_ids}
        still = {c.text for c in update.claims} | {c.text for c in split.carried}
        for max_facts, prev_tokens in _SHRINK_STEPS:
            variables = UpdateVars(
                lang=_LANG_NAMES[update.lang],
                audience=update.audience,
                phase_label=label,
                state=redact(context.state_block(state, max_facts=max_facts, covered=covered)),
                previous_update=truncate(
                    redact(context.previous_block(previous, still)), prev_tokens
                ),
                draft=draft_block,
                chat="",
                output_format=output_format,
            )
            fixed = _tokens(self.prompts.render("update", variables))
            if fixed < budget:
                break
        else:
            raise OverBudget(f"update prompt needs {fixed} tokens without chat; budget {budget}")
        fitted = keep_newest(lines, budget - fixed - 16)
        kept_lines = list(fitted.kept)
        while True:
            chat = "\n".join(kept_lines)
            omitted = sum(len(ids) for _, ids in groups[: len(groups) - len(kept_lines)])
            if omitted:
                chat = f"({omitted} older messages omitted)\n{chat}".rstrip()
            elif not chat:
                chat = "(no new messages)"
            prompt = self._redacted(
                self.prompts.render("update", variables.model_copy(update={"chat": chat}))
            )
            if _tokens(prompt) <= budget or not kept_lines:
                break
            kept_lines.pop(0)  # redaction or the note pushed it over: drop one more
        kept_groups = groups[len(groups) - len(kept_lines) :] if kept_lines else []
        return prompt, {i for _, ids in kept_groups for i in ids}

    # ------------------------------------------------------------------ answers
    async def polish_answer(self, state: IncidentState, answer: Answer, *, question: str) -> Answer:
        fallback = answer.model_copy(update={"engine": "offline-fallback"})
        try:
            lang: Lang = detect_one(answer.text) if answer.text.strip() else state.lang
            label = phase_label(state.phase, lang, state.config.phase_labels)
            recommendation = answer.recommendation or "none"
            prompt = self._answer_prompt(state, answer, question, lang, label, recommendation)
        except Exception as exc:
            log.warning("incident %s: no LLM answer (%s); offline text used", state.id, exc)
            self.caller.skipped(f"answer_{answer.intent}", str(exc), state.id)
            return fallback
        input_text = prompt.system + "\n" + prompt.user

        def check(draft: AnswerDraft) -> None:
            check_answer(
                draft,
                recommendation=answer.recommendation,
                label=label,
                phase=state.phase.value,
                overrides=state.config.phase_labels,
                offline_text=answer.text,
                input_text=input_text,
            )

        draft = await self.caller.call(
            prompt,
            AnswerDraft,
            check,
            output_format=self.caller.output_format(AnswerDraft, _example_answer(recommendation)),
            incident_id=state.id,
        )
        if draft is None:
            return fallback
        text = self.redactor.sanitize_output(draft.text.strip())
        return answer.model_copy(update={"text": text, "engine": "llm"})

    def _answer_prompt(
        self,
        state: IncidentState,
        answer: Answer,
        question: str,
        lang: Lang,
        label: str,
        recommendation: str,
    ) -> Prompt:
        redact = self.redactor.redact
        name = f"answer_{answer.intent if answer.intent in _INTENTS else 'other'}"
        budget = self.settings.token_budget
        draft = redact(context.answer_block(answer))
        q = redact(context.as_data(question))
        output_format = self.caller.output_format(AnswerDraft, _example_answer(recommendation))
        for max_facts, q_tokens in _SHRINK_STEPS:
            variables = AnswerVars(
                lang=_LANG_NAMES[lang],
                phase_label=label,
                question=truncate(q, q_tokens),
                state=redact(context.state_block(state, max_facts=max_facts)),
                draft=draft,
                recommendation=recommendation,
                output_format=output_format,
            )
            prompt = self.prompts.render(name, variables)
            if _tokens(prompt) <= budget:
                return self._redacted(prompt)
        raise OverBudget(f"{name} prompt needs {_tokens(prompt)} tokens; budget {budget}")

    # ------------------------------------------------------------------ postmortems
    async def word_postmortem(self, state: IncidentState, draft: Postmortem) -> Postmortem:
        """The draft with its summary and candidate actions in the LLM's words, or the
        offline draft marked ``offline-fallback``."""
        return await self.postmortems.word(state, draft)

    def _redacted(self, prompt: Prompt) -> Prompt:
        redact = self.redactor.redact
        return prompt.model_copy(
            update={"system": redact(prompt.system), "user": redact(prompt.user)}
        )


def _tokens(prompt: Prompt) -> int:
    return estimate_tokens(prompt.system) + estimate_tokens(prompt.user)


def build_llm_engine(settings: LLMSettings, *, audit: AuditSink | None) -> LLMEngine | None:
    """The engine on the OpenAI-compatible adapter, or ``None`` when no LLM is configured."""
    if not settings.configured:
        return None
    from assistant.llm.openai_adapter import OpenAIPort

    return LLMEngine(OpenAIPort.from_settings(settings), settings, audit=audit)
