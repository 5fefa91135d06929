"""Adapter details: Retry-After parsing, response formats, building the engine from settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from pydantic import SecretStr

from assistant.llm.engine import LLMEngine, build_llm_engine
from assistant.llm.openai_adapter import parse_retry_after, response_format
from assistant.llm.settings import LLMSettings


@pytest.mark.parametrize(
    ("value", "expected"), [("3", 3.0), ("0.5", 0.5), ("-2", 0.0), (None, None), ("soon", None)]
)
def test_retry_after_in_seconds(value: str | None, expected: float | None) -> None:
    """Retry-After as seconds; negative clamps to 0; garbage is ignored."""
    assert parse_retry_after(value) == expected


def test_retry_after_as_an_http_date() -> None:
    """Retry-After may be an HTTP date: it becomes the seconds until then."""
    when = datetime.now(UTC) + timedelta(seconds=30)
    seconds = parse_retry_after(format_datetime(when, usegmt=True))
    assert seconds is not None and 20 < seconds <= 31


def test_response_format_per_mode() -> None:
    """json_schema is strict and named; json_object carries the schema; prompt sends none."""
    schema = {"type": "object"}
    assert response_format("json_schema", "X", schema) == {
        "type": "json_schema",
        "json_schema": {"name": "X", "schema": schema, "strict": True},
    }
    assert response_format("json_object", "X", schema) == {"type": "json_object", "schema": schema}
    assert response_format("prompt", "X", schema) == {}


@pytest.mark.parametrize(
    ("values", "configured"),
    [
        ({}, False),
        ({"model": "m"}, False),
        ({"base_url": "http://127.0.0.1:1/v1"}, False),
        ({"base_url": "http://127.0.0.1:1/v1", "model": "m"}, True),
        ({"api_key": SecretStr("k"), "model": "gpt-4o-mini"}, True),
    ],
)
def test_no_llm_unless_a_model_and_a_server_or_key_are_set(
    values: dict[str, object], configured: bool
) -> None:
    """Without a model and an endpoint (or an OpenAI key) the bot stays offline."""
    settings = LLMSettings(**values)  # type: ignore[arg-type]
    engine = build_llm_engine(settings, audit=None)
    assert settings.configured is configured
    assert isinstance(engine, LLMEngine) if configured else engine is None


def test_settings_have_the_documented_defaults() -> None:
    """Defaults: 20 s timeout, 800 tokens, json_schema, 45 s deadline, 2 retries, 3000 budget."""
    s = LLMSettings()
    assert (s.timeout_s, s.max_tokens, s.structured_mode) == (20, 800, "json_schema")
    assert (s.deadline_s, s.max_retries, s.token_budget) == (45, 2, 3000)
    assert s.extra_redact_patterns == []


def test_a_bad_extra_redact_pattern_fails_when_the_engine_is_built() -> None:
    """A broken regex in the settings is reported at start-up, not on the first message."""
    settings = LLMSettings(base_url="http://127.0.0.1:1/v1", model="m", extra_redact_patterns=["("])
    with pytest.raises(Exception, match="missing"):
        build_llm_engine(settings, audit=None)


def test_the_application_settings_map_onto_llm_settings() -> None:
    """assistant.settings.Settings -> LLMSettings, field by field."""
    from assistant.llm.wiring import llm_settings
    from assistant.settings import Settings

    app = Settings.load(
        openai_base_url="http://127.0.0.1:8080/v1",
        openai_api_key="sk-local",
        llm_model="smollm2",
        llm_structured_mode="json_object",
        llm_token_budget=1500,
        redact_patterns="ACME-\\d+",
    )
    s = llm_settings(app)
    assert (s.base_url, s.model, s.structured_mode, s.token_budget) == (
        "http://127.0.0.1:8080/v1",
        "smollm2",
        "json_object",
        1500,
    )
    assert s.api_key is not None and s.api_key.get_secret_value() == "sk-local"
    assert s.extra_redact_patterns == ["ACME-\\d+"]
