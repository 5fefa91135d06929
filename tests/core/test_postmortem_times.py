"""The postmortem's clock: stated times, milestones from the phase history, and what the
rollback did, on small incidents driven through the engine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from assistant.core import postmortem
from assistant.core.engine import Engine
from assistant.core.events import Command, MessagePosted
from assistant.core.model import ChatMessage, IncidentConfig, IncidentState, User
from assistant.core.postmortem_model import quote, span_between
from assistant.core.postmortem_render import markdown
from assistant.core.postmortem_times import milestones, rollback_outcome, stated_times

JST = timezone(timedelta(hours=9))
T0 = datetime(2025, 3, 12, 14, 0, tzinfo=JST)
BOSS = User(id="u1", name="tanaka", display_name="田中")
DEV = User(id="u2", name="suzuki", display_name="鈴木")


class Incident:
    """An incident fed with messages and commands, minute by minute from T0."""

    def __init__(self, lang: str = "en") -> None:
        self.state = IncidentState(id="c1", channel_id="111", guild_id="222",
                                   config=IncidentConfig(lang=lang))  # type: ignore[arg-type]  # fmt: skip
        self.engine = Engine()
        self.n = 0

    def at(self, minute: int) -> datetime:
        return T0 + timedelta(minutes=minute)

    def say(self, minute: int, who: User, text: str) -> str:
        self.n += 1
        mid = str(1000 + self.n)
        msg = ChatMessage(id=mid, author=who, at=self.at(minute), content=text)
        self.engine.handle(self.state, MessagePosted(at=msg.at, incident_id="c1", message=msg))
        return mid

    def command(self, minute: int, name: str, **args: object) -> None:
        self.n += 1
        cmd = Command(
            at=self.at(minute),
            incident_id="c1",
            name=name,  # type: ignore[arg-type]
            user=BOSS,
            args=args,
            interaction_id=f"i{self.n}",
        )
        self.engine.handle(self.state, cmd)


def test_stated_times_land_on_the_last_such_moment() -> None:
    """Clock times in text are placed at or before the message: same day, the day before
    past midnight, pm hours, and UTC when the text says so."""
    at = datetime(2025, 3, 12, 14, 5, tzinfo=JST)
    assert stated_times("13:52 ごろから上がってます", at) == [at.replace(hour=13, minute=52)]
    late = datetime(2025, 3, 13, 0, 10, tzinfo=JST)
    assert stated_times("started 23:50", late) == [datetime(2025, 3, 12, 23, 50, tzinfo=JST)]
    assert stated_times("errors since 1:52 pm", at) == [at.replace(hour=13, minute=52)]
    assert stated_times("since 04:52 UTC", at) == [datetime(2025, 3, 12, 4, 52, tzinfo=UTC)]
    assert stated_times("ratio 1:2:3, v1.2:30s, 99.9%", at) == []


def test_milestones_are_the_declaration_and_first_phase_entries() -> None:
    """Declared by command; identified, mitigating and monitoring at their first entry; a
    fall back to investigating does not move them; resolved is the final resolution."""
    inc = Incident()
    inc.command(0, "declare", title="checkout-api errors", severity="SEV2")
    inc.say(1, DEV, "checkout errors at 12%, since 13:55 on the graph")
    inc.command(5, "phase", phase="identified")
    inc.command(8, "phase", phase="mitigating")
    inc.command(12, "phase", phase="monitoring")
    inc.command(15, "phase", phase="investigating")
    inc.command(20, "phase", phase="mitigating")
    inc.command(30, "resolve")
    marks = {m.key: m for m in milestones(inc.state)}
    assert marks["declared"].at == inc.at(0) and marks["declared"].how == "declared"
    assert marks["detected"].at == inc.at(0)  # declared before anyone reported a symptom
    assert marks["onset"].at == T0 - timedelta(minutes=5)
    assert [marks[k].at for k in ("identified", "mitigating", "monitoring", "resolved")] == [
        inc.at(5),
        inc.at(8),
        inc.at(12),
        inc.at(30),
    ]
    pm = postmortem.build(inc.state)
    assert pm.services == ["checkout-api"] and pm.severity == "SEV2"
    assert any("back" in c.text for c in pm.candidates("recover"))  # the regression at +15
    md = markdown(pm)
    assert "| Resolved | 14:30 JST | 30 min | 18 min |" in md  # after Monitoring at 14:12
    assert "| Onset (as stated) | 13:55 JST | −5 min | — |" in md


def test_an_open_incident_has_no_resolution() -> None:
    """While open, nothing counts as resolved and the draft says it is still open."""
    inc = Incident()
    inc.say(0, BOSS, "checkout 5xx alert is firing, error rate 8%")
    marks = {m.key: m for m in milestones(inc.state)}
    assert marks["resolved"].at is None and marks["mitigating"].at is None
    assert "still open" in markdown(postmortem.build(inc.state))


def test_rollback_helped_or_did_not_help() -> None:
    """A rollback followed by recovery helped; one followed by the problem coming back
    did not; no rollback at all is not_attempted."""
    helped = Incident()
    helped.say(0, BOSS, "checkout 5xx alert is firing, error rate 8%")
    helped.command(3, "phase", phase="mitigating")
    helped.say(4, DEV, "rollback to v1.2.3 started")
    helped.command(9, "phase", phase="monitoring")
    assert rollback_outcome(helped.state, postmortem.live_facts(helped.state))[:2] == (
        True, "helped"
    )  # fmt: skip

    failed = Incident()
    failed.say(0, BOSS, "checkout 5xx alert is firing, error rate 8%")
    failed.command(3, "phase", phase="mitigating")
    failed.say(4, DEV, "rollback to v1.2.3 started")
    failed.command(9, "phase", phase="investigating")
    failed.command(20, "phase", phase="monitoring")
    assert rollback_outcome(failed.state, postmortem.live_facts(failed.state))[:2] == (
        True, "did_not_help"
    )  # fmt: skip

    none = Incident()
    none.say(0, BOSS, "checkout 5xx alert is firing, error rate 8%")
    assert rollback_outcome(none.state, postmortem.live_facts(none.state))[:2] == (
        False, "not_attempted"
    )  # fmt: skip


def test_a_deleted_message_is_never_cited() -> None:
    """Deleting a message removes what it said from the draft."""
    from assistant.core.events import MessageDeleted

    inc = Incident()
    inc.say(0, BOSS, "checkout 5xx alert is firing, error rate 8%")
    gone = inc.say(1, DEV, "customers report failed payments at checkout")
    inc.engine.handle(inc.state, MessageDeleted(at=inc.at(2), incident_id="c1", message_id=gone))
    pm = postmortem.build(inc.state)
    assert gone not in pm.cited() and gone not in markdown(pm)


def test_quotes_are_one_line_inert_and_short() -> None:
    """Chat quoted in the draft cannot ping a crowd or break the layout."""
    q = quote("line one\n@everyone " + "x" * 300, "en")
    assert "\n" not in q and "@everyone" not in q and len(q) <= 125
    assert quote("復旧しました", "ja") == "「復旧しました」"
    assert span_between(T0, T0 + timedelta(minutes=75, seconds=59), "ja") == "1時間15分"
