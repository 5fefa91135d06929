"""Opening the knowledge store for the app over several directories, and reopening it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.adapters.knowledge_build import open_knowledge
from assistant.adapters.knowledge_chroma import KnowledgeSettings
from assistant.adapters.knowledge_embed import shared_encoder
from assistant.settings import Settings


@dataclass
class ChromaFields:
    """Only the Chroma fields of the app settings."""

    chroma_path: Path
    chroma_host: str | None = None
    chroma_port: int | None = None


def test_settings_are_taken_from_the_app_settings(tmp_path: Path) -> None:
    """CHROMA_PATH/HOST/PORT map onto KnowledgeSettings; a blank host means embedded."""
    local = KnowledgeSettings.of(ChromaFields(tmp_path / "c", chroma_host=""))
    assert local == KnowledgeSettings(store_dir=str(tmp_path / "c"))
    remote = KnowledgeSettings.of(ChromaFields(tmp_path, chroma_host="chroma", chroma_port=8001))
    assert (remote.chroma_host, remote.chroma_port) == ("chroma", 8001)
    assert KnowledgeSettings.of(None) == KnowledgeSettings()


def test_two_directories_keep_each_others_documents_across_reopens(tmp_path: Path) -> None:
    """Ingesting directory A must not remove documents that came from directory B (each is
    ingested against its own base); a file deleted from A is removed on the next open."""
    shared_encoder()
    a = tmp_path / "a" / "guidance" / "en"
    b = tmp_path / "b" / "postmortems"
    a.mkdir(parents=True)
    b.mkdir(parents=True)
    (a / "roles.md").write_text("# Roles\n\nThe scribe keeps the timeline.\n")
    (a / "severity.md").write_text("# Severity\n\nSEV1 means all hands.\n")
    (b / "disk.md").write_text("# Disk full\n\nThe database volume filled up.\n")
    settings = Settings.load(chroma_path=tmp_path / "store", _env_file=None)
    dirs = [tmp_path / "a", tmp_path / "b"]

    kb = open_knowledge(settings, dirs)
    assert kb is not None
    assert kb.search("database volume filled")[0].doc_id == "postmortems/disk"
    kb.close()

    (a / "severity.md").unlink()
    again = open_knowledge(settings, dirs)
    assert again is not None
    ids = {h.doc_id for h in again.search("timeline volume severity", k=10)}
    assert ids == {"guidance/en/roles", "postmortems/disk"}
    again.close()
