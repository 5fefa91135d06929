"""The shipped sample postmortems: front matter the advisor relies on, and the coverage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

POSTMORTEMS = Path(__file__).resolve().parents[2] / "knowledge" / "postmortems"
REQUIRED = ("title", "date", "tags", "services", "severity", "cause", "rollback", "lang")


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    block = text.split("\n---\n", 1)[0][4:]
    data = yaml.safe_load(block)
    assert isinstance(data, dict), path
    return data


def all_docs() -> list[tuple[Path, dict[str, Any]]]:
    return [(p, front_matter(p)) for p in sorted(POSTMORTEMS.glob("*.md"))]


@pytest.mark.parametrize("path", sorted(POSTMORTEMS.glob("*.md")), ids=lambda p: p.stem)
def test_front_matter_is_complete(path: Path) -> None:
    """Each postmortem has the fields the advisor cites, and says where it comes from."""
    data = front_matter(path)
    for key in REQUIRED:
        assert key in data, f"{path.name} lacks {key}"
    assert data["lang"] in ("ja", "en")
    assert isinstance(data["rollback"]["attempted"], bool)
    assert data["rollback"]["outcome"] in ("helped", "did_not_help", "made_worse", "not_attempted")
    assert data.get("fictional") is True or str(data.get("source_url", "")).startswith("https://")


def test_the_samples_cover_every_rollback_outcome_in_both_languages() -> None:
    """Rollbacks that helped, did not help, made it worse, and none at all; ja and en."""
    docs = all_docs()
    assert len(docs) >= 10
    outcomes = {d["rollback"]["outcome"] for _, d in docs}
    assert outcomes == {"helped", "did_not_help", "made_worse", "not_attempted"}
    assert {d["lang"] for _, d in docs} == {"ja", "en"}
    assert any(d.get("fictional") for _, d in docs)
    assert any(d.get("source_url") for _, d in docs)
