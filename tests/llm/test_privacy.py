"""Nothing secret reaches the LLM, and nothing secret the model writes is posted."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.llm.conftest import Wired
from tests.llm.fake_server import FakeOpenAIServer, ok
from tests.llm.incidents import SECRET_KEY, SECRET_PASSWORD, good_answer, good_update, make_case


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_secrets_in_chat_never_reach_the_server(
    server: FakeOpenAIServer, wire: Callable[..., Wired], lang: str
) -> None:
    """A pasted AWS key and a database password are redacted in the update prompt."""
    case = make_case(lang)
    server.enqueue(ok(good_update(case)))
    w = wire()
    await w.engine.polish_update(case.state, case.update, previous=case.previous, since=case.since)
    sent = json.dumps(server.requests[0], ensure_ascii=False)
    assert SECRET_KEY not in sent and SECRET_PASSWORD not in sent
    assert "[REDACTED:aws-access-key]" in sent and "[REDACTED:password]" in sent
    assert "[m3]" in sent  # the message itself is still there, minus its secrets


async def test_a_secret_in_the_question_is_redacted(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """The question of an answer prompt is redacted like chat."""
    case = make_case("en")
    server.enqueue(ok(good_answer(case)))
    w = wire()
    question = "roll back? the token is ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    await w.engine.polish_answer(case.state, case.answer, question=question)
    sent = json.dumps(server.requests[0])
    assert "ghp_a1B2" not in sent and "[REDACTED:github-token]" in sent


async def test_configured_extra_patterns_are_redacted_before_sending(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """extra_redact_patterns from settings apply to prompts too."""
    case = make_case("en")
    case.state.messages["m5"].content = "internal ticket ACME-778899 has the details"
    server.enqueue(ok(good_update(case)))
    w = wire(extra_redact_patterns=[r"ACME-\d{6}"])
    await w.engine.polish_update(case.state, case.update, previous=case.previous, since=case.since)
    sent = json.dumps(server.requests[0])
    assert "ACME-778899" not in sent and "[REDACTED:custom]" in sent


async def test_a_secret_written_by_the_model_is_redacted_in_the_output(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """Whatever the model writes, the polished text carries no credential."""
    case = make_case("en")
    draft = good_update(case)
    draft["claims"][0]["text"] = "Use postgres://app:hunter2@db:5432/x to check"  # type: ignore[index]
    server.enqueue(ok(draft), ok(good_answer(case, "Key sk-abcdefghijklmnopqrstuvwxyz0123 works")))
    w = wire()
    update = await w.engine.polish_update(
        case.state, case.update, previous=case.previous, since=case.since
    )
    answer = await w.engine.polish_answer(case.state, case.answer, question="roll back?")
    assert update.engine == "llm" and "hunter2" not in update.text
    assert "hunter2" not in update.claims[0].text
    assert answer.engine == "llm" and "sk-abcdefghij" not in answer.text
