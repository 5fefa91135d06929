"""A fix the commander assigned, started by its assignee, proposes mitigating."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.core import phases, roster
from assistant.core.engine import Engine
from assistant.core.model import Assignment, ChatMessage, IncidentState, Phase, User
from assistant.core.reading.phase import is_fix_task

T = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)
BOSS = User(id="u0", name="boss")
ALICE = User(id="u1", name="alice")
BOB = User(id="u2", name="bob")
P = Phase


def state_with(
    task: str, *, to: User = ALICE, by: User = BOSS, status: str = "open"
) -> IncidentState:
    state = IncidentState(id="c1", phase=P.IDENTIFIED, commander=BOSS)
    state.assignments.append(
        Assignment(id="a1", user=to, task=task, assigned_by=by.id, since=T, status=status)  # type: ignore[arg-type]
    )
    return state


def say(state: IncidentState, text: str, who: User = ALICE) -> phases.PhaseSignal | None:
    msg = ChatMessage(id="m9", author=who, at=T, content=text)
    reading = Engine().read(state, msg)
    return phases.signal(state, msg, reading, privileged=roster.is_commander(state, who))


@pytest.mark.parametrize(
    ("task", "text"),
    [
        ("raise the pool size on each worker, one at a time", "starting with worker 1 of 4"),
        ("drain the bad zone", "started"),
        ("restart the consumers one by one", "3/8 done"),
        ("clean up the tmp dir on the batch hosts", "ok, kicking it off"),
        ("古いスナップショットを削除して空きを作って", "始めます"),
        ("設定を元の値に戻して", "反映中です"),
        ("ワーカーを1台ずつ再起動して", "着手しました"),
    ],
)
def test_assignee_starting_an_assigned_fix_proposes_mitigating(task: str, text: str) -> None:
    """A plain 'starting' / 「始めます」 from whoever was handed a fix is a mitigating proposal."""
    signal = say(state_with(task), text)
    assert signal is not None, (task, text)
    assert signal.phase is P.MITIGATING and not signal.certain


@pytest.mark.parametrize(
    ("task", "text"),
    [
        ("confirm it is safe to revert", "starting"),  # the task checks a fix
        ("find what changed today", "starting with the deploy log"),
        ("open a ticket with the vendor", "started"),
        ("raise a ticket with the vendor", "started"),
        ("設定を戻した場合に副作用がないか確認して", "始めます"),
        ("ログを調べて原因を特定して", "着手しました"),
    ],
)
def test_starting_a_task_that_is_not_a_fix_is_no_cue(task: str, text: str) -> None:
    """Starting an investigation or a check of a fix says nothing about mitigation."""
    assert say(state_with(task), text) is None


@pytest.mark.parametrize(
    "text",
    [
        "starting?",
        "should I start now?",
        "will start after the standup",
        "not started yet",
        "maybe starting in 5",
        "helper, starting",
        "始めますか？",
        "まだ始めていません",
        "準備できたら始めます",
    ],
)
def test_start_reports_keep_the_usual_guards(text: str) -> None:
    """Questions, negations, plans, hedges and text to the bot are no start report."""
    state = state_with("restart the consumers one by one")
    state.config.bot_name = "helper"
    assert say(state, text) is None


def test_only_the_assignee_of_a_commander_fix_counts() -> None:
    """Someone else's 'starting', a peer's request, or a closed task is no cue."""
    assert say(state_with("restart the consumers"), "starting", who=BOB) is None
    assert say(state_with("restart the consumers", by=BOB), "starting") is None
    assert say(state_with("restart the consumers", status="done"), "starting") is None


def test_fix_task_reads_ja_and_en() -> None:
    """Fix tasks are told from checks in both languages."""
    assert is_fix_task("roll back the 14:02 deploy")
    assert is_fix_task("キャッシュをパージして")
    assert not is_fix_task("check whether we can roll back")
    assert not is_fix_task("ロールバックできるか確認して")
