"""The LLM port on ``openai.AsyncOpenAI``: any OpenAI-compatible chat completions server.

The client's own retries are off (``max_retries=0``): the engine retries within its
deadline. Every failure leaves this module as one of the port's ``LLMError`` kinds.
"""

from __future__ import annotations

import email.utils
import time
from typing import Any

import openai
from openai import AsyncOpenAI

from assistant.llm.port import (
    LLMError,
    LLMRateLimited,
    LLMRejected,
    LLMReply,
    LLMRequest,
    LLMServerError,
    LLMTimeout,
    LLMUnavailable,
)
from assistant.llm.settings import LLMSettings, StructuredMode

# Local servers (llama.cpp, Ollama, vLLM without auth) accept any key, but the client wants one.
_NO_KEY = "not-needed"


def response_format(mode: StructuredMode, name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The ``response_format`` body field for ``mode`` (empty: send none)."""
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": name, "schema": schema, "strict": True},
        }
    if mode == "json_object":
        return {"type": "json_object", "schema": schema}
    return {}


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class OpenAIPort:
    """``LLMPort`` over an ``AsyncOpenAI`` client."""

    def __init__(self, client: AsyncOpenAI, model: str, mode: StructuredMode) -> None:
        self._client = client
        self._model = model
        self.mode: StructuredMode = mode

    @classmethod
    def from_settings(cls, settings: LLMSettings) -> OpenAIPort:
        key = settings.api_key.get_secret_value() if settings.api_key else _NO_KEY
        client = AsyncOpenAI(
            base_url=settings.base_url or None,
            api_key=key,
            timeout=settings.timeout_s,
            max_retries=0,
        )
        return cls(client, settings.model or "", settings.structured_mode)

    @property
    def model(self) -> str:
        return self._model

    async def aclose(self) -> None:
        await self._client.close()

    async def complete(self, request: LLMRequest) -> LLMReply:
        body: dict[str, Any] = {}
        fmt = response_format(self.mode, request.schema_name, request.json_schema)
        if fmt:
            # passed as a raw body field: json_object with a schema is not in the typed API
            body["response_format"] = fmt
        try:
            completion = await self._client.chat.completions.create(
                model=self._model,
                messages=[{"role": m.role, "content": m.content} for m in request.messages],  # type: ignore[misc]
                max_tokens=request.max_tokens,
                temperature=request.temperature,
                timeout=request.timeout_s,
                extra_body=body or None,
            )
        except openai.APITimeoutError as exc:
            raise LLMTimeout("request timed out") from exc
        except openai.APIConnectionError as exc:
            raise LLMUnavailable(f"connection failed: {exc}") from exc
        except openai.RateLimitError as exc:
            retry_after = parse_retry_after(exc.response.headers.get("retry-after"))
            raise LLMRateLimited("rate limited (429)", retry_after=retry_after) from exc
        except openai.APIStatusError as exc:
            if exc.status_code >= 500:
                raise LLMServerError(f"server error ({exc.status_code})") from exc
            raise LLMRejected(f"request rejected ({exc.status_code})") from exc
        except openai.OpenAIError as exc:
            raise LLMUnavailable(f"bad response: {type(exc).__name__}") from exc
        except (ValueError, TypeError) as exc:  # a 200 whose body is not a completion
            raise LLMUnavailable(f"malformed response: {type(exc).__name__}") from exc
        if not completion.choices:
            raise LLMError("no choices in the response")
        choice = completion.choices[0]
        usage = completion.usage
        return LLMReply(
            content=choice.message.content,
            refusal=choice.message.refusal,
            finish_reason=choice.finish_reason,
            model=completion.model or self._model,
            tokens_in=usage.prompt_tokens if usage else 0,
            tokens_out=usage.completion_tokens if usage else 0,
        )
