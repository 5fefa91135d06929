"""Settings: read from the environment only when built, comma lists, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.app import build_app
from assistant.cli import main
from assistant.settings import Settings


def test_comma_separated_lists_and_numbers_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Lists are comma-separated in env vars; thresholds become the incident defaults."""
    monkeypatch.setenv("DISCORD_GUILD_IDS", "1, 2")
    monkeypatch.setenv("CHANNEL_PATTERNS", "sev-*,inc-*")
    monkeypatch.setenv("IDLE_MINUTES", "7")
    monkeypatch.setenv("LANGUAGE", "ja")
    s = Settings.load(_env_file=None)
    assert s.discord_guild_ids == [1, 2]
    assert s.channel_patterns == ["sev-*", "inc-*"]
    defaults = s.incident_defaults()
    assert (defaults.idle_minutes, defaults.lang) == (7, "ja")


def test_voice_links_and_guild_sync_reach_the_discord_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """VOICE_LINKS pairs a voice channel with an incident channel; a bad pair is named."""
    from assistant.adapters.discord.runner import discord_settings

    monkeypatch.setenv("VOICE_LINKS", "111:222, 333:444")
    monkeypatch.setenv("DISCORD_DEV_GUILD_SYNC", "false")
    config = discord_settings(Settings.load(_env_file=None))
    assert config.voice_links == {111: 222, 333: 444}
    assert config.dev_guild_sync is False
    monkeypatch.setenv("VOICE_LINKS", "111:222,general:444")
    with pytest.raises(ValidationError, match="'general:444' is not voice_channel_id"):
        Settings.load(_env_file=None)


def test_no_llm_unless_a_model_and_an_endpoint_or_key_are_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without LLM_MODEL the offline engine is the whole product: the service has no LLM."""
    for name in ("LLM_MODEL", "OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    s = Settings.load(_env_file=None)
    assert not s.llm_enabled
    app = build_app(s, state_path=tmp_path / "s.sqlite3", use_knowledge=False)
    assert app.service.llm is None
    app.close()
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("LLM_MODEL", "tiny")
    s = Settings.load(_env_file=None)
    assert s.llm_enabled
    app = build_app(s, state_path=tmp_path / "t.sqlite3", use_knowledge=False)
    assert app.service.llm is not None
    app.close()


def test_an_invalid_setting_is_a_validation_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad regex or a negative threshold is refused, naming the setting."""
    monkeypatch.setenv("REDACT_PATTERNS", "ok-[a-z]+,(unclosed")
    with pytest.raises(ValidationError, match="redact_patterns"):
        Settings.load(_env_file=None)
    monkeypatch.delenv("REDACT_PATTERNS")
    monkeypatch.setenv("CADENCE_MINUTES", "-1")
    with pytest.raises(ValidationError, match="cadence_minutes"):
        Settings.load(_env_file=None)


def test_the_cli_reports_a_bad_setting_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Through the CLI a bad environment value is one stderr line and exit code 2."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UNASSIGNED_MINUTES", "soon")
    export = tmp_path / "e.json"
    export.write_text(
        '{"channel": {"id": "1"}, "messages": [{"id": "2", "type": "Default",'
        ' "timestamp": "2024-01-01T00:00:00+00:00", "content": "hi",'
        ' "author": {"id": "3", "name": "a"}}]}',
        encoding="utf-8",
    )
    assert main(["replay", str(export), "--no-knowledge"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unassigned_minutes" in err[0]


def test_redact_patterns_from_settings_apply_to_what_the_bot_prints(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A team's own token format, configured in REDACT_PATTERNS, is redacted in outputs."""
    monkeypatch.setenv("REDACT_PATTERNS", r"acme_[0-9a-f]{16}")
    app = build_app(
        Settings.load(_env_file=None), state_path=tmp_path / "s.sqlite3", use_knowledge=False
    )
    text = app.service.redactor.sanitize_output("token acme_0123456789abcdef leaked")
    assert "acme_0123456789abcdef" not in text
    app.close()


def test_metrics_port_turns_on_metrics_for_the_bot(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """METRICS_PORT set: the bot's app observes the service; other commands never do."""
    monkeypatch.setenv("METRICS_PORT", "9108")
    s = Settings.load(_env_file=None)
    assert (s.metrics_port, s.metrics_host) == (9108, "0.0.0.0")
    app = build_app(s, state_path=tmp_path / "s.sqlite3", use_knowledge=False, with_metrics=True)
    try:
        assert app.metrics is not None and app.service.observer is app.metrics
    finally:
        app.close()
    plain = build_app(s, state_path=tmp_path / "t.sqlite3", use_knowledge=False)
    try:
        assert plain.metrics is None and plain.service.observer is None
    finally:
        plain.close()


def test_state_url_selects_postgresql_and_is_checked(
    monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> None:
    """STATE_URL=postgresql://… opens the PostgreSQL store; anything else is one clear
    error; without it SQLite at STATE_PATH stays the default."""
    from assistant.adapters.store_postgres import PostgresStore
    from assistant.adapters.store_sqlite import SqliteStore
    from assistant.app import open_store

    monkeypatch.setenv("STATE_URL", "mysql://x")
    with pytest.raises(ValidationError, match="postgresql://"):
        Settings.load(_env_file=None)
    monkeypatch.setenv("STATE_URL", pg_url)
    store = open_store(Settings.load(_env_file=None))
    assert isinstance(store, PostgresStore)
    store.close()
    monkeypatch.delenv("STATE_URL")
    monkeypatch.setenv("STATE_PATH", ":memory:")
    store = open_store(Settings.load(_env_file=None))
    assert isinstance(store, SqliteStore)
    store.close()


def test_shards_and_the_lease_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """SHARD_IDS needs SHARD_COUNT and ids below it; each shard set shares its own lease,
    so an active/standby pair runs per set of shards."""
    from assistant.adapters.discord.runner import discord_settings

    assert Settings.load(_env_file=None).lease() == "bot"
    monkeypatch.setenv("SHARD_IDS", "0,1")
    with pytest.raises(ValidationError, match="SHARD_COUNT"):
        Settings.load(_env_file=None)
    monkeypatch.setenv("SHARD_COUNT", "2")
    monkeypatch.setenv("SHARD_IDS", "0,2")
    with pytest.raises(ValidationError, match="from 0 to 1"):
        Settings.load(_env_file=None)
    monkeypatch.setenv("SHARD_COUNT", "4")
    s = Settings.load(_env_file=None)
    assert s.lease() == "bot:shards=0,2/4"
    config = discord_settings(s)
    assert (config.shard_ids, config.shard_count) == ([0, 2], 4)
    monkeypatch.setenv("SHARD_IDS", "")
    assert Settings.load(_env_file=None).lease() == "bot:shards=0,1,2,3/4"
    monkeypatch.setenv("LEASE_NAME", "eu")
    assert Settings.load(_env_file=None).lease() == "eu"
