"""Fixtures for the LLM layer: the fake server, and engines wired to it with a fake clock."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from assistant.llm.audit import MemoryAudit
from assistant.llm.engine import LLMEngine
from assistant.llm.openai_adapter import OpenAIPort
from assistant.llm.settings import LLMSettings
from tests.llm.fake_server import FakeOpenAIServer


class FakeClock:
    """Monotonic time that real waiting advances, and that ``sleep`` jumps forward instantly."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return time.monotonic() + self.offset

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.offset += seconds


class Wired:
    """An engine on the fake server, with what a test inspects."""

    def __init__(self, engine: LLMEngine, audit: MemoryAudit, clock: FakeClock) -> None:
        self.engine = engine
        self.audit = audit
        self.clock = clock


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        yield srv


@pytest.fixture
async def wire(server: FakeOpenAIServer) -> AsyncIterator[Callable[..., Wired]]:
    ports: list[OpenAIPort] = []

    def make(base_url: str | None = None, **overrides: Any) -> Wired:
        values: dict[str, Any] = {
            "base_url": base_url or server.base_url,
            "model": "fake-model",
            "timeout_s": 5,
        }
        values.update(overrides)
        settings = LLMSettings(**values)
        port = OpenAIPort.from_settings(settings)
        ports.append(port)
        audit, clock = MemoryAudit(), FakeClock()
        engine = LLMEngine(port, settings, audit=audit, clock=clock.now, sleep=clock.sleep)
        return Wired(engine, audit, clock)

    yield make
    for port in ports:
        await port.aclose()
