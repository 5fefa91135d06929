"""Prompts fit the token budget and are incremental: previous update, state, messages since."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from assistant.core.model import ChatMessage
from assistant.core.prompt_budget import estimate_tokens
from assistant.llm.context import messages_since
from tests.llm.conftest import Wired
from tests.llm.fake_server import FakeOpenAIServer, ok, prompt_tokens
from tests.llm.incidents import BOB, BOT, T0, good_update, make_case


def _flood(case, n: int, lang: str) -> list[ChatMessage]:  # type: ignore[no-untyped-def]
    text = (
        "エラー率を確認中です。ダッシュボードを見ています。"
        if lang == "ja"
        else ("still checking the error rate on the dashboard, nothing new yet")
    )
    out = []
    for i in range(n):
        msg = ChatMessage(
            id=f"f{i}", author=BOB, at=T0 + timedelta(minutes=10, seconds=i), content=f"{i}: {text}"
        )
        case.state.messages[msg.id] = msg
        out.append(msg)
    return out


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_a_long_since_window_is_cut_to_the_budget_oldest_first(
    server: FakeOpenAIServer, wire: Callable[..., Wired], lang: str
) -> None:
    """500 new messages: the prompt stays within the budget, keeps the newest messages, the
    previous update and the state, and says how many older messages it left out."""
    case = make_case(lang)
    flood = _flood(case, 500, lang)
    server.enqueue(ok(good_update(case)))
    w = wire(token_budget=1500)
    await w.engine.polish_update(
        case.state, case.update, previous=case.previous, since=case.since + flood
    )
    request = server.requests[0]
    assert prompt_tokens(request) <= 1500
    user = request["messages"][1]["content"]
    assert "[f499]" in user and "[f0]" not in user
    assert "older messages omitted" in user
    assert case.previous.headline in user  # the previous update is kept
    assert "phase: mitigating" in user  # the current state is kept
    assert "[sources: m4]" in user  # the draft's claims are kept


async def test_the_update_prompt_carries_only_messages_since_the_previous_update(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """Incremental: m1 and m2 were before the previous update and are not sent again."""
    case = make_case("en")
    server.enqueue(ok(good_update(case)))
    w = wire()
    since = messages_since(case.state, case.previous)
    assert [m.id for m in since] == ["m3", "m4", "m5"]
    await w.engine.polish_update(case.state, case.update, previous=case.previous, since=since)
    chat = server.requests[0]["messages"][1]["content"].split("<chat>")[1]
    assert "[m3]" in chat and "[m5]" in chat and "[m1]" not in chat and "[m2]" not in chat


def test_messages_since_skips_bots_and_deleted_messages() -> None:
    """The bot's own posts and deleted messages are not context for the next update."""
    case = make_case("en")
    case.state.messages["m4"].deleted = True
    bot_msg = ChatMessage(id="b1", author=BOT, at=T0 + timedelta(minutes=9), content="update")
    case.state.messages["b1"] = bot_msg
    assert [m.id for m in messages_since(case.state, case.previous)] == ["m3", "m5"]
    assert len(messages_since(case.state, None)) == 4


async def test_a_prompt_that_cannot_fit_falls_back_without_calling(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """If even the state and the draft exceed the budget, nothing is sent: offline result."""
    case = make_case("en")
    case.update.claims[0].text = "x" * 3000
    w = wire(token_budget=300)
    result = await w.engine.polish_update(
        case.state, case.update, previous=case.previous, since=case.since
    )
    assert result.engine == "offline-fallback"
    assert server.requests == []
    record = w.audit.records[-1]
    assert record.outcome == "fallback" and record.tokens_in == 0
    assert "not sent" in (record.error or "") and "budget" in (record.error or "")


async def test_a_cited_deleted_message_is_not_accepted(
    server: FakeOpenAIServer, wire: Callable[..., Wired]
) -> None:
    """A draft citing a message deleted since it was read is invalid."""
    case = make_case("en")
    case.state.messages["m3"].deleted = True
    draft = good_update(case)
    draft["claims"].append(  # type: ignore[attr-defined]
        {"section": "confirmed", "certainty": "suspected", "text": "t", "source_ids": ["m3"]}
    )
    server.enqueue(ok(draft), ok(draft))
    w = wire()
    result = await w.engine.polish_update(
        case.state, case.update, previous=case.previous, since=case.since
    )
    assert result.engine == "offline-fallback"
    assert "m3" in (w.audit.records[-1].error or "")


def test_estimate_matches_the_fake_server_count() -> None:
    """The bench's token counts and the engine's budget use the same estimate."""
    assert prompt_tokens({"messages": [{"content": "abc"}, {"content": "復旧"}]}) == 1 + 2
    assert estimate_tokens("abc") == 1
