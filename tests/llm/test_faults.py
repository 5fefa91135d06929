"""Every server fault ends in a retry that succeeds or in the offline result, never a crash."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest

from tests.llm.conftest import Wired
from tests.llm.fake_server import FakeOpenAIServer, Reply, error, ok
from tests.llm.incidents import good_answer, good_update, make_case


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


async def _update(w: Wired, lang: str = "en"):  # type: ignore[no-untyped-def]
    case = make_case(lang)
    result = await w.engine.polish_update(
        case.state, case.update, previous=case.previous, since=case.since
    )
    return case, result


def _is_offline_copy(case, result) -> bool:  # type: ignore[no-untyped-def]
    return result.engine == "offline-fallback" and result.model_dump(
        exclude={"engine"}
    ) == case.update.model_dump(exclude={"engine"})


# ---------------------------------------------------------------- transient faults, retried
@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        (error(500), "server_error"),
        (error(502), "server_error"),
        (error(503), "server_error"),
        (Reply(drop=True), "unavailable"),
        (Reply(cut=True, content='{"headline": "x"}'), "unavailable"),
        (Reply(body=b"<html>proxy error</html>"), "unavailable"),
        (Reply(content=""), "empty content"),
        (Reply(content=None), "empty content"),
    ],
    ids=["500", "502", "503", "dropped", "cut-short", "garbage-body", "empty", "null"],
)
async def test_a_transient_fault_is_retried_and_the_retry_succeeds(
    server: FakeOpenAIServer, wire: Callable[..., Wired], fault: Reply, kind: str
) -> None:
    """One transient fault, then a good reply: the LLM result is used, after one backoff."""
    w = wire()
    case = make_case("en")
    server.enqueue(fault, ok(good_update(case)))
    result = await w.engine.polish_update(
        case.state, case.update, previous=case.previous, since=case.since
    )
    assert result.engine == "llm"
    assert len(server.requests) == 2
    assert w.clock.sleeps == [0.5]
    record = w.audit.records[-1]
    assert record.outcome == "ok" and kind in (record.error or "")


async def test_persistent_5xx_gives_up_after_max_retries_with_growing_backoff(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """Three 500s with max_retries=2: three requests, backoff 0.5 then 1 s, offline result."""
    w = wire(max_retries=2)
    server.enqueue(error(500), error(500), error(500), ok("{}"))
    case, result = await _update(w)
    assert _is_offline_copy(case, result)
    assert len(server.requests) == 3
    assert w.clock.sleeps == [0.5, 1.0]
    assert w.audit.records[-1].outcome == "fallback"


async def test_a_timeout_is_retried(server: FakeOpenAIServer, wire: Callable[..., Wired]) -> None:
    """A request slower than timeout_s times out; the next attempt succeeds."""
    w = wire(timeout_s=0.3)
    case = make_case("en")
    server.enqueue(Reply(delay=3, content="{}"), ok(good_update(case)))
    result = await w.engine.polish_update(
        case.state, case.update, previous=case.previous, since=case.since
    )
    assert result.engine == "llm"
    assert "timeout" in (w.audit.records[-1].error or "")


async def test_timeouts_until_the_retries_run_out_fall_back(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """Every attempt times out: the offline update, marked offline-fallback."""
    w = wire(timeout_s=0.2, max_retries=1)
    server.enqueue(Reply(delay=3, content="{}"), Reply(delay=3, content="{}"))
    case, result = await _update(w)
    assert _is_offline_copy(case, result)
    assert w.audit.records[-1].error == "timeout; timeout"


async def test_connection_refused_falls_back(wire: Callable[..., Wired]) -> None:
    """Nothing listens on the port: retried, then the offline answer; no exception escapes."""
    w = wire(base_url=_closed_port_url(), max_retries=1)
    case = make_case("ja")
    result = await w.engine.polish_answer(case.state, case.answer, question="戻すべき？")
    assert result.engine == "offline-fallback"
    assert result.text == case.answer.text
    assert w.audit.records[-1].outcome == "fallback"
    assert "unavailable" in (w.audit.records[-1].error or "")


async def test_429_honours_retry_after_when_it_fits_the_deadline(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """429 with Retry-After: 3 waits exactly 3 s (not the default backoff), then succeeds."""
    w = wire(deadline_s=45)
    case = make_case("en")
    server.enqueue(error(429, {"Retry-After": "3"}), ok(good_update(case)))
    result = await w.engine.polish_update(
        case.state, case.update, previous=case.previous, since=case.since
    )
    assert result.engine == "llm"
    assert w.clock.sleeps == [3.0]
    assert "rate_limited" in (w.audit.records[-1].error or "")


async def test_429_with_retry_after_beyond_the_deadline_falls_back_at_once(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """Retry-After: 120 with a 45 s deadline: no waiting, the offline result right away."""
    w = wire(deadline_s=45)
    server.enqueue(error(429, {"Retry-After": "120"}), ok("{}"))
    case, result = await _update(w)
    assert _is_offline_copy(case, result)
    assert w.clock.sleeps == []
    assert len(server.requests) == 1
    assert "deadline" in (w.audit.records[-1].error or "")


async def test_the_deadline_bounds_the_retries(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """Backoff that would cross the deadline is not waited: deadline 1.2 s allows one retry."""
    w = wire(deadline_s=1.2, max_retries=5)
    server.enqueue(error(503), error(503), error(503), error(503))
    case, result = await _update(w)
    assert _is_offline_copy(case, result)
    assert w.clock.sleeps == [0.5]
    assert len(server.requests) == 2


async def test_a_rejected_request_is_not_retried(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """A 400 (e.g. a server that does not support the response_format) falls back at once."""
    w = wire()
    server.enqueue(error(400), ok("{}"))
    case, result = await _update(w)
    assert _is_offline_copy(case, result)
    assert len(server.requests) == 1
    assert "rejected" in (w.audit.records[-1].error or "")


# ---------------------------------------------------------------- invalid output: one repair
@pytest.mark.parametrize(
    "bad",
    [
        Reply(content="Sure! Here is the update: it is going fine."),
        Reply(content='{"headline": "[Mitigating] x", "claims": [}'),
        ok({"headline": "[Mitigating] x"}),
        ok({"headline": "[Mitigating] x", "claims": [], "extra": 1}),
        Reply(content='{"headline": "[Mitigating] x", "cla', finish_reason="length"),
    ],
    ids=["prose", "broken-json", "missing-field", "extra-field", "cut-at-max-tokens"],
)
async def test_invalid_output_gets_one_repair_turn_with_the_error(
    server: FakeOpenAIServer, wire: Callable[..., Wired], bad: Reply
) -> None:
    """Invalid output, then a good reply to the repair prompt: outcome "repaired"."""
    w = wire()
    case = make_case("en")
    server.enqueue(bad, ok(good_update(case)))
    result = await w.engine.polish_update(
        case.state, case.update, previous=case.previous, since=case.since
    )
    assert result.engine == "llm"
    repair = server.requests[1]["messages"]
    assert [m["role"] for m in repair] == ["system", "user", "assistant", "user"]
    assert "could not be used" in repair[-1]["content"]
    assert w.audit.records[-1].outcome == "repaired"


async def test_invalid_output_twice_falls_back(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """The repair is tried once only: a second invalid reply gives the offline update."""
    w = wire()
    server.enqueue(ok({"headline": "nope"}), ok({"headline": "still no"}), ok("{}"))
    case, result = await _update(w)
    assert _is_offline_copy(case, result)
    assert len(server.requests) == 2
    record = w.audit.records[-1]
    assert record.outcome == "fallback" and "schema" in (record.error or "")


async def test_the_repair_message_says_what_was_wrong(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """A draft with the wrong phase label is sent back with that reason."""
    w = wire()
    case = make_case("en")
    wrong = good_update(case) | {"headline": "[Resolved] all good"}
    server.enqueue(ok(wrong), ok(good_update(case)))
    await w.engine.polish_update(case.state, case.update, previous=case.previous, since=case.since)
    assert "must start with [Mitigating]" in server.requests[1]["messages"][-1]["content"]


# ---------------------------------------------------------------- refusals
@pytest.mark.parametrize(
    "reply",
    [
        Reply(content=None, refusal="I'm sorry, I cannot help with that request."),
        Reply(content="I can't help with that."),
        Reply(content="申し訳ありませんが、お手伝いできません。"),
    ],
    ids=["refusal-field", "refusal-en", "refusal-ja"],
)
async def test_a_refusal_falls_back_without_retrying(
    server: FakeOpenAIServer, wire: Callable[..., Wired], reply: Reply
) -> None:
    """A refusal (the refusal field, or prose refusing) gives the offline answer at once."""
    w = wire()
    case = make_case("en")
    server.enqueue(reply, ok(good_answer(case)))
    result = await w.engine.polish_answer(case.state, case.answer, question="roll back?")
    assert result.engine == "offline-fallback" and result.text == case.answer.text
    assert len(server.requests) == 1
    assert w.audit.records[-1].error == "refusal"


async def test_a_refusal_inside_the_json_text_is_not_posted(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """{"text": "I can't help with that"} is invalid: repaired, or the offline answer."""
    w = wire()
    case = make_case("en")
    server.enqueue(ok(good_answer(case, "I can't help with that.")), ok(good_answer(case)))
    result = await w.engine.polish_answer(case.state, case.answer, question="roll back?")
    assert result.engine == "llm" and "can't help" not in result.text
    assert w.audit.records[-1].outcome == "repaired"


# ---------------------------------------------------------------- audit
class _BrokenAudit:
    def record_llm_call(self, record: object) -> None:
        raise RuntimeError("disk full")


async def test_a_failing_audit_sink_does_not_break_the_answer(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """The audit log is best effort: if recording fails the polished answer still comes back."""
    w = wire()
    w.engine.caller.audit = _BrokenAudit()
    case = make_case("en")
    server.enqueue(ok(good_answer(case)))
    result = await w.engine.polish_answer(case.state, case.answer, question="roll back?")
    assert result.engine == "llm"


async def test_every_call_is_audited_with_tokens_latency_and_outcome(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """One record per polish: prompt name, model, tokens in and out, latency, incident id."""
    w = wire()
    case = make_case("en")
    server.enqueue(ok(good_update(case)), Reply(content="{}", usage=(111, 7)), ok("{}"))
    await w.engine.polish_update(case.state, case.update, previous=case.previous, since=case.since)
    await w.engine.polish_answer(case.state, case.answer, question="roll back?")
    first, second = w.audit.records
    assert (first.prompt_name, first.outcome, first.model) == ("update", "ok", "fake-model")
    assert first.tokens_in > 100 and first.tokens_out > 10 and first.latency_ms > 0
    assert first.incident_id == "inc-1"
    assert (second.prompt_name, second.outcome) == ("answer_rollback", "fallback")
    assert second.tokens_in == 111 + server_tokens(server, 2)
    assert second.tokens_out >= 7


def server_tokens(server: FakeOpenAIServer, index: int) -> int:
    from tests.llm.fake_server import prompt_tokens

    return prompt_tokens(server.requests[index])
