"""The postmortem draft worded by an LLM (the fake OpenAI-compatible server on loopback):
its words are used when they only rephrase, and the offline draft comes back otherwise."""

from __future__ import annotations

import asyncio
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.adapters.export_dce import load_export
from assistant.adapters.store_sqlite import SqliteStore
from assistant.core import postmortem
from assistant.core.engine import Engine
from assistant.core.model import IncidentState
from assistant.core.postmortem_model import Postmortem
from assistant.llm.postmortem import numbers
from assistant.replay import ReplayOptions, replay
from assistant.service import IncidentService
from tests.conftest import REPO
from tests.llm.conftest import Wired
from tests.llm.fake_server import FakeOpenAIServer, Reply, error, ok

SAMPLE = REPO / "samples" / "ja-release-rollback" / "export.json"
_ACTION = re.compile(r"^- \[(a\d+)\] \([^)]*\) (.*)$")


def _recorded(tmp_path: Path) -> Path:
    """The sample replayed offline into a state file."""
    path = tmp_path / "state.sqlite3"
    store = SqliteStore(path)
    service = IncidentService(store, Engine())
    export = load_export(SAMPLE)
    asyncio.run(replay(service, export, ReplayOptions(export=SAMPLE), io.StringIO()))
    service.checkpoint()
    store.close()
    return path


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _recorded(tmp_path_factory.mktemp("pm"))


def _offline(path: Path) -> tuple[IncidentState, Postmortem]:
    store = SqliteStore(path)
    service = IncidentService(store, Engine())
    incident_id = load_export(SAMPLE).incident_id
    state = service.state(incident_id)
    assert state is not None
    history = [d.action for d in service.deliveries(incident_id)]
    store.close()
    return state, postmortem.build(state, history, lang="en")


def reword(request: dict[str, Any], *, prefix: str = "Put simply: ") -> Reply:
    """A cooperative fake model: every sentence of the draft back, with ``prefix``."""
    user = str(request["messages"][1]["content"])
    draft = user.split("<draft>\n", 1)[1].split("\n</draft>", 1)[0]
    summary = draft.splitlines()[0].removeprefix("summary: ")
    actions = [
        {"id": m.group(1), "text": prefix + m.group(2)}
        for line in draft.splitlines()
        if (m := _ACTION.match(line))
    ]
    return ok({"summary": prefix + summary, "actions": actions})


async def test_the_llm_words_the_summary_and_every_action(
    recorded: Path, wire: Callable[..., Wired], server: FakeOpenAIServer
) -> None:
    """With a model that only rephrases, the draft carries its words, marked "llm"; times,
    sources and the front-matter facts stay the offline draft's."""
    state, offline = _offline(recorded)
    server.responder = reword
    w = wire()
    worded = await w.engine.word_postmortem(state, offline)
    assert worded.engine == "llm"
    assert worded.summary.startswith("Put simply: ") and offline.summary in worded.summary
    assert len(worded.actions) == len(offline.actions) > 5
    for before, after in zip(offline.actions, worded.actions, strict=True):
        assert after.text == "Put simply: " + " ".join(before.text.split())
        assert after.source_ids == before.source_ids and after.kind == before.kind
    assert worded.milestones == offline.milestones and worded.cited() == offline.cited()
    (record,) = w.audit.records
    assert record.prompt_name == "postmortem" and record.outcome == "ok"
    prompt = server.requests[0]["messages"]
    assert "<record>" in prompt[1]["content"] and "not instructions" in prompt[0]["content"]


def _adds_a_number(request: dict[str, Any]) -> Reply:
    reply = reword(request)
    payload = json.loads(str(reply.content))
    payload["summary"] += " About 4,200 customers were affected."
    return ok(payload)


def _drops_an_action(request: dict[str, Any]) -> Reply:
    payload = json.loads(str(reword(request).content))
    payload["actions"] = payload["actions"][1:]
    return ok(payload)


@pytest.mark.parametrize(
    ("responder", "why"),
    [
        (_adds_a_number, "numbers or times the draft does not"),
        (_drops_an_action, "return every action once"),
        (lambda request: ok("I'm sorry, I can't help with that."), "refusal"),
        (lambda request: error(500), "server_error"),
    ],
)
async def test_wording_that_adds_or_drops_a_fact_falls_back(
    recorded: Path,
    wire: Callable[..., Wired],
    server: FakeOpenAIServer,
    responder: Callable[[dict[str, Any]], Reply],
    why: str,
) -> None:
    """A new number, a dropped action, a refusal or a broken server: the offline draft,
    marked offline-fallback, and the audit log says why."""
    state, offline = _offline(recorded)
    server.responder = responder
    w = wire(max_retries=1)
    worded = await w.engine.word_postmortem(state, offline)
    assert worded.engine == "offline-fallback"
    assert worded.model_dump(exclude={"engine"}) == offline.model_dump(exclude={"engine"})
    (record,) = w.audit.records
    assert record.outcome == "fallback" and why in (record.error or "")


async def test_the_service_drafts_through_the_llm_and_redacts(
    recorded: Path, wire: Callable[..., Wired], server: FakeOpenAIServer
) -> None:
    """IncidentService.postmortem uses the LLM's words in the Markdown it returns, and a
    secret the model echoes is redacted."""
    server.responder = lambda request: _with_secret(reword(request))
    store = SqliteStore(recorded)
    try:
        service = IncidentService(store, Engine(), llm=wire().engine)
        draft = await service.postmortem(load_export(SAMPLE).incident_id, lang="en")
    finally:
        store.close()
    assert draft is not None and draft.postmortem.engine == "llm"
    assert "Put simply: " in draft.markdown
    assert "ghp_" not in draft.markdown


def _with_secret(reply: Reply) -> Reply:
    payload = json.loads(str(reply.content))
    payload["summary"] += " token ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
    return ok(payload)


def test_numbers_reads_full_width_digits_and_times() -> None:
    """The fact guard sees "１４:０２" and "14:02" as the same time, and 0.2% as a number."""
    assert numbers("１４:０２ に検知、0.2% → 8%") == {"14:02", "0.2", "8"}
