"""Scheduled summaries: every N minutes if anything happened, nothing while nothing changes,
and one reminder to the commander after two silent cadences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.core import updates
from assistant.core.actions import Action, Notice, PostUpdate
from assistant.core.engine import Engine
from assistant.core.events import ClockTick, Command, MessagePosted
from assistant.core.model import ChatMessage, IncidentConfig, IncidentState, User

T0 = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)
BOSS = User(id="u0", name="boss")
ALICE = User(id="u1", name="alice")


def at(minute: float) -> datetime:
    return T0 + timedelta(minutes=minute)


class Run:
    def __init__(self, lang: str = "en", cadence: float = 15, declare: bool = True) -> None:
        config = IncidentConfig(lang=lang, cadence_minutes=cadence)  # type: ignore[arg-type]
        self.state = IncidentState(id="c1", config=config)
        self.engine = Engine()
        self.count = 0
        if declare:
            self.engine.handle(
                self.state,
                Command(at=T0, incident_id="c1", name="declare", user=BOSS, args={"title": "x"}),
            )

    def say(self, minute: float, text: str = "checking the api logs") -> list[Action]:
        self.count += 1
        msg = ChatMessage(id=f"m{self.count}", author=ALICE, at=at(minute), content=text)
        return self.engine.handle(
            self.state, MessagePosted(at=msg.at, incident_id="c1", message=msg)
        )

    def tick(self, minute: float) -> list[Action]:
        return self.engine.handle(self.state, ClockTick(at=at(minute), incident_id="c1"))

    def updates_at(self, actions: list[Action]) -> list[datetime]:
        return [a.at for a in actions if isinstance(a, PostUpdate)]


def reminders(actions: list[Action]) -> list[Notice]:
    return [a for a in actions if isinstance(a, Notice) and a.kind == "update_reminder"]


def test_nothing_is_posted_while_nothing_happens() -> None:
    """Ticks with no activity since the last update post no scheduled update."""
    run = Run()
    for minute in range(1, 29):
        assert run.updates_at(run.tick(minute)) == []
    assert len(run.state.updates) == 1  # only the declaration


def test_update_after_one_cadence_when_something_happened() -> None:
    """Activity after the last update: a scheduled update at last + N minutes, not before."""
    run = Run(cadence=10)
    run.say(3)
    assert updates.next_due(run.state) == at(10)
    assert run.updates_at(run.tick(9)) == []
    posted = [a for a in run.tick(10) if isinstance(a, PostUpdate)]
    assert [p.update.kind for p in posted] == ["scheduled"]
    assert run.state.last_update_at == at(10) and not run.state.activity_since_update
    assert posted[0].update.next_update_at == at(20)


def test_cadence_counts_from_the_declaration_when_no_update_went_out() -> None:
    """Without any update yet (no /declare), the first cadence counts from declared_at."""
    run = Run(declare=False)
    run.say(0, "API 5xx since the deploy")
    assert run.state.last_update_at is None
    assert updates.next_due(run.state) == at(15)


def test_a_phase_change_posts_at_once_and_restarts_the_cadence() -> None:
    """A phase change posts immediately; the next scheduled update counts from it."""
    run = Run()
    run.state.config.auto_confirm_proposals = True
    actions = run.say(4, "The root cause is a bad config push")
    assert run.updates_at(actions) == [at(4)]
    assert updates.next_due(run.state) == at(4 + 30)  # no activity since: reminder only


def test_reminder_after_two_silent_cadences_once_per_silence() -> None:
    """No update for two cadences while open: remind the commander once, not again."""
    for lang, word in (("en", "No status update for 30 minutes"), ("ja", "30分間")):
        run = Run(lang)
        assert updates.next_due(run.state) == at(30)
        assert reminders(run.tick(29)) == []
        sent = reminders(run.tick(30))
        assert len(sent) == 1 and sent[0].to == BOSS and word in sent[0].text
        assert run.state.reminder_sent_at == at(30)
        assert updates.next_due(run.state) is None
        for minute in range(31, 90):
            assert reminders(run.tick(minute)) == []


def test_a_new_silence_period_can_be_reminded_again() -> None:
    """After an update ends the silence, the next long silence earns a new reminder."""
    run = Run()
    assert reminders(run.tick(30))
    run.say(31)
    assert updates.next_due(run.state) == at(31)  # overdue: at once, not in the past
    assert run.updates_at(run.tick(31)) == [at(31)]
    assert updates.next_due(run.state) == at(61)
    assert reminders(run.tick(61))


def test_nothing_is_due_after_resolution() -> None:
    """A resolved incident posts no scheduled updates and no reminders."""
    run = Run()
    run.engine.handle(run.state, Command(at=at(5), incident_id="c1", name="resolve", user=BOSS))
    run.say(6)
    assert updates.next_due(run.state) is None
    later = run.tick(60)
    assert run.updates_at(later) == [] and reminders(later) == []


def test_status_answers_do_not_reset_the_cadence() -> None:
    """Answering a status question is not an update: the schedule stays."""
    run = Run()
    run.say(3)
    updates.status_answer(run.state, "m1", at(5))
    assert run.state.last_update_at == T0 and updates.next_due(run.state) == at(15)


def test_replay_ticking_at_next_due_fires_at_live_moments() -> None:
    """Ticking exactly at next_due between events gives the updates a live clock would."""
    run = Run(cadence=15)
    timeline = [2, 5, 21, 22, 50, 95]
    posted: list[datetime] = []
    notices: list[datetime] = []
    for minute in timeline:
        while (due := updates.next_due(run.state)) is not None and due <= at(minute):
            actions = run.tick((due - T0).total_seconds() / 60)
            posted += run.updates_at(actions)
            notices += [n.at for n in reminders(actions)]
        run.say(minute)
    assert posted == [at(15), at(30), at(50)]
    assert notices == [at(80)]
