"""The bundled ja sample (about ten people) replayed through the engine: the roster's story."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core import roster
from assistant.core.actions import Action, Flag, RecordAssignment, RecordRelease
from assistant.core.engine import Engine
from assistant.core.events import ClockTick
from assistant.core.model import IncidentConfig, IncidentState

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "ja-release-rollback" / "export.json"


def replay() -> tuple[IncidentState, list[Action]]:
    """Apply the export's events, ticking at every next_due in between, as a replay does."""
    export_dce = pytest.importorskip("assistant.adapters.export_dce")
    if not SAMPLE.is_file():
        pytest.skip("sample export not bundled")
    export = export_dce.load_export(SAMPLE)
    bot = export.bot_candidates[0]
    config = IncidentConfig(lang="ja", bot_user_id=bot.id, bot_name=bot.name,
                            auto_confirm_proposals=True)  # fmt: skip
    state = IncidentState(id=export.incident_id, config=config)
    engine = Engine()
    actions: list[Action] = []
    for event in export.events:
        while (due := engine.next_due(state)) is not None and due <= event.at:
            actions += engine.handle(state, ClockTick(at=due, incident_id=state.id))
        actions += engine.handle(state, event)
    return state, actions


def test_sample_shows_assignments_unassigned_idle_and_releases() -> None:
    """Requests with purposes become assignments; helpers without work are listed then
    released; the silent dashboard watcher is asked for a status; nothing after resolution."""
    state, actions = replay()
    records = [a.assignment for a in actions if isinstance(a, RecordAssignment)]
    opened = {(a.user.name, a.purpose) for a in records if a.status == "open"}
    assert ("sato", "エラー原因の切り分け") in opened
    assert ("yamamoto", "回復したかどうかの確認") in opened
    assert ("watanabe", None) in opened  # self-assigned: お客様対応とステータスページの更新
    assert {r.user.name for r in actions if isinstance(r, RecordRelease)} == {
        "kato", "ito", "kobayashi", "yoshida", "sato"
    }  # fmt: skip

    flags = [a for a in actions if isinstance(a, Flag)]
    unassigned = [u.name for f in flags if f.reason == "unassigned" for u in f.users]
    assert "kato" in unassigned and "nakamura" in unassigned
    assert all(f.mention == [state.commander] for f in flags if f.reason == "unassigned")
    idle = [f for f in flags if f.reason == "idle"]
    assert [u.name for f in idle for u in f.users] == ["yamamoto"]
    assert "ダッシュボード" in idle[0].text
    if state.resolved_at is not None:  # phase inference is another module's work
        assert all(f.at <= state.resolved_at for f in flags)
        assert roster.next_due(state) is None


def test_sample_roster_table_reads_at_a_glance() -> None:
    """At the end the table has one row per person, with the released ones last."""
    state, _ = replay()
    text = roster.roster_answer(state, "x", state.now or state.declared_at).text  # type: ignore[arg-type]
    rows = text.split("```")[1].strip().splitlines()[1:]
    assert len(rows) == 9
    assert rows[-1].split()[-1] == "解放済"
    assert all(len(line) < 90 for line in rows)
