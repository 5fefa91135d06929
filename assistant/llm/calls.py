"""One structured call, done carefully: retries, backoff, deadline, one repair, audit.

``StructuredCaller.call`` returns a validated draft or ``None``; it never raises for anything
the server or the model does. Transient faults (timeout, connection refused or cut, 429, 5xx,
empty content) are retried with backoff while the deadline allows (a ``Retry-After`` that
does not fit in the deadline ends the call at once). Invalid output (not JSON, wrong shape,
fails the draft checks, cut at the token limit) gets one repair turn with the error. A
refusal ends the call. Every call leaves one ``LLMCallRecord``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from assistant.core.prompt_budget import estimate_tokens
from assistant.llm.audit import AuditSink, LLMCallRecord, Outcome
from assistant.llm.drafts import DraftError, is_refusal, strict_schema
from assistant.llm.port import ChatTurn, LLMError, LLMPort, LLMReply, LLMRequest
from assistant.llm.prompts import Prompt, PromptLibrary, RepairVars
from assistant.llm.settings import LLMSettings

log = logging.getLogger(__name__)

D = TypeVar("D", bound=BaseModel)
Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def backoff(attempt: int) -> float:
    """Seconds to wait before retry ``attempt`` (0-based): 0.5, 1, 2, 4, 4…"""
    return float(min(4.0, 0.5 * 2**attempt))


def parse_json(content: str) -> object:
    """The JSON object in ``content``, tolerating a Markdown code fence around it."""
    text = content.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return json.loads(text)


def _validation_summary(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "(root)"
        parts.append(f"{where}: {err['msg']}")
    return "the JSON does not match the schema: " + "; ".join(parts)


class _Fault(Exception):
    """A transient problem with the reply itself (e.g. empty content): retried like a 5xx."""


class StructuredCaller:
    """Runs prompts through an ``LLMPort`` under the settings' limits."""

    def __init__(
        self,
        port: LLMPort,
        settings: LLMSettings,
        prompts: PromptLibrary,
        *,
        audit: AuditSink | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        wall: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.port = port
        self.settings = settings
        self.prompts = prompts
        self.audit = audit
        self.clock = clock
        self.sleep = sleep
        self.wall = wall

    def output_format(self, model: type[BaseModel], example: str) -> str:
        """How the prompt asks for JSON; in ``prompt`` mode it carries the whole schema."""
        text = "Reply with one JSON object and nothing else, shaped like this example:\n" + example
        if self.settings.structured_mode == "prompt":
            schema = json.dumps(strict_schema(model), ensure_ascii=False, separators=(",", ":"))
            text += "\nThe object must validate against this JSON schema:\n" + schema
        return text

    async def call(
        self,
        prompt: Prompt,
        model: type[D],
        check: Callable[[D], None],
        *,
        output_format: str,
        incident_id: str | None = None,
    ) -> D | None:
        started, at = self.clock(), self.wall()
        deadline = started + self.settings.deadline_s
        messages = [
            ChatTurn(role="system", content=prompt.system),
            ChatTurn(role="user", content=prompt.user),
        ]
        schema = strict_schema(model)
        tokens_in = tokens_out = retries = 0
        repaired = False
        errors: list[str] = []
        result: D | None = None
        model_name = self.port.model
        try:
            while True:
                remaining = deadline - self.clock()
                if remaining <= 0:
                    errors.append("deadline reached")
                    break
                request = LLMRequest(
                    prompt_name=prompt.name,
                    messages=messages,
                    schema_name=model.__name__,
                    json_schema=schema,
                    max_tokens=self.settings.max_tokens,
                    timeout_s=min(self.settings.timeout_s, remaining),
                    temperature=self.settings.temperature,
                )
                try:
                    try:
                        reply = await asyncio.wait_for(self.port.complete(request), remaining)
                    except TimeoutError:
                        errors.append("deadline reached")
                        break
                    tokens_in += reply.tokens_in or sum(
                        estimate_tokens(m.content) for m in messages
                    )
                    tokens_out += reply.tokens_out or estimate_tokens(reply.content or "")
                    model_name = reply.model or model_name
                    if not (reply.content or "").strip() and not reply.refusal:
                        raise _Fault("empty content")
                except (LLMError, _Fault) as exc:
                    kind = exc.kind if isinstance(exc, LLMError) else str(exc)
                    errors.append(kind)
                    retryable = exc.retryable if isinstance(exc, LLMError) else True
                    if not retryable or retries >= self.settings.max_retries:
                        break
                    after = exc.retry_after if isinstance(exc, LLMError) else None
                    delay = after if after is not None else backoff(retries)
                    if self.clock() + delay >= deadline:
                        errors.append("retry would pass the deadline")
                        break
                    await self.sleep(delay)
                    retries += 1
                    continue
                if reply.refusal or is_refusal_text(reply):
                    errors.append("refusal")
                    break
                draft, problem = self._read(reply, model, check)
                if draft is not None:
                    result = draft
                    break
                errors.append(problem)
                if repaired:
                    break
                repaired = True
                messages = [*messages[:2], *self._repair_turns(reply, problem, output_format)]
        except Exception as exc:  # never let the LLM layer take the bot down
            log.exception("LLM call %s failed unexpectedly", prompt.name)
            errors.append(f"unexpected {type(exc).__name__}")
            result = None
        outcome: Outcome = "fallback" if result is None else ("repaired" if repaired else "ok")
        self._record(
            LLMCallRecord(
                at=at,
                prompt_name=prompt.name,
                model=model_name,
                tokens_in=tokens_in,
                tokens_out=tokens_out,
                latency_ms=(self.clock() - started) * 1000,
                outcome=outcome,
                error="; ".join(errors)[:500] or None,
                incident_id=incident_id,
            )
        )
        return result

    def _read(
        self, reply: LLMReply, model: type[D], check: Callable[[D], None]
    ) -> tuple[D | None, str]:
        content = reply.content or ""
        if reply.finish_reason == "length":
            return None, "the reply was cut off at the token limit; answer shorter"
        try:
            data = parse_json(content)
        except ValueError:
            return None, "the reply is not valid JSON"
        try:
            draft = model.model_validate(data)
        except ValidationError as exc:
            return None, _validation_summary(exc)
        try:
            check(draft)
        except DraftError as exc:
            return None, str(exc)
        return draft, ""

    def _repair_turns(self, reply: LLMReply, problem: str, output_format: str) -> list[ChatTurn]:
        variables = RepairVars(error=problem, output_format=output_format)
        repair = self.prompts.render("repair", variables)
        previous = (reply.content or "")[:2000]
        return [
            ChatTurn(role="assistant", content=previous or "(empty)"),
            ChatTurn(role="user", content=repair.user),
        ]

    def skipped(self, prompt_name: str, reason: str, incident_id: str | None) -> None:
        """Audit a polish that fell back before any request (e.g. the prompt is over budget)."""
        self._record(
            LLMCallRecord(
                at=self.wall(),
                prompt_name=prompt_name,
                model=self.port.model,
                tokens_in=0,
                tokens_out=0,
                latency_ms=0.0,
                outcome="fallback",
                error=f"not sent: {reason}"[:500],
                incident_id=incident_id,
            )
        )

    def _record(self, record: LLMCallRecord) -> None:
        if self.audit is None:
            return
        try:
            self.audit.record_llm_call(record)
        except Exception:
            log.exception("could not record an LLM call in the audit log")


def is_refusal_text(reply: LLMReply) -> bool:
    """Content that is prose refusing the task rather than JSON."""
    content = (reply.content or "").strip()
    return not content.startswith(("{", "```")) and is_refusal(content)
