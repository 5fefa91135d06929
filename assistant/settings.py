"""Settings from the environment and a ``.env`` file (pydantic-settings).

Built only by the composition root (``Settings.load()``), never at import time.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from assistant.core.model import IncidentConfig

REPO_ROOT = Path(__file__).resolve().parents[1]


def bundled(name: str) -> Path:
    """A folder shipped at the top of the project (``knowledge``, ``prompts``, ``samples``)."""
    return REPO_ROOT / name


def _cache_dir() -> Path:
    """Where derived data (the embedded knowledge index) lives unless configured."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "incident-assistant"


def _split(value: object) -> object:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


class Settings(BaseSettings):
    """Every setting, one environment variable each (names are case-insensitive)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Discord
    discord_token: SecretStr | None = None
    discord_guild_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    channel_patterns: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["inc-*", "incident-*"]
    )
    incident_category_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    incident_parent_channel_id: int | None = None
    commander_role_id: int | None = None
    stakeholder_channel_id: int | None = None
    # with guild ids: sync slash commands to those servers (instant) rather than globally
    discord_dev_guild_sync: bool = True
    # "voice_channel_id:incident_channel_id,…": who sits in the call joins that incident
    voice_links: Annotated[dict[int, int], NoDecode] = Field(default_factory=dict)

    # several servers: this process's shards (discord.py AutoShardedBot); all when unset
    shard_ids: Annotated[list[int], NoDecode] | None = None
    shard_count: int | None = Field(None, gt=0)
    # a Discord API proxy (or a test server) instead of discord.com: its base URL
    discord_api_base: str | None = None
    # active/standby: a standby takes over within this many seconds of the active's loss
    takeover_seconds: float = Field(30, ge=1)
    # processes with the same lease name share one active; default: per shard set
    lease_name: str | None = None

    # incident behaviour (server defaults; per-incident overrides live in the state)
    language: Literal["ja", "en", "auto"] = "auto"
    audience: Literal["responders", "stakeholders"] = "responders"
    cadence_minutes: float = Field(15, gt=0)
    idle_minutes: float = Field(20, gt=0)
    unassigned_minutes: float = Field(10, gt=0)

    # storage and knowledge: SQLite at STATE_PATH unless STATE_URL names a PostgreSQL
    state_path: Path = Path(".state/incident-assistant.sqlite3")
    state_url: SecretStr | None = None
    knowledge_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [bundled("knowledge")]
    )
    chroma_path: Path = Field(default_factory=lambda: _cache_dir() / "chroma")
    chroma_host: str | None = None
    chroma_port: int | None = None

    # LLM (optional: without a model and an endpoint or key, the offline engine does it all)
    openai_base_url: str | None = None
    openai_api_key: SecretStr | None = None
    llm_model: str | None = None
    llm_timeout_s: float = Field(20, gt=0)
    llm_deadline_s: float = Field(45, gt=0)
    llm_max_tokens: int = Field(800, gt=0)
    llm_max_retries: int = Field(2, ge=0)
    llm_structured_mode: Literal["json_schema", "json_object", "prompt"] = "json_schema"
    llm_token_budget: int = Field(3000, gt=200)
    redact_patterns: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # optional HTTP endpoint with Prometheus /metrics and /healthz (run only)
    metrics_port: int | None = Field(None, ge=0, le=65535)
    metrics_host: str = "0.0.0.0"

    @field_validator(
        "discord_guild_ids",
        "channel_patterns",
        "incident_category_ids",
        "knowledge_dirs",
        "redact_patterns",
        "shard_ids",
        mode="before",
    )
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return _split(value)

    @field_validator("voice_links", mode="before")
    @classmethod
    def _voice_links(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        links: dict[int, int] = {}
        for pair in (p.strip() for p in value.split(",")):
            if not pair:
                continue
            voice, sep, channel = pair.partition(":")
            if not sep or not voice.strip().isdigit() or not channel.strip().isdigit():
                raise ValueError(
                    f"{pair!r} is not voice_channel_id:incident_channel_id (two numeric ids)"
                )
            links[int(voice)] = int(channel)
        return links

    @field_validator("redact_patterns")
    @classmethod
    def _valid_regexes(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression {pattern!r}: {exc}") from None
        return patterns

    @field_validator("state_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not value.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ValueError("must start with postgresql:// (SQLite is set with STATE_PATH)")
        return value

    @model_validator(mode="after")
    def _shards(self) -> Settings:
        if self.shard_ids == []:  # SHARD_IDS= (empty): every shard
            self.shard_ids = None
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("SHARD_IDS needs SHARD_COUNT (the total number of shards)")
            bad = [i for i in self.shard_ids if not 0 <= i < self.shard_count]
            if bad:
                raise ValueError(
                    f"SHARD_IDS must be shard numbers from 0 to {self.shard_count - 1}"
                )
        return self

    def lease(self) -> str:
        """The lease this process's active/standby group shares."""
        if self.lease_name:
            return self.lease_name
        if self.shard_count is None:
            return "bot"
        ids = self.shard_ids if self.shard_ids is not None else range(self.shard_count)
        return f"bot:shards={','.join(map(str, ids))}/{self.shard_count}"

    @classmethod
    def load(cls, **overrides: object) -> Settings:
        return cls(**overrides)  # type: ignore[arg-type]

    def incident_defaults(self) -> IncidentConfig:
        return IncidentConfig(
            lang=self.language,
            audience=self.audience,
            cadence_minutes=self.cadence_minutes,
            idle_minutes=self.idle_minutes,
            unassigned_minutes=self.unassigned_minutes,
        )

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_model and (self.openai_base_url or self.openai_api_key))
