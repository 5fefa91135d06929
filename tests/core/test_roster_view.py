"""The roster table: /roster and "who is doing what?", in Japanese and English."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from assistant.core import roster
from assistant.core.actions import Action, Reply
from assistant.core.engine import Engine
from assistant.core.events import ClockTick, Command, Event, MemberJoined, MessagePosted
from assistant.core.model import ChatMessage, IncidentConfig, IncidentState, LangSetting, User
from assistant.core.roster_view import shorten, width

T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
BOT = User(id="bot", name="incident-bot", is_bot=True)


def person(name: str, display: str | None = None) -> User:
    return User(id=f"id-{name}", name=name, display_name=display)


ALICE, BOB, CAROL, DAVE, ERIN, FRANK = (
    person(n) for n in ("alice", "bob", "carol", "dave", "erin", "frank")
)


class Incident:
    """Drives the real engine with hand-made events."""

    def __init__(self, lang: LangSetting = "en") -> None:
        self.engine = Engine()
        cfg = IncidentConfig(lang=lang, bot_user_id=BOT.id, bot_name=BOT.name)
        self.state = IncidentState(id="inc-1", config=cfg)
        self.count = 0

    @staticmethod
    def at(minute: float) -> datetime:
        return T0 + timedelta(minutes=minute)

    def handle(self, event: Event) -> list[Action]:
        return self.engine.handle(self.state, event)

    def say(
        self, who: User, text: str, minute: float, mentions: Sequence[User] = ()
    ) -> list[Action]:
        self.count += 1
        msg = ChatMessage(
            id=f"m{self.count}",
            author=who,
            at=self.at(minute),
            content=text,
            mentions=list(mentions),
        )
        return self.handle(MessagePosted(at=msg.at, incident_id="inc-1", message=msg))

    def command(self, who: User, name: str, minute: float, **args: Any) -> list[Action]:
        return self.handle(
            Command(at=self.at(minute), incident_id="inc-1", name=name, user=who, args=args)  # type: ignore[arg-type]
        )


def busy_incident(lang: LangSetting) -> Incident:
    """Six people: one working, one idle, one unassigned, one done, one released."""
    inc = Incident(lang)
    inc.command(ALICE, "declare", 0, title="checkout errors")
    for who in (BOB, CAROL, DAVE, ERIN, FRANK):
        inc.handle(MemberJoined(at=inc.at(1), incident_id="inc-1", user=who))
    inc.command(ALICE, "assign", 2, user=BOB, task="rollback of payment-api v2.14.0 to v2.13.4",
                purpose="restore checkout")  # fmt: skip
    inc.command(ALICE, "assign", 2, user=CAROL, task="CDN logs", purpose="rule out the edge")
    inc.command(ALICE, "assign", 3, user=ERIN, task="status page", purpose="tell users")
    inc.say(BOB, "rollback at 50%", 20)
    inc.say(ERIN, "status page updated, done", 28)
    inc.command(ALICE, "release", 29, user=FRANK)
    inc.handle(ClockTick(at=inc.at(32), incident_id="inc-1"))
    return inc


def table_lines(text: str) -> list[str]:
    inside = text.split("```")[1]
    return [line for line in inside.splitlines() if line.strip()]


def test_roster_command_shows_every_state_in_english() -> None:
    """/roster answers privately with person, task, purpose, since, last, state for each."""
    inc = busy_incident("en")
    [reply] = [a for a in inc.command(DAVE, "roster", 32) if isinstance(a, Reply)]
    assert reply.ephemeral and reply.answer.intent == "roster"
    text = reply.answer.text
    assert text.startswith("Commander: alice")
    header, *rows = table_lines(text)
    assert header.split() == ["who", "task", "purpose", "since", "last", "state"]
    by_person = {row.split()[0]: row for row in rows}
    assert by_person["bob"].endswith("working") and "restore checkout" in by_person["bob"]
    assert "12m ago" in by_person["bob"]
    assert by_person["carol"].endswith("idle")
    assert by_person["dave"].endswith("unassigned")
    assert by_person["erin"].endswith("done") and "10:28" in by_person["erin"]
    assert by_person["frank"].endswith("released")
    assert "alice" not in by_person  # the commander is the title, not a row
    assert [row.split()[0] for row in rows] == ["carol", "bob", "dave", "erin", "frank"]
    assert "…" in by_person["bob"]  # a long task is cut
    assert "unassigned 1" in text and "/release" in text


def test_roster_in_japanese() -> None:
    """The ja table uses the ja headers and state names."""
    inc = busy_incident("ja")
    answer = roster.roster_answer(inc.state, "x", inc.at(32))
    assert answer.text.startswith("指揮官: alice")
    header, *rows = table_lines(answer.text)
    assert header.split() == ["担当者", "タスク", "目的", "開始", "最終発言", "状態"]
    states = {row.split()[0]: row.split()[-1] for row in rows}
    assert states == {
        "bob": "作業中",
        "carol": "応答なし",
        "dave": "担当なし",
        "erin": "完了",
        "frank": "解放済",
    }
    assert "12分前" in answer.text


def test_columns_line_up_with_japanese_text() -> None:
    """Wide characters count double, so every column starts at the same display column."""
    inc = Incident("ja")
    inc.command(ALICE, "declare", 0, title="決済エラー")
    sato, suzuki = person("sato", "佐藤"), person("suzuki", "鈴木")
    inc.say(ALICE, "@sato アプリのエラーログを調べてください。目的はエラー原因の切り分けです", 1,
            mentions=[sato])  # fmt: skip
    inc.say(suzuki, "ロールバックは私がやります", 2)
    lines = table_lines(roster.roster_answer(inc.state, "x", inc.at(5)).text)
    state_col = {width(line[: line.rindex("  ")]) for line in lines}
    assert len(state_col) == 1
    assert any("?" in line for line in lines)  # a self-assignment with no purpose shows "?"


def test_mention_question_gets_the_roster_in_its_language() -> None:
    """「誰が何してる？」 and "who is doing what?" to the bot answer with the roster."""
    inc = Incident("auto")
    inc.command(ALICE, "declare", 0, title="checkout errors")
    inc.command(ALICE, "assign", 1, user=BOB, task="rollback", purpose="restore checkout")
    ja = [
        a for a in inc.say(CAROL, "@incident-bot 誰が何してる？", 2, [BOT]) if isinstance(a, Reply)
    ]
    en = [a for a in inc.say(CAROL, "@incident-bot who is doing what?", 3, [BOT])
          if isinstance(a, Reply)]  # fmt: skip
    assert "担当者" in ja[0].answer.text and "rollback" in ja[0].answer.text
    assert "who" in en[0].answer.text.split("```")[1]


def test_empty_roster() -> None:
    """With nobody there the roster says so in one line."""
    state = IncidentState(id="inc-1", config=IncidentConfig(lang="en"))
    assert "No participants yet." in roster.roster_answer(state, "x", T0).text


def test_shorten_counts_display_width() -> None:
    """Cutting keeps within the column width, Japanese counting double."""
    assert shorten("ダッシュボードでエラー率とレイテンシを見る", 18) == "ダッシュボードで…"
    assert width(shorten("ダッシュボードでエラー率とレイテンシを見る", 18)) <= 18
    assert shorten("rollback", 18) == "rollback"
