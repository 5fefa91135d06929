"""From the application's settings to an ``LLMEngine`` (or ``None`` when no LLM is set up)."""

from __future__ import annotations

from assistant.llm.audit import AuditSink
from assistant.llm.engine import LLMEngine, build_llm_engine
from assistant.llm.settings import LLMSettings
from assistant.settings import Settings


def llm_settings(settings: Settings) -> LLMSettings:
    return LLMSettings(
        base_url=settings.openai_base_url,
        api_key=settings.openai_api_key,
        model=settings.llm_model,
        timeout_s=settings.llm_timeout_s,
        max_tokens=settings.llm_max_tokens,
        structured_mode=settings.llm_structured_mode,
        deadline_s=settings.llm_deadline_s,
        max_retries=settings.llm_max_retries,
        token_budget=settings.llm_token_budget,
        extra_redact_patterns=list(settings.redact_patterns),
    )


def llm_from_settings(settings: Settings, *, audit: AuditSink | None) -> LLMEngine | None:
    return build_llm_engine(llm_settings(settings), audit=audit)
