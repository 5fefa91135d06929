"""The LLM port: one chat request with a JSON schema in, one reply or one typed failure out.

Requests and replies are in the product's terms, not a vendor's: the adapter turns them into
an OpenAI-compatible call, and tests use a hand-written fake. The port does not retry; the
engine owns retries, backoff and the deadline.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field


class ChatTurn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Literal["system", "user", "assistant"]
    content: str


class LLMRequest(BaseModel):
    """One completion request. ``schema`` is the JSON schema the reply must follow."""

    model_config = ConfigDict(extra="forbid")

    prompt_name: str
    messages: list[ChatTurn]
    schema_name: str
    json_schema: dict[str, Any]
    max_tokens: int
    timeout_s: float
    temperature: float = 0.2


class LLMReply(BaseModel):
    """What the server returned. ``content`` may still be invalid: the engine validates it."""

    model_config = ConfigDict(extra="forbid")

    content: str | None
    refusal: str | None = None
    finish_reason: str | None = None
    model: str = ""
    tokens_in: int = Field(default=0, ge=0)
    tokens_out: int = Field(default=0, ge=0)


class LLMError(Exception):
    """A failed call. ``retryable`` says whether trying again may help."""

    kind = "error"
    retryable = False

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LLMTimeout(LLMError):
    kind = "timeout"
    retryable = True


class LLMUnavailable(LLMError):
    """Connection refused, reset or cut short: the server did not give a whole answer."""

    kind = "unavailable"
    retryable = True


class LLMRateLimited(LLMError):
    kind = "rate_limited"
    retryable = True


class LLMServerError(LLMError):
    kind = "server_error"
    retryable = True


class LLMRejected(LLMError):
    """The server refused the request itself (4xx other than 429): retrying will not help."""

    kind = "rejected"


class LLMPort(Protocol):
    """Anything that can answer an ``LLMRequest``: the OpenAI adapter, or a test fake."""

    @property
    def model(self) -> str: ...

    async def complete(self, request: LLMRequest) -> LLMReply: ...
