"""The audit log's text form (what `incident-assistant llm-log` prints)."""

from __future__ import annotations

from datetime import UTC, datetime

from assistant.llm.audit import LLMCallRecord, format_llm_log

AT = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def _record(outcome: str, error: str | None = None) -> LLMCallRecord:
    return LLMCallRecord(
        at=AT,
        prompt_name="update",
        model="smollm2",
        tokens_in=1200,
        tokens_out=90,
        latency_ms=812.4,
        outcome=outcome,  # type: ignore[arg-type]
        error=error,
        incident_id="123",
    )


def test_the_log_shows_one_row_per_call_and_a_summary() -> None:
    """Columns for prompt, model, tokens, latency and outcome; totals at the end."""
    text = format_llm_log([_record("ok"), _record("fallback", "timeout; timeout")])
    lines = text.splitlines()
    assert lines[0].split() == [
        "at",
        "incident",
        "prompt",
        "model",
        "in",
        "out",
        "ms",
        "outcome",
        "error",
    ]
    assert "2026-03-01 10:00:00" in lines[1] and "812" in lines[1] and "ok" in lines[1]
    assert lines[2].endswith("fallback  timeout; timeout")
    assert lines[-1] == "2 calls: 1 ok, 0 repaired, 1 fallback; tokens in 2400, out 180"


def test_rows_read_back_from_the_store_are_accepted() -> None:
    """The SQLite store returns mappings; they format like records."""
    row = _record("repaired").model_dump()
    row["at"] = AT.isoformat()
    assert "repaired" in format_llm_log([row])


def test_an_empty_log_says_so() -> None:
    """No calls: one clear line rather than an empty table."""
    assert format_llm_log([]) == "no LLM calls recorded"
