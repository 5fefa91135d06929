"""The three structured-output modes, as the real openai client sends them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.llm.conftest import Wired
from tests.llm.fake_server import FakeOpenAIServer, ok
from tests.llm.incidents import good_answer, good_update, make_case


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_json_schema_mode_sends_a_strict_schema_and_uses_the_draft(
    server: FakeOpenAIServer, wire: Callable[..., Wired], lang: str
) -> None:
    """json_schema mode: strict response_format with the draft's schema; the result is the LLM's."""
    case = make_case(lang)
    server.enqueue(ok(good_update(case)))
    w = wire(structured_mode="json_schema")
    result = await w.engine.polish_update(
        case.state, case.update, previous=case.previous, since=case.since
    )
    fmt = server.requests[0]["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["name"] == "UpdateDraft"
    schema = fmt["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"headline", "claims"}
    assert "$defs" not in schema and "$ref" not in str(schema)
    assert result.engine == "llm"
    assert result.headline.startswith(case.update.headline[:4])
    assert "polished" in result.headline and "polished" in result.text
    assert result.phase == case.update.phase
    assert [c.source_ids for c in result.claims] == [c.source_ids for c in case.update.claims]
    assert w.audit.records[0].outcome == "ok"


async def test_json_object_mode_sends_the_schema_in_a_json_object_format(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """json_object mode (llama.cpp): {"type": "json_object", "schema": ...}, no json_schema."""
    case = make_case("en")
    server.enqueue(ok(good_update(case)))
    w = wire(structured_mode="json_object")
    result = await w.engine.polish_update(
        case.state, case.update, previous=case.previous, since=case.since
    )
    fmt = server.requests[0]["response_format"]
    assert fmt["type"] == "json_object"
    assert fmt["schema"]["properties"]["headline"]["type"] == "string"
    assert "json_schema" not in fmt
    assert "maxLength" not in str(fmt)  # llama.cpp cannot build a grammar from long limits
    assert result.engine == "llm"


async def test_prompt_mode_sends_no_response_format_and_puts_the_schema_in_the_prompt(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """prompt mode: no response_format; the system prompt carries the JSON schema."""
    case = make_case("ja")
    server.enqueue(ok(good_answer(case, "推奨はロールバックです。データが戻らないか確認を。")))
    w = wire(structured_mode="prompt")
    result = await w.engine.polish_answer(case.state, case.answer, question="ロールバックすべき？")
    request = server.requests[0]
    assert "response_format" not in request
    system = request["messages"][0]["content"]
    assert '"recommendation"' in system and "JSON schema" in system
    assert result.engine == "llm"
    assert result.text.startswith("推奨はロールバック")


async def test_prompt_mode_accepts_json_inside_a_code_fence(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """Models asked for JSON in the prompt often wrap it in ```json fences; that still counts."""
    case = make_case("en")
    text = "Roll back: the release is the likely cause and it is safe to undo."
    server.enqueue(ok('```json\n{"recommendation": "rollback", "text": "' + text + '"}\n```'))
    w = wire(structured_mode="prompt")
    result = await w.engine.polish_answer(case.state, case.answer, question="roll back?")
    assert result.engine == "llm" and result.text == text


async def test_the_client_sends_model_max_tokens_and_the_api_key(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """Settings reach the wire: model, max_tokens and the bearer key."""
    case = make_case("en")
    server.enqueue(ok(good_answer(case)))
    w = wire(model="my-model", max_tokens=123, api_key="local-key")
    await w.engine.polish_answer(case.state, case.answer, question="roll back?")
    assert server.requests[0]["model"] == "my-model"
    assert server.requests[0]["max_tokens"] == 123
    assert server.request_headers[0]["authorization"] == "Bearer local-key"
