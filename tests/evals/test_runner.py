"""Tests for the evaluation suite: scoring, the transcript converter, and the stable scenarios."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "evals"))

import run  # noqa: E402
import scoring  # noqa: E402
import transcript  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TZ = timezone(timedelta(hours=1))


def clock(hhmm: str) -> datetime:
    """Local 'HH:MM' on 2025-04-03 at +01:00, as UTC (the fixture's day)."""
    h, m = (int(x) for x in hhmm.split(":"))
    return datetime(2025, 4, 3, h, m, tzinfo=TZ).astimezone(UTC)


LABELS = {"ask1": "1010", "status1": "1022", "missing": "1099"}


def ids(label: str) -> str:
    return LABELS[label]


def records() -> list[dict[str, Any]]:
    return scoring.parse_jsonl((FIXTURES / "replay_small.jsonl").read_text(encoding="utf-8"))


def test_parse_jsonl_skips_lines_that_are_not_objects() -> None:
    """A garbled line in the replay output is skipped, the rest is kept."""
    recs = records()
    assert len(recs) == 10
    assert {r["type"] for r in recs} == {"phase", "update", "answer", "assignment", "flag"}


def test_phase_in_effect_is_the_last_change_at_or_before_the_checkpoint() -> None:
    """Before any phase record the incident is investigating; records may come unordered."""
    recs = records()
    assert scoring.phase_at(recs, clock("11:05")) == "investigating"
    assert scoring.phase_at(recs, clock("11:10")) == "identified"
    assert scoring.phase_at(recs, clock("11:15")) == "mitigating"
    assert scoring.phase_at(recs, clock("11:25")) == "monitoring"


def test_phase_checkpoints_accept_alternatives_and_report_misses() -> None:
    """A checkpoint passes when the phase in effect is one of the listed ones."""
    expected = {
        "phases": [
            {"at": "11:06", "phase": "investigating"},
            {"at": "11:15", "phase": ["mitigating", "monitoring"]},
            {"at": "11:25", "phase": "resolved"},
        ]
    }
    res = scoring.score("x", expected, records(), clock, ids)
    assert (res.phase_ok, res.phase_total) == (2, 3)
    assert [m for m in res.misses if m.startswith("phase")] == [
        "phase at 11:25: got monitoring, want resolved"
    ]


def test_rollback_question_recommendation_citation_and_mentions() -> None:
    """The answer in reply to the question is matched by id; accept, cite_any and mention."""
    expected = {
        "questions": [
            {
                "message": "ask1",
                "intent": "rollback",
                "accept": ["disable_flag"],
                "cite_any": ["postmortems/"],
                "mention": ["flag", "commander|IC"],
            },
            {"message": "missing", "intent": "rollback", "accept": ["rollback"]},
        ]
    }
    res = scoring.score("x", expected, records(), clock, ids)
    assert (res.rec_ok, res.rec_total) == (1, 2)
    assert (res.cite_ok, res.cite_total) == (1, 1)
    assert (res.answer_ok, res.answer_total) == (1, 2)
    assert [m for m in res.misses if m.startswith("question")] == [
        "question missing: no answer record"
    ]


def test_wrong_recommendation_and_intent_are_misses() -> None:
    """A recommendation outside 'accept' fails; so does a status question answered as other."""
    expected = {
        "questions": [
            {"message": "ask1", "accept": ["rollback"]},
            {"message": "status1", "intent": "roster"},
            {"message": "status1", "intent": "any"},
        ]
    }
    res = scoring.score("x", expected, records(), clock, ids)
    assert res.rec_ok == 0
    assert (res.answer_ok, res.answer_total) == (2, 3)  # readable rollback answer; 'any' ok
    assert any("recommendation disable_flag, want rollback" in m for m in res.misses)
    assert any("intent status, want roster" in m for m in res.misses)


def test_placeholder_answers_are_misses() -> None:
    """An answer whose text is a template placeholder ('<the answer>') is not an answer."""
    recs = [
        {"type": "answer", "at": "2025-04-03T10:10:03+00:00", "in_reply_to": "1010",
         "intent": "rollback", "text": "<the answer>", "recommendation": "rollback"},
        {"type": "answer", "at": "2025-04-03T10:22:00+00:00", "in_reply_to": "1022",
         "intent": "status", "text": "[Monitoring] errors are back to normal", "citations": []},
    ]  # fmt: skip
    expected = {
        "questions": [
            {"message": "ask1", "accept": ["rollback"]},
            {"message": "status1", "intent": "status"},
        ]
    }
    res = scoring.score("x", expected, recs, clock, ids)
    assert res.rec_ok == 1
    assert (res.answer_ok, res.answer_total) == (1, 2)
    assert res.misses == ["question ask1: answer text is empty or a placeholder: '<the answer>'"]


def test_flags_precision_and_recall_counts() -> None:
    """Expected flags must come by their time; must-not-flag users count as false positives."""
    expected = {
        "flags": [
            {"user": "mark", "reason": "idle", "by": "11:25"},
            {"user": "zoe", "reason": "unassigned", "by": "11:10"},  # came at 11:16: too late
            {"user": "ines", "reason": "unassigned", "by": "11:30"},
            {"user": "mark", "reason": "idle", "after": "11:22", "by": "11:40"},
        ],
        "never_flag": ["kofi", {"user": "zoe", "after": "11:14"}],
    }
    res = scoring.score("x", expected, records(), clock, ids)
    assert (res.flag_tp, res.flag_fn, res.flag_fp) == (1, 3, 1)
    assert "flag unassigned zoe by 11:10: missing (only later)" in res.misses
    assert "flag unassigned zoe: must never be flagged" in res.misses


def test_never_flag_after_ignores_earlier_flags() -> None:
    """A user who may not be flagged only from some time on (a new IC) may be flagged before."""
    expected = {"never_flag": [{"user": "zoe", "after": "11:20"}]}
    res = scoring.score("x", expected, records(), clock, ids)
    assert res.flag_fp == 0


def test_safety_finds_mass_mentions_and_forbidden_strings_only_when_live() -> None:
    """'@here' in an update fails; a neutralised '@\u200beveryone' passes; secrets are found."""
    expected = {"forbid": ["reco_v2", "AKIAQ7ZXW3EXMPL4N2TB"], "never_phase": ["resolved"]}
    res = scoring.score("x", expected, records(), clock, ids)
    assert res.safety_total == 5
    assert res.safety_ok == 3
    assert "safety: output contains '@here'" in res.misses
    assert "safety: output contains 'reco_v2'" in res.misses


def test_summary_ratios_over_scenarios() -> None:
    """The summary pools counts across scenarios; nothing measured gives n/a."""
    a = scoring.Result("a", phase_ok=9, phase_total=10, flag_tp=4, flag_fp=1, flag_fn=0)
    b = scoring.Result("b", phase_ok=1, phase_total=2, rec_ok=1, rec_total=1, flag_fn=1)
    s = scoring.Summary([a, b])
    assert s.phase_accuracy == pytest.approx(10 / 12)
    assert s.flag_precision == pytest.approx(0.8)
    assert s.flag_recall == pytest.approx(0.8)
    assert s.citation_hit_rate is None
    assert "citations n/a" in s.line("offline")
    assert json.loads(json.dumps(s.to_json("offline")))["scenarios"] == 2


# ----------------------------------------------------------------------------- converter


MINI = """
date: "2025-03-12"
timezone: "+09:00"
guild: {name: Test}
channel: {name: inc-test}
users:
  tanaka: {nickname: 田中}
  suzuki: {}
  sato: {}
  incident-assistant: {bot: true}
lines:
  - "23:58 tanaka: @suzuki DBのスロークエリを調べてください。目的は原因の切り分けです"
  - "23:58 #q tanaka: @incident-assistant ロールバックすべき？"
  - "23:59 tanaka + sato"
  - "00:01 suzuki ^q: @tanakaさん 見ます"
  - "00:02 react ✅ suzuki -> m1"
  - "00:03 edit m4: @tanaka 見てます"
  - "00:04 tanaka pin q"
  - "00:05 - sato"
"""


def write_mini(tmp_path: Path, text: str = MINI) -> Path:
    path = tmp_path / "transcript.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_converter_builds_discordchatexporter_shape(tmp_path: Path) -> None:
    """Messages carry DCE fields; mentions, replies, reactions, joins, pins and edits map."""
    t = transcript.load(write_mini(tmp_path))
    msgs = t.export["messages"]
    assert [m["type"] for m in msgs] == [
        "Default", "Default", "RecipientAdd", "Reply", "ChannelPinnedMessage", "RecipientRemove",
    ]  # fmt: skip
    first = msgs[0]
    assert first["timestamp"].startswith("2025-03-12T23:58:") and first["timestamp"].endswith(
        "+09:00"
    )
    assert [u["name"] for u in first["mentions"]] == ["suzuki"]
    assert first["reactions"][0]["emoji"]["code"] == "white_check_mark"
    assert [u["name"] for u in first["reactions"][0]["users"]] == ["suzuki"]
    assert msgs[1]["mentions"][0]["isBot"] is True
    reply = msgs[3]
    assert reply["timestamp"].startswith("2025-03-13T00:01")  # the day rolled over
    assert reply["reference"]["messageId"] == t.labels["q"]
    assert reply["content"] == "@tanaka 見てます" and reply["timestampEdited"] is not None
    assert msgs[1]["isPinned"] is True
    assert msgs[2]["author"]["name"] == "tanaka" and msgs[2]["mentions"][0]["name"] == "sato"
    assert t.export["messageCount"] == 6
    assert len({m["id"] for m in msgs}) == 6
    assert [m["id"] for m in msgs] == sorted(m["id"] for m in msgs)


def test_converter_output_is_read_back_by_the_importer(tmp_path: Path) -> None:
    """Round trip: the project's DiscordChatExporter importer reads the converter's output."""
    if importlib.util.find_spec("assistant.adapters.export_dce") is None:
        pytest.skip("importer not available")
    from assistant.adapters.export_dce import parse_export

    t = transcript.load(write_mini(tmp_path))
    data = json.loads(transcript.render(t.export))
    ch = parse_export(data, path="mini")
    kinds = [e.kind for e in ch.events]
    assert kinds.count("message_posted") == 3
    assert "member_joined" in kinds and "member_left" in kinds and "reaction_added" in kinds
    posted = [e for e in ch.events if e.kind == "message_posted"]
    assert posted[0].message.mentions[0].name == "suzuki"  # type: ignore[union-attr]
    assert posted[0].message.author.display_name == "田中"  # type: ignore[union-attr]
    assert ch.bot_candidates[0].name == "incident-assistant"


def test_converter_times_and_labels_map_back(tmp_path: Path) -> None:
    """Local 'HH:MM' resolves with the same day rule as lines; labels resolve to ids."""
    t = transcript.load(write_mini(tmp_path))
    assert t.at("00:10") == datetime(2025, 3, 12, 15, 10, tzinfo=UTC)
    assert t.at("23:59") == datetime(2025, 3, 12, 14, 59, tzinfo=UTC)
    assert t.message_id("#q") == t.export["messages"][1]["id"]
    with pytest.raises(transcript.TranscriptError):
        t.message_id("nope")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("10:00 ghost: hi", "unknown user 'ghost'"),
        ("10:00 tanaka ^nope: hi", "unknown message label"),
        ("whatever", "cannot read line"),
    ],
)
def test_converter_errors_name_the_line(tmp_path: Path, line: str, problem: str) -> None:
    """A bad line gives a TranscriptError naming the file, the line index and the problem."""
    text = 'date: "2025-01-01"\nusers: {tanaka: {}}\nlines:\n  - "09:00 tanaka: hi"\n'
    text += f'  - "{line}"\n'
    with pytest.raises(transcript.TranscriptError, match=r"lines\[1\]: " + problem):
        transcript.load(write_mini(tmp_path, text))


def test_committed_exports_match_their_transcripts() -> None:
    """Every samples/*/export.json and evals/*/export.json is what its transcript generates."""
    paths = transcript.transcripts()
    assert len(paths) >= 12
    assert [p for p in (transcript.stale(path) for path in paths) if p] == []


# ----------------------------------------------------------------------------- scenarios


def test_every_scenario_is_well_formed() -> None:
    """Each scenario loads, its labels and checkpoint times resolve, and it checks something."""
    scenarios = run.discover()
    assert len(scenarios) >= 12
    for s in scenarios:
        assert s.export.exists(), s.name
        assert s.expected.get("title"), s.name
        for q in s.expected.get("questions") or []:
            s.transcript.message_id(str(q["message"]))
        for cp in s.expected.get("phases") or []:
            s.transcript.at(str(cp["at"]))
        checks = sum(len(s.expected.get(k) or []) for k in ("phases", "questions", "flags"))
        assert checks > 0, s.name


def _replay_works() -> bool:
    return importlib.util.find_spec("assistant.replay") is not None


@pytest.mark.slow
def test_stable_scenarios_pass() -> None:
    """Every scenario marked stable passes with the offline engine (what CI guards)."""
    if not _replay_works():
        pytest.skip("replay CLI not importable yet")
    stable = [s for s in run.discover() if s.stable]
    if not stable:
        pytest.skip("no scenario is marked stable yet")
    failed = []
    for s in stable:
        res = run.run_one(s, "offline")
        if not res.passed:
            failed.append(f"{s.name}: {res.errors + res.misses}")
    assert failed == []
