"""The replay's JSONL contract (issue 2, item 6), checked on the bundled samples."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict

from assistant.cli import main
from tests.conftest import REPO

Phase = Literal["investigating", "identified", "mitigating", "monitoring", "resolved"]
SAMPLES = sorted((REPO / "samples").glob("*/export.json"))


class _Record(BaseModel):
    model_config = ConfigDict(extra="allow")  # extra fields are fine
    type: str
    at: datetime


class PhaseRec(_Record):
    phase: Phase
    source_ids: list[str]


class UpdateRec(_Record):
    phase: Phase
    text: str
    source_ids: list[str]


class AssignmentRec(_Record):
    user: str
    task: str
    purpose: str | None
    source_ids: list[str]


class ReleaseRec(_Record):
    user: str


class FlagRec(_Record):
    user: str
    reason: Literal["unassigned", "idle"]
    text: str


class AnswerRec(_Record):
    in_reply_to: str
    intent: Literal["rollback", "status", "roster", "guidance", "other"]
    text: str
    recommendation: Literal["rollback", "disable_flag", "fix_forward", "redeploy", "hold"] | None
    citations: list[str]


CONTRACT: dict[str, type[_Record]] = {
    "phase": PhaseRec,
    "update": UpdateRec,
    "assignment": AssignmentRec,
    "release": ReleaseRec,
    "flag": FlagRec,
    "answer": AnswerRec,
}
PREFIXES = (
    "【調査中】",
    "【原因特定】",
    "【対応中】",
    "【経過観察】",
    "【復旧完了】",
    "[Investigating]",
    "[Identified]",
    "[Mitigating]",
    "[Monitoring]",
    "[Resolved]",
)


def _replay(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict[str, object]]:
    assert main(["replay", str(path), "--format", "jsonl", *extra]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def _export(path: Path) -> dict[str, object]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.parent.name)
def test_every_record_follows_the_contract(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each line is one JSON object of a known shape, ordered by `at`; users are export
    names; answers reply to real message ids; updates start with a phase prefix."""
    records = _replay(sample, capsys, "--no-knowledge")
    assert records, "a sample incident produces output"
    export = _export(sample)
    names = {m["author"]["name"] for m in export["messages"]}  # type: ignore[index]
    names |= {u["name"] for m in export["messages"] for u in m.get("mentions", [])}  # type: ignore[union-attr,index]
    ids = {m["id"] for m in export["messages"]}  # type: ignore[index]
    times = []
    for rec in records:
        model = CONTRACT.get(str(rec["type"]))
        if model is None:
            assert rec["type"] in {"proposal", "notice"}, rec
            continue
        parsed = model.model_validate(rec)
        times.append(parsed.at)
        if isinstance(parsed, AssignmentRec | ReleaseRec | FlagRec):
            assert parsed.user in names
        if isinstance(parsed, AnswerRec):
            assert parsed.in_reply_to in ids
        if isinstance(parsed, UpdateRec):
            assert parsed.text.startswith(PREFIXES), parsed.text[:40]
            assert set(parsed.source_ids) <= ids
    assert times == sorted(times)
    kinds = {r["type"] for r in records}
    assert {"phase", "update", "assignment", "answer"} <= kinds


EXPECTED_PHASES = {
    "ja-release-rollback": ["mitigating", "monitoring", "resolved"],
    "en-no-change-redeploy": ["mitigating", "monitoring", "resolved"],
    "en-flag-disable": ["mitigating", "monitoring", "resolved"],
}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.parent.name)
def test_samples_walk_through_their_phases(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each bundled incident ends resolved after passing through mitigation and monitoring
    once every proposal is confirmed (what the bot reads), and every phase change posts an
    update in that phase at once."""
    records = _replay(sample, capsys, "--no-knowledge", "--confirm-proposals", "all")
    phases = [r["phase"] for r in records if r["type"] == "phase"]
    want = EXPECTED_PHASES[sample.parent.name]
    it = iter(phases)
    assert all(p in it for p in want), phases  # in this order, others may come between
    for i, rec in enumerate(records):
        if rec["type"] == "phase":
            nxt = next(r for r in records[i + 1 :] if r["type"] == "update")
            assert nxt["phase"] == rec["phase"] and nxt["at"] == rec["at"]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.parent.name)
def test_by_default_only_the_commander_moves_the_phase(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plain replay shows what live would do: the phase moves only on the commander's
    words (or their confirmation); anyone else's inferred change stays a proposal."""
    records = _replay(sample, capsys, "--no-knowledge")
    export = json.loads(sample.read_text(encoding="utf-8"))
    author = {m["id"]: m["author"]["name"] for m in export["messages"]}
    # each sample's commander opens the incident (its first human message)
    commander = next(m["author"]["name"] for m in export["messages"] if not m["author"]["isBot"])
    moved = [r for r in records if r["type"] == "phase" and r["how"] in ("inferred", "prefix")]
    assert moved
    for rec in moved:
        assert {author[s] for s in rec["source_ids"]} == {commander}, rec


def test_answers_cite_documents_of_the_knowledge_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the bundled knowledge, rollback answers cite ids that are paths (without
    extension) of files in knowledge/."""
    monkeypatch.setenv("CHROMA_PATH", str(tmp_path / "chroma"))
    sample = REPO / "samples" / "ja-release-rollback" / "export.json"
    records = _replay(sample, capsys)
    cited = {c for r in records if r["type"] == "answer" for c in r["citations"]}  # type: ignore[union-attr]
    assert cited
    for doc_id in cited:
        assert (REPO / "knowledge" / f"{doc_id}.md").is_file(), doc_id


def test_text_format_is_a_readable_timeline(capsys: pytest.CaptureFixture[str]) -> None:
    """--format text: one entry per action, time first, phase-prefixed updates, no ANSI
    colour when not asked for."""
    sample = REPO / "samples" / "en-no-change-redeploy" / "export.json"
    assert main(["replay", str(sample), "--no-knowledge", "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "\033[" not in out
    assert "UPDATE   [Investigating]" in out or "UPDATE   [" in out
    assert "PHASE" in out and "ANSWER" in out
