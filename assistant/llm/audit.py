"""The audit trail of LLM calls: one record per polish (retries and repair included).

The SQLite store implements ``AuditSink`` (table ``llm_calls``); ``format_llm_log`` is what
``incident-assistant llm-log`` prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

Outcome = Literal["ok", "repaired", "fallback"]


class LLMCallRecord(BaseModel):
    """What one polish cost and how it ended. ``error`` says why it fell back or retried."""

    model_config = ConfigDict(extra="forbid")

    at: datetime
    prompt_name: str
    model: str
    tokens_in: int
    tokens_out: int
    latency_ms: float
    outcome: Outcome
    error: str | None = None
    incident_id: str | None = None


class AuditSink(Protocol):
    def record_llm_call(self, record: LLMCallRecord) -> None: ...


class MemoryAudit:
    """An ``AuditSink`` that keeps records in a list (tests, benchmarks, dry runs)."""

    def __init__(self) -> None:
        self.records: list[LLMCallRecord] = []

    def record_llm_call(self, record: LLMCallRecord) -> None:
        self.records.append(record)


_COLUMNS = ("at", "incident", "prompt", "model", "in", "out", "ms", "outcome", "error")


def format_llm_log(records: Iterable[LLMCallRecord | Mapping[str, Any]]) -> str:
    """A plain-text table of ``records`` (in the order given) with a totals line.

    Rows read back from a store as mappings are accepted and validated as records.
    """
    parsed = [
        r if isinstance(r, LLMCallRecord) else LLMCallRecord.model_validate(r) for r in records
    ]
    rows = [
        (
            r.at.strftime("%Y-%m-%d %H:%M:%S"),
            r.incident_id or "-",
            r.prompt_name,
            r.model or "-",
            str(r.tokens_in),
            str(r.tokens_out),
            f"{r.latency_ms:.0f}",
            r.outcome,
            (r.error or "").replace("\n", " ")[:80],
        )
        for r in parsed
    ]
    if not rows:
        return "no LLM calls recorded"
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(_COLUMNS)]
    right = {4, 5, 6}

    def line(cells: tuple[str, ...]) -> str:
        out = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    outcomes = {o: sum(1 for row in rows if row[7] == o) for o in ("ok", "repaired", "fallback")}
    total_in = sum(int(row[4]) for row in rows)
    total_out = sum(int(row[5]) for row in rows)
    summary = (
        f"{len(rows)} calls: {outcomes['ok']} ok, {outcomes['repaired']} repaired, "
        f"{outcomes['fallback']} fallback; tokens in {total_in}, out {total_out}"
    )
    return "\n".join([line(_COLUMNS), *(line(row) for row in rows), summary])
