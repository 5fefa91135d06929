"""`incident-assistant llm-log`: the audit of LLM calls kept in the SQLite state store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.adapters.store_sqlite import SqliteStore
from assistant.cli import main
from assistant.llm.audit import LLMCallRecord


def test_llm_log_shows_recorded_calls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Calls recorded by the store (the LLM engine's audit sink) are listed with prompt,
    model, tokens, latency and outcome."""
    path = tmp_path / "state.sqlite3"
    store = SqliteStore(path)
    at = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    store.record_llm_call(
        LLMCallRecord(
            at=at,
            prompt_name="update",
            model="smollm2",
            tokens_in=812,
            tokens_out=95,
            latency_ms=1234.5,
            outcome="ok",
            incident_id="c1",
        )
    )
    store.record_llm_call(
        LLMCallRecord(
            at=at,
            prompt_name="answer_rollback",
            model="smollm2",
            tokens_in=0,
            tokens_out=0,
            latency_ms=20000,
            outcome="fallback",
            error="timeout",
        )
    )
    store.close()
    assert main(["llm-log", "--state", str(path)]) == 0
    out = capsys.readouterr().out
    assert "update" in out and "812" in out and "ok" in out
    assert "answer_rollback" in out and "fallback" in out and "timeout" in out


def test_llm_log_without_a_state_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No state file: one line naming the path, exit code 2."""
    assert main(["llm-log", "--state", str(tmp_path / "none.sqlite3")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "none.sqlite3" in err[0]
