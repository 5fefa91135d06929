"""Opening the knowledge store from the app's settings (the composition root's entry point)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.adapters.knowledge_build import open_knowledge
from assistant.adapters.knowledge_chroma import KnowledgeSettings
from assistant.adapters.knowledge_embed import shared_encoder


@dataclass
class AppSettings:
    """Stands in for assistant.settings.Settings: only the Chroma fields matter here."""

    chroma_path: Path
    chroma_host: str | None = None
    chroma_port: int | None = None


def test_settings_are_taken_from_the_app_settings(tmp_path: Path) -> None:
    """CHROMA_PATH/HOST/PORT map onto KnowledgeSettings; a blank host means embedded."""
    local = KnowledgeSettings.of(AppSettings(tmp_path / "c", chroma_host=""))
    assert local == KnowledgeSettings(store_dir=str(tmp_path / "c"))
    remote = KnowledgeSettings.of(AppSettings(tmp_path, chroma_host="chroma", chroma_port=8001))
    assert (remote.chroma_host, remote.chroma_port) == ("chroma", 8001)
    assert KnowledgeSettings.of(None) == KnowledgeSettings()


def test_open_knowledge_ingests_the_folders_and_answers(tmp_path: Path) -> None:
    """The store comes up ingested, honours exclusions, and logs bad files instead of failing."""
    shared_encoder()
    docs = tmp_path / "knowledge" / "guidance" / "en"
    docs.mkdir(parents=True)
    (docs / "roles.md").write_text("# Roles\n\nThe scribe keeps the timeline.\n")
    (docs / "bad.md").write_text("---\ntitle: [x\n---\n# Bad\n")
    kb = open_knowledge(AppSettings(tmp_path / "store"), [tmp_path / "knowledge"])
    assert kb is not None
    assert kb.search("who keeps the timeline?")[0].doc_id == "guidance/en/roles"
    held_out = open_knowledge(
        AppSettings(tmp_path / "store"), [tmp_path / "knowledge"], exclude_ids=["guidance/en/roles"]
    )
    assert held_out is not None
    assert held_out.search("who keeps the timeline?") == []


def test_an_unreachable_store_gives_none(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A store that cannot be opened is logged and replaced by None (the bot degrades)."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the store directory should be")
    assert open_knowledge(AppSettings(blocker), []) is None
    assert "knowledge base unavailable" in caplog.text
