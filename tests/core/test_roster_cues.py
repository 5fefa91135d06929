"""Roster changes from chat and slash commands, in Japanese and English, through the engine."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from assistant.core import roster
from assistant.core.actions import Action, Notice, RecordAssignment, RecordRelease, Reply
from assistant.core.engine import Engine
from assistant.core.events import (
    Command,
    Event,
    MemberJoined,
    MessagePosted,
    ReactionAdded,
)
from assistant.core.model import ChatMessage, IncidentConfig, IncidentState, LangSetting, User
from assistant.core.roster import Request, SelfAssign, cues


def parse(state: IncidentState, msg: ChatMessage) -> list[object]:
    """The roster changes the Reader finds in ``msg`` (as the engine would apply them)."""
    return cues(state, msg, Engine().read(state, msg))


T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
BOT = User(id="bot", name="incident-bot", is_bot=True)
A = TypeVar("A")


def person(name: str, display: str | None = None) -> User:
    return User(id=f"id-{name}", name=name, display_name=display)


ALICE, BOB, CAROL, DAVE = person("alice"), person("bob"), person("carol"), person("dave")
TANAKA, SUZUKI = person("tanaka", "田中"), person("suzuki", "鈴木")
X = person("xavier", "X")


class Incident:
    """Drives the real engine with hand-made events, one minute per step unless told."""

    def __init__(self, lang: LangSetting = "en", **config: Any) -> None:
        self.engine = Engine()
        cfg = IncidentConfig(lang=lang, bot_user_id=BOT.id, bot_name=BOT.name, **config)
        self.state = IncidentState(id="inc-1", config=cfg)
        self.count = 0

    @staticmethod
    def at(minute: float) -> datetime:
        return T0 + timedelta(minutes=minute)

    def handle(self, event: Event) -> list[Action]:
        return self.engine.handle(self.state, event)

    def say(
        self, who: User, text: str, minute: float = 0, mentions: Sequence[User] = ()
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

    @property
    def last_id(self) -> str:
        return f"m{self.count}"

    def command(self, who: User, name: str, minute: float = 0, **args: Any) -> list[Action]:
        return self.handle(
            Command(at=self.at(minute), incident_id="inc-1", name=name, user=who, args=args)  # type: ignore[arg-type]
        )

    def join(self, who: User, minute: float = 0) -> list[Action]:
        return self.handle(MemberJoined(at=self.at(minute), incident_id="inc-1", user=who))

    def react(self, who: User, message_id: str, emoji: str, minute: float = 0) -> list[Action]:
        return self.handle(
            ReactionAdded(
                at=self.at(minute),
                incident_id="inc-1",
                message_id=message_id,
                user=who,
                emoji=emoji,
            )
        )

    def task_of(self, who: User) -> list[str]:
        return [a.task for a in self.state.open_assignments(who.id)]


def of(actions: list[Action], kind: type[A]) -> list[A]:
    return [a for a in actions if isinstance(a, kind)]


def declared(lang: LangSetting = "en", commander: User = ALICE) -> Incident:
    inc = Incident(lang)
    inc.command(commander, "declare", 0, title="checkout errors")
    return inc


# ---------------------------------------------------------------- assignment by request
REQUESTS = [
    ("@tanaka DBのスロークエリを調べてください。目的は原因の切り分けです", TANAKA,
     "DBのスロークエリを調べる", "原因の切り分け"),
    ("@bob please own the rollback, goal: restore checkout", BOB, "rollback", "restore checkout"),
    ("@carol can you check the CDN logs? purpose: confirm whether the edge is involved", CAROL,
     "check the CDN logs", "confirm whether the edge is involved"),
    ("@suzuki さん、ステータスページの更新をお願いします（目的：ユーザーへの告知）", SUZUKI,
     "ステータスページの更新", "ユーザーへの告知"),
    ("@dave take comms so that support knows what to tell customers", DAVE, "comms",
     "support knows what to tell customers"),
    ("原因切り分けのため、@tanaka DBを見てください", TANAKA, "DBを見る", "原因切り分け"),
    ("@tanaka エラーログを集計してください。目的は影響範囲を把握するためです", TANAKA,
     "エラーログを集計する", "影響範囲を把握する"),
    ("@田中 さん、エラーログの洗い出しをお願いします。目的はエラー原因の特定です", TANAKA,
     "エラーログの洗い出し", "エラー原因の特定"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "who", "task", "purpose"), REQUESTS)
def test_commander_request_with_purpose_becomes_an_assignment(
    text: str, who: User, task: str, purpose: str
) -> None:
    """A commander's request in ja/en records person + task + purpose, with no prompt."""
    inc = declared()
    actions = inc.say(ALICE, text, 1, mentions=[who])
    records = of(actions, RecordAssignment)
    assert len(records) == 1
    a = records[0].assignment
    assert (a.user, a.task, a.purpose, a.assigned_by, a.status) == (
        who,
        task,
        purpose,
        ALICE.id,
        "open",
    )
    assert a.source_ids == [inc.last_id]
    assert of(actions, Notice) == []


@pytest.mark.parametrize(
    ("text", "lang", "purpose_reply"),
    [
        ("@bob please roll back the release", "en", "purpose: stop the checkout errors"),
        ("@bob could you look into the payment logs?", "en", "goal: find the first failing call"),
        ("@bob ロールバックをお願いします", "ja", "目的は決済エラーを止めることです"),
        ("@bob ログを調べてください", "ja", "目的：最初のエラーの特定"),
    ],
)
def test_request_without_purpose_prompts_then_reply_fills_it(
    text: str, lang: str, purpose_reply: str
) -> None:
    """No purpose: a short prompt to the requester in the message's language; the reply fills it."""
    inc = declared("en")
    actions = inc.say(ALICE, text, 1, mentions=[BOB])
    [record] = of(actions, RecordAssignment)
    assert record.assignment.purpose is None
    [prompt] = of(actions, Notice)
    assert prompt.kind == "purpose_prompt" and prompt.to == ALICE
    assert prompt.in_reply_to == inc.last_id
    assert ("目的" in prompt.text) == (lang == "ja")
    assert ("purpose" in prompt.text) == (lang == "en")
    assert len(prompt.text) < 120

    filled = of(inc.say(ALICE, purpose_reply, 2), RecordAssignment)
    assert len(filled) == 1
    assert filled[0].assignment.id == record.assignment.id
    assert filled[0].assignment.purpose
    assert filled[0].assignment.purpose in purpose_reply
    assert inc.state.open_assignments(BOB.id)[0].purpose == filled[0].assignment.purpose


def test_assignee_may_state_the_purpose_too() -> None:
    """The person asked can answer the purpose prompt for their own task."""
    inc = declared()
    inc.say(ALICE, "@bob please take the rollback", 1, mentions=[BOB])
    [filled] = of(inc.say(BOB, "goal: restore checkout", 2), RecordAssignment)
    assert filled.assignment.purpose == "restore checkout"


def test_purpose_from_a_bystander_changes_nothing() -> None:
    """Only the requester or the assignee fills a missing purpose."""
    inc = declared()
    inc.say(ALICE, "@bob please take the rollback", 1, mentions=[BOB])
    assert of(inc.say(CAROL, "purpose: something else", 2), RecordAssignment) == []
    assert inc.state.open_assignments(BOB.id)[0].purpose is None


def test_request_from_a_non_commander_still_assigns() -> None:
    """A request to a named person counts whoever asks; the requester is recorded."""
    inc = declared()
    [record] = of(
        inc.say(CAROL, "@dave can you check the DB replicas? goal: rule out replication lag", 1,
                mentions=[DAVE]),
        RecordAssignment,
    )  # fmt: skip
    assert record.assignment.assigned_by == CAROL.id
    assert record.assignment.user == DAVE


def test_one_request_to_two_people_gives_each_the_task_and_one_prompt() -> None:
    """「@bob @carol …」 assigns both and asks the requester for the purpose once."""
    inc = declared()
    actions = inc.say(ALICE, "@bob and @carol please look into the DB", 1, mentions=[BOB, CAROL])
    assert [r.assignment.user for r in of(actions, RecordAssignment)] == [BOB, CAROL]
    assert len(of(actions, Notice)) == 1
    filled = of(inc.say(ALICE, "purpose: find the slow query", 2), RecordAssignment)
    assert {r.assignment.user.id for r in filled} == {BOB.id, CAROL.id}


@pytest.mark.parametrize(
    "text",
    [
        "@bob what do you see?",
        "@bob thanks!",
        "@bob よろしくお願いします",
        "@bob did you check the logs?",
    ],
)
def test_mentions_that_ask_nothing_assign_nothing(text: str) -> None:
    """Questions and thanks to a person are not assignments."""
    inc = declared()
    assert of(inc.say(ALICE, text, 1, mentions=[BOB]), RecordAssignment) == []


# ---------------------------------------------------------------- self-assignment
@pytest.mark.parametrize(
    ("text", "task"),
    [
        ("ロールバックは私がやります", "ロールバック"),
        ("DBは自分が見ます", "DB"),
        ("了解です、ログは私が確認します", "ログの確認"),
        ("お客様対応とステータスページの更新は私がやります", "お客様対応とステータスページの更新"),
        ("I'll take the rollback", "rollback"),
        ("I'm on the DB side", "DB side"),
        ("I can look into the logs", "look into the logs"),
        ("ok, I'll handle comms", "comms"),
    ],
)
def test_self_assignment(text: str, task: str) -> None:
    """Taking a task yourself records it with no requester and no prompt."""
    inc = declared()
    actions = inc.say(BOB, text, 1)
    [record] = of(actions, RecordAssignment)
    assert (record.assignment.user, record.assignment.task) == (BOB, task)
    assert record.assignment.assigned_by is None
    assert of(actions, Notice) == []


@pytest.mark.parametrize(
    "text", ["I'm on it", "I'm on call this week", "Should I take the rollback?"]
)
def test_not_self_assignments(text: str) -> None:
    """Vague or questioning phrases take no task."""
    inc = declared()
    assert of(inc.say(BOB, text, 1), RecordAssignment) == []


# ---------------------------------------------------------------- slash commands
def test_assign_command_with_and_without_purpose() -> None:
    """/assign records the assignment; without a purpose the commander gets a private prompt."""
    inc = declared()
    actions = inc.command(ALICE, "assign", 1, user=BOB, task="rollback", purpose="restore checkout")
    [record] = of(actions, RecordAssignment)
    assert (record.assignment.task, record.assignment.purpose) == ("rollback", "restore checkout")
    actions = inc.command(ALICE, "assign", 2, user=CAROL, task="CDN logs")
    [prompt] = of(actions, Notice)
    assert prompt.kind == "purpose_prompt" and prompt.ephemeral and prompt.to == ALICE


def test_assign_command_needs_the_commander() -> None:
    """/assign from someone who is not the commander is refused and records nothing."""
    inc = declared()
    actions = inc.command(BOB, "assign", 1, user=CAROL, task="rollback")
    assert of(actions, RecordAssignment) == []
    assert [n.kind for n in of(actions, Notice)] == ["refusal"]


# ---------------------------------------------------------------- reassignment
@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "@bob please own the rollback, goal: restore checkout",
            "@carol please take over the rollback",
        ),
        (
            "@bob ロールバックをお願いします。目的は決済の復旧です",
            "@carol ロールバックをお願いします",
        ),
    ],
)
def test_reassignment_moves_the_task_and_keeps_its_purpose(first: str, second: str) -> None:
    """Giving someone else an open task closes the old one as reassigned."""
    inc = declared()
    inc.say(ALICE, first, 1, mentions=[BOB])
    actions = inc.say(ALICE, second, 2, mentions=[CAROL])
    records = of(actions, RecordAssignment)
    assert [r.assignment.status for r in records] == ["reassigned", "open"]
    assert records[0].assignment.user == BOB and records[1].assignment.user == CAROL
    assert records[1].assignment.purpose == records[0].assignment.purpose
    assert of(actions, Notice) == []  # the purpose came along: nothing to ask
    assert inc.task_of(BOB) == []


def test_reassignment_by_command() -> None:
    """/assign of a task someone holds moves it."""
    inc = declared()
    inc.command(ALICE, "assign", 1, user=BOB, task="rollback", purpose="restore checkout")
    records = of(inc.command(ALICE, "assign", 2, user=CAROL, task="the rollback"), RecordAssignment)
    assert [r.assignment.status for r in records] == ["reassigned", "open"]
    assert inc.task_of(CAROL) == ["the rollback"]


# ---------------------------------------------------------------- completion
@pytest.mark.parametrize(
    "text", ["完了しました", "終わりました", "done", "finished", "rollback complete", "Done ✅"]
)
def test_assignee_reports_done(text: str) -> None:
    """The assignee's own "done" closes their task as done."""
    inc = declared()
    inc.say(ALICE, "@bob please own the rollback, goal: restore checkout", 1, mentions=[BOB])
    [record] = of(inc.say(BOB, text, 5), RecordAssignment)
    assert record.assignment.status == "done"
    assert record.assignment.closed_at == inc.at(5)
    assert inc.task_of(BOB) == []


@pytest.mark.parametrize(
    "text",
    [
        "is the rollback done?",
        "まだ終わっていません",
        "not done yet",
        "I'll tell you when it's done",
        "完了したら連絡します",
        "still rolling back, 60% of pods done",
        "半分終わりました",
    ],
)
def test_questions_and_negations_are_not_done(text: str) -> None:
    """Asking whether it is done, or saying it is not, keeps the task open."""
    inc = declared()
    inc.say(ALICE, "@bob please own the rollback, goal: restore checkout", 1, mentions=[BOB])
    assert of(inc.say(BOB, text, 5), RecordAssignment) == []
    assert inc.task_of(BOB) == ["rollback"]


def test_done_names_which_of_two_tasks() -> None:
    """With two open tasks, the one the message names is closed."""
    inc = declared()
    inc.command(ALICE, "assign", 1, user=BOB, task="rollback", purpose="restore checkout")
    inc.command(ALICE, "assign", 2, user=BOB, task="status page", purpose="tell users")
    [record] = of(inc.say(BOB, "rollback complete", 5), RecordAssignment)
    assert record.assignment.task == "rollback"
    assert inc.task_of(BOB) == ["status page"]


def test_commander_reports_someones_task_done() -> None:
    """「ロールバック完了」 from the commander closes the one open task it names."""
    inc = declared("ja")
    inc.say(ALICE, "@bob ロールバックをお願いします。目的は決済の復旧です", 1, mentions=[BOB])
    inc.say(ALICE, "@carol ダッシュボードのエラー率を見ていてください。目的は回復確認です", 1,
            mentions=[CAROL])  # fmt: skip
    [record] = of(inc.say(ALICE, "ロールバック完了、エラー率は下がっています", 5), RecordAssignment)
    assert record.assignment.user == BOB and record.assignment.status == "done"
    assert inc.task_of(CAROL) != []


@pytest.mark.parametrize(
    "emoji", ["white_check_mark", "✅", "heavy_check_mark", ":white_check_mark:"]
)
def test_check_mark_reaction_from_assignee_on_request_completes(emoji: str) -> None:
    """A ✅ from the assignee on the request message marks that task done."""
    inc = declared()
    inc.say(ALICE, "@bob please own the rollback, goal: restore checkout", 1, mentions=[BOB])
    request = inc.last_id
    [record] = of(inc.react(BOB, request, emoji, 9), RecordAssignment)
    assert record.assignment.status == "done"


def test_check_mark_from_someone_else_or_other_emoji_does_not_complete() -> None:
    """Only the assignee's check mark on the request counts."""
    inc = declared()
    inc.say(ALICE, "@bob please own the rollback, goal: restore checkout", 1, mentions=[BOB])
    request = inc.last_id
    assert of(inc.react(CAROL, request, "✅", 2), RecordAssignment) == []
    assert of(inc.react(BOB, request, "👍", 3), RecordAssignment) == []
    assert inc.task_of(BOB) == ["rollback"]


# ---------------------------------------------------------------- release
@pytest.mark.parametrize(
    "text",
    [
        "@bob 戻って大丈夫です",
        "@bob 抜けてOKです",
        "@bob ありがとうございます、今は手が足りているので戻って大丈夫です",
        "@bob you can drop off",
        "@bob feel free to leave",
        "thanks @bob, you're free to go",
    ],
)
def test_commander_releases_in_chat(text: str) -> None:
    """The commander's "you may leave" releases the person and closes their open task."""
    inc = declared()
    inc.say(ALICE, "@bob please own the rollback, goal: restore checkout", 1, mentions=[BOB])
    actions = inc.say(ALICE, text, 5, mentions=[BOB])
    [released] = of(actions, RecordRelease)
    assert released.user == BOB and released.source_ids == [inc.last_id]
    assert [r.assignment.status for r in of(actions, RecordAssignment)] == ["released"]
    assert inc.state.participants[BOB.id].released_at == inc.at(5)


def test_release_with_done_closes_the_task_as_done() -> None:
    """「差分確認はこれで完了で、戻って大丈夫です」: the task is done, then the person released."""
    inc = declared("ja")
    inc.say(ALICE, "@bob 差分確認をお願いします。目的は原因候補を絞ることです", 1, mentions=[BOB])
    actions = inc.say(ALICE, "@bob 了解、ありがとう。差分確認はこれで完了で、戻って大丈夫です", 5,
                      mentions=[BOB])  # fmt: skip
    assert [r.assignment.status for r in of(actions, RecordAssignment)] == ["done"]
    assert len(of(actions, RecordRelease)) == 1


def test_release_by_a_non_commander_is_ignored() -> None:
    """Sending someone else away is the commander's call."""
    inc = declared()
    inc.join(BOB, 1)
    assert of(inc.say(CAROL, "@bob you can drop off", 2, mentions=[BOB]), RecordRelease) == []
    assert inc.state.participants[BOB.id].released_at is None


@pytest.mark.parametrize(
    "text", ["抜けます", "一旦離脱します", "I'm dropping off now", "signing off"]
)
def test_people_may_release_themselves(text: str) -> None:
    """Saying you leave releases you."""
    inc = declared()
    [released] = of(inc.say(BOB, text, 2), RecordRelease)
    assert released.user == BOB


@pytest.mark.parametrize(
    "text",
    [
        "他の方は戻って大丈夫です",
        "担当のない方は抜けてOKです",
        "everyone else can drop off, thanks",
    ],
)
def test_release_everyone_without_a_task(text: str) -> None:
    """「他の方は戻って大丈夫です」 releases every unassigned participant, not assignees."""
    inc = declared()
    for i, who in enumerate((BOB, CAROL, DAVE)):
        inc.join(who, i)
    inc.say(ALICE, "@bob please own the rollback, goal: restore checkout", 3, mentions=[BOB])
    released = {r.user.id for r in of(inc.say(ALICE, text, 4), RecordRelease)}
    assert released == {CAROL.id, DAVE.id}
    assert inc.task_of(BOB) == ["rollback"]


def test_release_command() -> None:
    """/release @x releases and records it; releasing again records nothing new."""
    inc = declared()
    inc.join(BOB, 1)
    assert len(of(inc.command(ALICE, "release", 2, user=BOB), RecordRelease)) == 1
    assert of(inc.command(ALICE, "release", 3, user=BOB), RecordRelease) == []


def test_new_task_cancels_a_release() -> None:
    """A released person given a new task is back on the roster."""
    inc = declared()
    inc.command(ALICE, "release", 1, user=BOB)
    inc.command(ALICE, "assign", 2, user=BOB, task="postmortem draft", purpose="retro tomorrow")
    assert inc.state.participants[BOB.id].released_at is None


# ---------------------------------------------------------------- command handover
@pytest.mark.parametrize(
    "text",
    ["指揮官を@xavierに交代", "@xavierさんに指揮を引き継ぎます", "@xavier is IC now",
     "handing IC to @xavier", "@xavier is the incident commander", "指揮官は@xavierさんです"],
)  # fmt: skip
def test_commander_hands_over_in_chat(text: str) -> None:
    """The commander's handover phrase in ja/en sets the new commander and says so."""
    inc = declared()
    actions = inc.say(ALICE, text, 3, mentions=[X])
    assert inc.state.commander == X
    [notice] = of(actions, Notice)
    assert notice.kind == "commander_changed" and "X" in notice.text


def test_handover_by_someone_else_is_ignored() -> None:
    """Once a commander is named, only they hand command over in chat."""
    inc = declared()
    inc.say(BOB, "@xavier is IC now", 3, mentions=[X])
    assert inc.state.commander == ALICE


def test_commander_command() -> None:
    """/commander @x changes the commander."""
    inc = declared()
    inc.command(ALICE, "commander", 2, user=X)
    assert inc.state.commander == X
    assert roster.is_commander(inc.state, X)


def test_first_poster_is_commander_until_one_is_named() -> None:
    """Without a declaration, the first human poster acts as commander; a claim names one."""
    inc = Incident("ja")
    inc.say(TANAKA, "payment-api の 5xx が増えています。インシデントとして対応開始します", 0)
    assert roster.commander_of(inc.state) == TANAKA and inc.state.commander is None
    released = of(inc.say(TANAKA, "@bob 戻って大丈夫です", 1, mentions=[BOB]), RecordRelease)
    assert [r.user for r in released] == [BOB]
    inc.say(TANAKA, "指揮は田中がとります", 2)
    assert inc.state.commander == TANAKA


def test_self_claim_when_nobody_declared() -> None:
    """ "I'm the IC" names the commander while none was named; later claims need a handover."""
    inc = Incident()
    inc.say(BOB, "checkout is failing", 0)
    inc.say(CAROL, "I'm the IC", 1)
    assert inc.state.commander == CAROL
    inc.say(DAVE, "I'm the IC", 2)
    assert inc.state.commander == CAROL


# ---------------------------------------------------------------- mentions and safety
def test_mentions_resolve_by_display_name_and_longest_match() -> None:
    """@-tokens match the message's mentions by nickname, the longest name first."""
    bobby = person("bobby", "Bobby B")
    inc = declared()
    inc.say(ALICE, "@Bobby B please take the rollback, goal: x", 1, mentions=[BOB, bobby])
    assert inc.task_of(bobby) == ["rollback"] and inc.task_of(BOB) == []


def test_mentions_fall_back_to_participants_and_raw_ids() -> None:
    """Without mention objects, known participants and raw <@id> tokens still resolve."""
    inc = declared()
    inc.join(BOB, 1)
    inc.join(CAROL, 1)
    inc.say(ALICE, "@bob please take the rollback, goal: x", 2)
    inc.say(ALICE, "<@id-carol> please check the CDN, goal: y", 3)
    assert inc.task_of(BOB) == ["rollback"] and inc.task_of(CAROL) == ["check the CDN"]


def test_bot_is_never_assigned_and_questions_to_it_show_the_roster() -> None:
    """A mention of the bot is answered; the bot never becomes a participant or assignee."""
    inc = declared()
    actions = inc.say(BOB, "@incident-bot who is doing what?", 1, mentions=[BOT])
    [reply] = of(actions, Reply)
    assert reply.answer.intent == "roster"
    assert BOT.id not in inc.state.participants
    msg = inc.state.messages[inc.last_id]
    assert (
        of(roster.on_message(inc.state, msg, Engine().read(inc.state, msg)), RecordAssignment) == []
    )


def test_on_message_is_safe_to_call_twice() -> None:
    """Re-applying the roster cues of a message changes nothing the second time."""
    inc = declared()
    inc.say(ALICE, "@bob please own the rollback, goal: restore checkout", 1, mentions=[BOB])
    msg = inc.state.messages[inc.last_id]
    assert roster.on_message(inc.state, msg, Engine().read(inc.state, msg)) == []
    assert len(inc.state.assignments) == 1


def test_chat_cannot_make_the_bot_act() -> None:
    """ "bot, release everyone" from a non-commander releases nobody."""
    inc = declared()
    inc.join(BOB, 1)
    actions = inc.say(CAROL, "@incident-bot everyone else can drop off", 2, mentions=[BOT])
    assert of(actions, RecordRelease) == []


# ---------------------------------------------------------------- more phrasings
@pytest.mark.parametrize(
    ("text", "task"),
    [
        ("@bob you're on comms", "comms"),
        ("@bob can you do the status page? goal: tell users", "status page"),
        ("@bob 障害報告の下書きを担当してください", "障害報告の下書き"),
        ("@bob ロールバック手順の確認をお願いできますか", "ロールバック手順の確認"),
        ("@bob エラー率を見ていてください", "エラー率を見ている"),
        ("@bob v2.14.0 の変更差分を洗い出してください", "v2.14.0 の変更差分を洗い出す"),
    ],
)
def test_more_request_phrasings(text: str, task: str) -> None:
    """Other common ways to ask someone, with the politeness stripped from the task."""
    inc = declared()
    inc.say(ALICE, text, 1, mentions=[BOB])
    assert inc.task_of(BOB) == [task]


@pytest.mark.parametrize(
    "text",
    ["all done", "wrapped up", "対応完了です", "作業済みです", "ロールバック終わった"],
)
def test_more_done_phrasings(text: str) -> None:
    """Other ways to say a task is finished."""
    inc = declared()
    inc.command(ALICE, "assign", 1, user=BOB, task="rollback", purpose="restore checkout")
    inc.say(BOB, text, 5)
    assert inc.task_of(BOB) == []


@pytest.mark.parametrize(
    "text",
    ["@bob 離脱して大丈夫です", "@bob 通常業務に戻ってください", "@bob no need to stay, thanks",
     "release @bob"],
)  # fmt: skip
def test_more_release_phrasings(text: str) -> None:
    """Other ways the commander lets someone go."""
    inc = declared()
    inc.join(BOB, 1)
    assert [r.user for r in of(inc.say(ALICE, text, 2, mentions=[BOB]), RecordRelease)] == [BOB]


@pytest.mark.parametrize(
    "text",
    ["passing command to @xavier", "@xavier will take over as IC", "@xavier, you're the IC now",
     "@xavierさんが新しい指揮官です", "指揮は@xavierさんにお願いします"],
)  # fmt: skip
def test_more_handover_phrasings(text: str) -> None:
    """Other ways to hand command over."""
    inc = declared()
    inc.say(ALICE, text, 2, mentions=[X])
    assert inc.state.commander == X


def test_self_assignment_and_request_in_one_message() -> None:
    """ "I'll take the rollback, @carol can you do comms?" records both."""
    inc = declared()
    inc.say(BOB, "I'll take the rollback, @carol can you do comms? goal: keep support informed", 1,
            mentions=[CAROL])  # fmt: skip
    assert inc.task_of(BOB) == ["rollback"]
    assert inc.task_of(CAROL) == ["comms"]
    assert inc.state.open_assignments(CAROL.id)[0].purpose == "keep support informed"


def test_done_is_read_sentence_by_sentence() -> None:
    """A negation in another sentence does not hide 「確認は完了しました」."""
    inc = declared("ja")
    inc.say(ALICE, "@bob v4.0.0 がロールバックして安全か確認してください。目的は可否の判断です", 1,
            mentions=[BOB])  # fmt: skip
    inc.say(BOB, "確認結果です。\nダウンマイグレーションは用意してません。確認は完了しました", 5)
    assert inc.task_of(BOB) == []


def test_self_claim_in_a_message_that_also_asks_someone() -> None:
    """ "opening an incident, I'm IC. @lars what changed today?" names the commander."""
    lars = person("lars")
    inc = Incident()
    inc.say(CAROL, "we're seeing tons of HTTP 307s since this morning", 0)
    inc.say(DAVE, "opening an incident, I'm IC. @lars what changed today?", 1, mentions=[lars])
    assert inc.state.commander == DAVE
    inc.say(DAVE, "I'm IC. @carol please dig into the redirects, goal: find the source", 2,
            mentions=[CAROL])  # fmt: skip
    assert inc.task_of(CAROL) == ["dig into the redirects"]


def test_code_blocks_and_loose_purposes_are_not_cues() -> None:
    """A pasted log saying "finished" closes nothing; "so that …" alone fills no purpose."""
    inc = declared()
    inc.say(ALICE, "@bob please take the rollback", 1, mentions=[BOB])
    inc.say(BOB, "log:\n```\n[W 14:06] job finished with errors\n```", 2)
    assert inc.task_of(BOB) == ["rollback"]
    inc.say(BOB, "we'll have more nodes, so that probably also helps", 3)
    assert inc.state.open_assignments(BOB.id)[0].purpose is None


@pytest.mark.parametrize(
    "text",
    [
        "@mallory please stop, this channel is for the responders",
        "@mallory please don't touch prod right now",
        "@mallory 本番には触らないでください",
        "@mallory その作業はやめてください",
    ],
)
def test_asking_someone_to_stop_is_not_an_assignment(text: str) -> None:
    """'Please stop' or 'don't touch prod' gives nobody a task."""
    mallory = User(id="id-mallory", name="mallory")
    state = IncidentState(id="c1")
    msg = ChatMessage(id="m1", author=ALICE, at=T0, content=text, mentions=[mallory])
    assert [c for c in parse(state, msg) if isinstance(c, Request)] == []


def test_side_suffix_does_not_leave_a_dangling_space() -> None:
    """「DB 側は私が見ます」: the task is 'DB', not 'DB '."""
    state = IncidentState(id="c1")
    msg = ChatMessage(id="m1", author=ALICE, at=T0, content="DB 側は私が見ます")
    cues = parse(state, msg)
    assert [c.task for c in cues if isinstance(c, SelfAssign)] == ["DB"]


@pytest.mark.parametrize(
    ("text", "task_word"),
    [
        ("@mallory please stop the reindex job, goal: take load off the DB", "reindex"),
        ("@mallory バッチを止めてください。目的はDB負荷の軽減です", "バッチ"),
    ],
)
def test_stopping_something_is_still_a_task(text: str, task_word: str) -> None:
    """'Stop the reindex job' is work to do, unlike 'please stop'."""
    mallory = User(id="id-mallory", name="mallory")
    state = IncidentState(id="c1")
    msg = ChatMessage(id="m1", author=ALICE, at=T0, content=text, mentions=[mallory])
    requests = [c for c in parse(state, msg) if isinstance(c, Request)]
    assert len(requests) == 1 and task_word in requests[0].task
