"""Settings of the LLM layer. Values come from the application's settings; nothing here
reads the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

StructuredMode = Literal["json_schema", "json_object", "prompt"]


class LLMSettings(BaseModel):
    """How to reach an OpenAI-compatible server and how patient to be with it.

    ``structured_mode`` picks how JSON output is requested: ``json_schema`` (strict schema:
    OpenAI, vLLM, recent Ollama), ``json_object`` with a ``schema`` field (llama.cpp's
    server) or ``prompt`` (no ``response_format``; the schema is written into the prompt).
    """

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = None
    api_key: SecretStr | None = None
    model: str | None = None
    timeout_s: float = Field(default=20, gt=0)  # one HTTP request
    max_tokens: int = Field(default=800, gt=0)  # completion tokens per request
    structured_mode: StructuredMode = "json_schema"
    deadline_s: float = Field(default=45, gt=0)  # one polish, retries and repair included
    max_retries: int = Field(default=2, ge=0)  # after the first attempt, for transient faults
    token_budget: int = Field(default=3000, gt=200)  # prompt tokens (estimated) per request
    extra_redact_patterns: list[str] = Field(default_factory=list)
    temperature: float = 0.2
    prompts_dir: Path | None = None  # overrides the bundled prompts/

    @property
    def configured(self) -> bool:
        """An LLM is used when a model is named and a server (or an OpenAI key) is given."""
        return bool(self.model) and (bool(self.base_url) or self.api_key is not None)
