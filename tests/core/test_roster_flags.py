"""Unassigned and idle flags: thresholds, exact timing through next_due, exclusions, no repeats."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from assistant.core import roster
from assistant.core.actions import Action, Flag
from assistant.core.engine import Engine
from assistant.core.events import (
    ClockTick,
    Command,
    Event,
    MemberJoined,
    MemberLeft,
    MessagePosted,
    ReactionAdded,
)
from assistant.core.model import ChatMessage, IncidentConfig, IncidentState, LangSetting, User

T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
BOT = User(id="bot", name="incident-bot", is_bot=True)


def person(name: str, display: str | None = None) -> User:
    return User(id=f"id-{name}", name=name, display_name=display)


ALICE, BOB, CAROL, DAVE, ERIN = (person(n) for n in ("alice", "bob", "carol", "dave", "erin"))


class Incident:
    """Drives the real engine; ``run_to`` ticks exactly at each ``next_due`` like a replay."""

    def __init__(self, lang: LangSetting = "en", **config: Any) -> None:
        self.engine = Engine()
        cfg = IncidentConfig(lang=lang, bot_user_id=BOT.id, bot_name=BOT.name, **config)
        self.state = IncidentState(id="inc-1", config=cfg)
        self.count = 0
        self.flags: list[Flag] = []

    @staticmethod
    def at(minute: float) -> datetime:
        return T0 + timedelta(minutes=minute)

    def handle(self, event: Event) -> list[Action]:
        self.run_to(event.at, inclusive=False)
        actions = self.engine.handle(self.state, event)
        self.flags += [a for a in actions if isinstance(a, Flag)]
        return actions

    def run_to(self, when: datetime, inclusive: bool = True) -> None:
        for _ in range(100):
            due = self.engine.next_due(self.state)
            if due is None or due > when or (due == when and not inclusive):
                return
            actions = self.engine.handle(self.state, ClockTick(at=due, incident_id="inc-1"))
            self.flags += [a for a in actions if isinstance(a, Flag)]
        raise AssertionError("next_due did not move forward")

    def until(self, minute: float) -> list[Flag]:
        """Flags raised from now until ``minute`` (inclusive)."""
        before = len(self.flags)
        self.run_to(self.at(minute))
        return self.flags[before:]

    def say(self, who: User, text: str, minute: float, mentions: Sequence[User] = ()) -> None:
        self.count += 1
        msg = ChatMessage(
            id=f"m{self.count}",
            author=who,
            at=self.at(minute),
            content=text,
            mentions=list(mentions),
        )
        self.handle(MessagePosted(at=msg.at, incident_id="inc-1", message=msg))

    def command(self, who: User, name: str, minute: float, **args: Any) -> None:
        self.handle(
            Command(at=self.at(minute), incident_id="inc-1", name=name, user=who, args=args)  # type: ignore[arg-type]
        )

    def join(self, who: User, minute: float) -> None:
        self.handle(MemberJoined(at=self.at(minute), incident_id="inc-1", user=who))

    def leave(self, who: User, minute: float) -> None:
        self.handle(MemberLeft(at=self.at(minute), incident_id="inc-1", user=who))

    def react(self, who: User, minute: float) -> None:
        self.handle(
            ReactionAdded(
                at=self.at(minute), incident_id="inc-1", message_id="m1", user=who, emoji="👀"
            )
        )

    def due(self) -> datetime | None:
        return roster.next_due(self.state)


def declared(lang: LangSetting = "en", **config: Any) -> Incident:
    inc = Incident(lang, **config)
    inc.command(ALICE, "declare", 0, title="checkout errors")
    return inc


def names(flag: Flag) -> list[str]:
    return [u.name for u in flag.users]


# ---------------------------------------------------------------- unassigned
def test_unassigned_fires_exactly_m_minutes_after_joining() -> None:
    """next_due is join + M; a tick just before gives nothing, the tick at it gives one flag."""
    inc = declared()
    inc.join(BOB, 1)
    inc.join(CAROL, 1)
    assert inc.due() == inc.at(11)
    assert inc.engine.handle(inc.state, ClockTick(at=inc.at(10.99), incident_id="inc-1")) == []
    [flag] = inc.until(11)
    assert flag.at == inc.at(11)
    assert flag.reason == "unassigned"
    assert names(flag) == ["bob", "carol"]
    assert flag.mention == [ALICE]  # the commander, never the people listed
    assert "bob" in flag.text and "carol" in flag.text and "release" in flag.text


def test_unassigned_threshold_is_per_incident_config() -> None:
    """unassigned_minutes in the incident config moves the flag."""
    inc = declared(unassigned_minutes=3)
    inc.join(BOB, 1)
    assert inc.due() == inc.at(4)
    assert [f.at for f in inc.until(30)] == [inc.at(4)]


def test_unassigned_flag_in_japanese() -> None:
    """The unassigned flag is written in the incident language."""
    inc = declared("ja")
    inc.join(person("sato", "佐藤"), 1)
    [flag] = inc.until(11)
    assert "佐藤" in flag.text and "担当" in flag.text and "通常業務" in flag.text


def test_unassigned_is_not_repeated_until_the_state_changes() -> None:
    """One flag per unassigned stretch; speaking does not re-arm it."""
    inc = declared()
    inc.join(BOB, 1)
    assert len(inc.until(11)) == 1
    assert inc.due() is None
    inc.say(BOB, "anything I can do?", 12)
    assert inc.until(60) == []


def test_later_joiners_wait_for_the_next_list_with_a_reminder_of_the_earlier_ones() -> None:
    """A later arrival is flagged in the next list, a fifth of the threshold after the
    previous one went out; its text reminds of bob."""
    inc = declared()
    inc.join(BOB, 1)
    inc.join(CAROL, 4)
    first, second = inc.until(20)
    assert (names(first), first.at) == (["bob"], inc.at(11))
    assert (names(second), second.at) == (["carol"], inc.at(14))
    assert "bob" in second.text


def test_stragglers_arriving_within_the_window_share_one_message() -> None:
    """People passing the threshold a minute apart after a first list are listed
    together in one message (two minutes later by default), not one flag each."""
    inc = declared()
    inc.join(BOB, 1)
    inc.join(CAROL, 2)
    inc.join(DAVE, 3)
    inc.join(ERIN, 4.5)
    flags = inc.until(30)
    assert [(names(f), f.at) for f in flags] == [
        (["bob"], inc.at(11)),
        (["carol", "dave"], inc.at(13)),
        (["erin"], inc.at(15)),
    ]


def test_people_who_got_a_task_before_m_minutes_are_not_flagged() -> None:
    """A task within M minutes of joining means no unassigned flag."""
    inc = declared()
    inc.join(BOB, 1)
    inc.say(ALICE, "@bob please own the rollback, goal: restore checkout", 5, mentions=[BOB])
    assert [f.reason for f in inc.until(24)] == []


def test_finished_but_not_released_is_unassigned_m_minutes_after_completion() -> None:
    """Completing a task re-arms the unassigned rule from the completion time."""
    inc = declared()
    inc.join(BOB, 1)
    assert len(inc.until(11)) == 1
    inc.say(ALICE, "@bob please own the rollback, goal: restore checkout", 12, mentions=[BOB])
    inc.say(BOB, "rollback complete", 15)
    assert inc.due() == inc.at(25)
    [flag] = inc.until(40)
    assert (flag.reason, names(flag), flag.at) == ("unassigned", ["bob"], inc.at(25))


def test_previous_commander_is_unassigned_m_minutes_after_handing_over() -> None:
    """The former commander is watched from the handover on, not from their join time."""
    inc = declared()
    inc.say(ALICE, "@dave is IC now", 30, mentions=[DAVE])
    [flag] = inc.until(45)
    assert (names(flag), flag.at, flag.mention) == (["alice"], inc.at(40), [DAVE])


# ---------------------------------------------------------------- idle
def test_idle_fires_k_minutes_after_the_assignees_last_word() -> None:
    """An assignee silent for K minutes is asked for a status on that task, and pinged."""
    inc = declared()
    inc.say(ALICE, "@bob please own the rollback, goal: restore checkout", 1, mentions=[BOB])
    inc.say(BOB, "on it", 3)
    assert inc.due() == inc.at(23)
    [flag] = inc.until(23)
    assert (flag.reason, flag.users, flag.mention, flag.at) == ("idle", [BOB], [BOB], inc.at(23))
    assert '"rollback"' in flag.text and "20 min" in flag.text


def test_idle_threshold_and_japanese_text() -> None:
    """idle_minutes comes from the config; the ja text names the task."""
    inc = declared("ja", idle_minutes=5)
    inc.say(ALICE, "@bob ロールバックをお願いします。目的は決済の復旧です", 1, mentions=[BOB])
    [flag] = inc.until(6)
    assert flag.at == inc.at(6) and "「ロールバック」" in flag.text and "5分" in flag.text


@pytest.mark.parametrize("speak", ["message", "reaction"])
def test_speaking_resets_the_idle_clock(speak: str) -> None:
    """A message or a reaction from the assignee pushes the idle flag K minutes later."""
    inc = declared()
    inc.say(ALICE, "@bob please own the rollback, goal: restore checkout", 1, mentions=[BOB])
    if speak == "message":
        inc.say(BOB, "rollback started", 15)
    else:
        inc.react(BOB, 15)
    assert inc.due() == inc.at(35)
    assert [f.at for f in inc.until(40)] == [inc.at(35)]


def test_idle_is_not_repeated_until_a_new_idle_period() -> None:
    """After an idle flag the next one comes only after a new idle period, if still
    silent: 2K minutes after the first ask (the back-off), K again once they spoke."""
    inc = declared()
    inc.say(ALICE, "@bob please own the rollback, goal: restore checkout", 0, mentions=[BOB])
    first = inc.until(39)
    assert [f.at for f in first] == [inc.at(20)]
    assert inc.due() == inc.at(60)
    inc.say(BOB, "still rolling back, 60% of pods done", 39)
    assert [f.at for f in inc.until(70)] == [inc.at(59)]


def test_a_silent_assignee_is_asked_less_and_less_often() -> None:
    """Still silent after being asked: the next asks come 2K, 4K, 8K, 8K minutes later,
    not every K minutes all night."""
    inc = declared()
    inc.say(ALICE, "@bob please own the rollback, goal: restore checkout", 0, mentions=[BOB])
    asks = [f.at for f in inc.until(400) if f.reason == "idle"]
    assert asks == [inc.at(m) for m in (20, 60, 140, 300)]


def test_new_task_restarts_the_idle_clock() -> None:
    """Getting another task counts as a change: the idle clock starts from it."""
    inc = declared()
    inc.say(ALICE, "@bob please own the rollback, goal: restore checkout", 0, mentions=[BOB])
    inc.command(ALICE, "assign", 10, user=BOB, task="status page", purpose="tell users")
    [flag] = inc.until(31)
    assert flag.at == inc.at(30)
    assert '"rollback"' in flag.text and '"status page"' in flag.text


# ---------------------------------------------------------------- exclusions
def test_commander_and_bot_are_never_flagged() -> None:
    """The commander (even with a task) and bots are never flagged."""
    inc = declared()
    inc.join(BOT, 0)
    inc.command(ALICE, "assign", 1, user=ALICE, task="comms", purpose="tell users")
    inc.say(BOT, "status: investigating", 2)
    assert inc.until(120) == []
    assert BOT.id not in inc.state.participants


def test_released_left_and_done_released_are_never_flagged() -> None:
    """Released people, people who left, and people done and released raise no flag."""
    inc = declared()
    for who in (BOB, CAROL, DAVE):
        inc.join(who, 1)
    inc.say(ALICE, "@bob you can drop off", 2, mentions=[BOB])
    inc.leave(CAROL, 3)
    inc.say(ALICE, "@dave please own the rollback, goal: restore checkout", 4, mentions=[DAVE])
    inc.say(DAVE, "done", 6)
    inc.command(ALICE, "release", 7, user=DAVE)
    assert inc.due() is None
    assert inc.until(120) == []


def test_someone_who_comes_back_is_watched_again() -> None:
    """Re-joining after leaving starts a new unassigned stretch."""
    inc = declared()
    inc.join(BOB, 1)
    inc.leave(BOB, 3)
    inc.join(BOB, 20)
    [flag] = inc.until(40)
    assert flag.at == inc.at(30)


def test_no_flags_after_the_incident_is_resolved() -> None:
    """Once resolved nobody is flagged and the roster asks for no tick."""
    inc = declared()
    inc.join(BOB, 1)
    inc.say(ALICE, "@carol please own the rollback, goal: restore checkout", 2, mentions=[CAROL])
    inc.command(ALICE, "resolve", 5)
    assert inc.due() is None
    actions = inc.engine.handle(inc.state, ClockTick(at=inc.at(90), incident_id="inc-1"))
    assert [a for a in actions if isinstance(a, Flag)] == []


def test_many_people_one_unassigned_flag_per_tick() -> None:
    """Ten people arriving together produce one unassigned flag listing the idle-handed ones."""
    inc = declared()
    crowd = [person(f"eng{i:02d}") for i in range(10)]
    for who in crowd:
        inc.join(who, 1)
    inc.say(ALICE, "@eng00 please own the rollback, goal: restore checkout", 2, mentions=[crowd[0]])
    inc.say(ALICE, "@eng01 please update the status page, goal: tell users", 2,
            mentions=[crowd[1]])  # fmt: skip
    flags = inc.until(11)
    assert len(flags) == 1
    assert names(flags[0]) == [f"eng{i:02d}" for i in range(2, 10)]
    assert flags[0].mention == [ALICE]
