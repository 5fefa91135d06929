"""Which knowledge the app answers from: the team's knowledge base, or exactly some dirs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from assistant.app import build_app
from assistant.kb_commands import run_ingest
from assistant.settings import Settings, bundled


def test_kb_ingest_feeds_the_bot_and_replay_knowledge_dirs_stay_hermetic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `kb ingest` adds is part of the knowledge base the bot (and a plain replay)
    answers from; `replay --knowledge DIR` answers from exactly DIR."""
    monkeypatch.setenv("CHROMA_PATH", str(tmp_path / "chroma"))
    extra = tmp_path / "team" / "postmortems"
    extra.mkdir(parents=True)
    (extra / "zebra-queue.md").write_text(
        "# Zebra queue stalled after the broker upgrade\n\nThe zebra queue stopped draining "
        "after the broker upgrade; rolling the broker back drained it.\n",
        encoding="utf-8",
    )
    settings = Settings.load(_env_file=None)
    assert run_ingest([str(tmp_path / "team")], settings=settings, out=io.StringIO()) == 0

    team = build_app(settings, state_path=tmp_path / "a.sqlite3")
    assert team.knowledge is not None
    hits = team.knowledge.search("zebra queue stopped draining", kind="postmortem", k=3)
    assert hits and hits[0].doc_id == "postmortems/zebra-queue"
    team.close()

    exact = build_app(settings, state_path=tmp_path / "b.sqlite3",
                      knowledge_dirs=[bundled("knowledge")])  # fmt: skip
    assert exact.knowledge is not None
    hits = exact.knowledge.search("zebra queue stopped draining", kind="postmortem", k=5)
    assert all(h.doc_id != "postmortems/zebra-queue" for h in hits)
    exact.close()
