"""The benchmark's export generator produces exports the importer reads as a real incident."""

from __future__ import annotations

import importlib.util
import itertools
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from assistant.adapters.export_dce import load_export, parse_export
from assistant.core.events import MemberJoined, MessagePosted, ReactionAdded

GENERATOR = Path(__file__).resolve().parents[2] / "bench" / "generate_export.py"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_export", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_export", module)
    spec.loader.exec_module(module)
    return module


def contents(data: dict[str, object]) -> list[str]:
    return [e.message.content for e in parse_export(data).events if isinstance(e, MessagePosted)]


def test_generated_export_imports_with_every_ingredient(gen: ModuleType) -> None:
    """600 mixed messages: ten users, the bot as candidate, joins, reactions, pins, ja and en."""
    data = gen.generate(600, seed=1)
    result = parse_export(data)
    kinds = Counter(type(e).__name__ for e in result.events)
    assert result.message_count == 600
    assert len(result.users) == 10
    assert [u.name for u in result.bot_candidates] == ["incident-assistant"]
    assert kinds["MemberJoined"] == 8
    assert kinds["ReactionAdded"] > 0 and kinds["MessagePinned"] > 0
    texts = contents(data)
    assert any("目的は" in t for t in texts) and any(", goal:" in t for t in texts)
    assert any(t.startswith("@incident-assistant should we roll back?") for t in texts)
    assert any(t.startswith("【") for t in texts)
    assert not any("<@" in t for t in texts)  # raw mentions were all resolvable


def test_generated_times_are_a_few_seconds_apart(gen: ModuleType) -> None:
    """Consecutive messages are between 2 and 10 seconds apart, in file order."""
    events = [e for e in parse_export(gen.generate(300)).events if not isinstance(e, ReactionAdded)]
    gaps = [(b.at - a.at).total_seconds() for a, b in itertools.pairwise(events)]
    assert all(2 <= g < 10 for g in gaps)


def test_generation_is_deterministic_per_seed(gen: ModuleType) -> None:
    """The same seed gives the same export; another seed gives another."""
    assert gen.generate(200, seed=3) == gen.generate(200, seed=3)
    assert gen.generate(200, seed=3) != gen.generate(200, seed=4)


def test_language_choice(gen: ModuleType) -> None:
    """lang="ja" writes Japanese assignments only, lang="en" English only."""
    ja = contents(gen.generate(400, lang="ja"))
    en = contents(gen.generate(400, lang="en"))
    assert any("目的は" in t for t in ja) and not any(", goal:" in t for t in ja)
    assert any(", goal:" in t for t in en) and not any("目的は" in t for t in en)
    with pytest.raises(ValueError):
        gen.generate(10, lang="fr")


def test_main_writes_a_loadable_file(gen: ModuleType, tmp_path: Path) -> None:
    """``generate_export.py N OUT`` writes UTF-8 JSON that load_export reads back."""
    out = tmp_path / "out.json"
    assert gen.main(["50", str(out), "--lang", "ja"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["messageCount"] == 50
    result = load_export(out)
    assert result.message_count == 50
    assert any(isinstance(e, MemberJoined) for e in result.events)


def test_zero_messages_is_an_empty_channel(gen: ModuleType) -> None:
    """Asking for no messages gives a valid export with nothing to replay."""
    assert parse_export(gen.generate(0)).events == []
