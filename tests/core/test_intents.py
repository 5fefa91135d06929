"""Intent classification of questions to the bot, in Japanese and English."""

from __future__ import annotations

import pytest

from assistant.core.model import Intent, User
from assistant.core.reading.context import ReadContext
from assistant.core.reading.reader import LexiconReader

_READER = LexiconReader()


def classify(text: str) -> Intent:
    """The intent the offline Reader gives a question put to the bot (no learned model)."""
    ctx = ReadContext(author=User(id="u1", name="alice"), addressed=True)
    question = _READER.read("m1", text, ctx).question
    assert question is not None, text
    return question.intent


CASES = {
    "rollback": [
        "@incident-assistant should we roll back?",
        "revert?",
        "rollback or fix forward?",
        "Should I revert the deploy?",
        "is it safe to roll back?",
        "roll back now?",
        "worth rolling back?",
        "should we redeploy?",
        "Do we need to roll back?",
        "@incident-assistant status: should we roll back?",
        "ロールバックすべき？",
        "切り戻す？",
        "戻した方がいい？",
        "ロールバックしますか",
        "切り戻しすべきですか？",
        "再デプロイすべき？",
        "v2.3.1 revert した方がいい？",
        "現状を踏まえて、ロールバックすべき？",
    ],
    "roster": [
        "who is doing what?",
        "who's on it?",
        "who is the commander?",
        "roster please",
        "what is everyone working on?",
        "誰が何してる？",
        "担当は？",
        "誰が対応中？",
    ],
    "status": [
        "status?",
        "what's the current state?",
        "where are we?",
        "any update for customers?",
        "any news?",
        "what's the impact?",
        "summary please",
        "今どういう状況？",
        "現状は？",
        "進捗どう？",
        "お客様向けの報告ある？",
    ],
    "guidance": [
        "how do I declare an incident?",
        "what does the commander do?",
        "how should I write a status update?",
        "What is a postmortem?",
        "how to run a retro",
        "tips for a new commander?",
        "when should a redeploy be used?",
        "指揮官は何をすればいい？",
        "初めて指揮をします。まず何を？",
        "ポストモーテムの書き方は？",
        "ステータス更新の書き方を教えて",
        "ロールバックの判断方法は？",
    ],
    "other": ["thanks!", "hello", "ok", "ありがとう", "了解です"],
}


@pytest.mark.parametrize(
    ("text", "expected"), [(t, intent) for intent, texts in CASES.items() for t in texts]
)
def test_classify(text: str, expected: str) -> None:
    """Each phrasing maps to its intent; mixed questions pick the most specific one."""
    assert classify(text) == expected


@pytest.mark.parametrize("text", ["@status-bot thanks", "<@123456> ok", "@roster-bot hi"])
def test_mentions_do_not_decide_the_intent(text: str) -> None:
    """A bot or user name containing a keyword does not change the intent."""
    assert classify(text) == "other"


def test_a_how_to_about_status_updates_is_guidance_not_status() -> None:
    """ "How do I write a status update?" asks for teaching, not for the current status."""
    assert classify("how do I write a good status update?") == "guidance"
    assert classify("状況共有の書き方を教えて") == "guidance"


MORE_CASES = [
    # a rollback asked with the particle apart from the verb
    ("should we roll something back?", "rollback"),
    ("should I switch it back to v1?", "rollback"),
    ("このままロールバックでいい？", "rollback"),
    ("切り戻しで大丈夫？", "rollback"),
    ("ロールバックしたらいい？", "rollback"),
    ("戻せばいい？", "rollback"),
    ("これ、設定戻しちゃっていいですかね？", "rollback"),
    ("ロールバックしても大丈夫？", "rollback"),
    ("should we back out the CDN change?", "rollback"),
    ("back out?", "rollback"),
    ("how should we roll it back?", "guidance"),  # asks for a procedure, not a decision
    # how-to questions in other shapes
    ("what goes in a status update?", "guidance"),
    ("what should I write in the first post?", "guidance"),
    ("what kinds of action items come out of a retro?", "guidance"),
    ("人に作業をお願いするときは、どう頼めばいいですか？", "guidance"),
    ("状況共有の投稿には何を書けばいいですか？", "guidance"),
    ("振り返りではどんなアクションを決めればいいですか？", "guidance"),
    ("切り戻しの前に確認すべきことは？", "guidance"),
    ("何を確認すればいい？", "guidance"),
    ("今何を確認してる？", "other"),  # asks about this incident, not for teaching
    ("what kind of errors are we seeing?", "other"),  # about this incident, not a how-to
    ("when should we post the next update?", "other"),
    # status in other shapes
    ("are we good now?", "status"),
    ("is it fixed? can I tell sales it's fine?", "status"),
    ("what can I tell customers right now?", "status"),
    ("今お客様にどう伝えればいい？", "status"),
    ("もう直った？", "status"),
    ("can you give me a quick update I can paste to the CS team?", "status"),
    ("send us a short summary for the execs", "status"),
    ("お客様に何て伝えればいい？今どういう状態？", "status"),
    ("今どういう状態？", "status"),
    ("現状を教えていただけますか。間に合いそうでしょうか", "status"),
    ("進捗を共有してください", "status"),
    ("tell me where we are", "status"),
    ("where do we stand?", "status"),
    ("how do things look now?", "status"),
    ("フェーズの書き方を教えて", "guidance"),
    ("is it the deploy?", "other"),
    ("is it ok to page the DB team?", "other"),
    ("how should I tell customers about an incident?", "guidance"),
    ("お客様への連絡はどう書けばいい？", "guidance"),
]


@pytest.mark.parametrize(("text", "expected"), MORE_CASES)
def test_classify_other_shapes(text: str, expected: str) -> None:
    """Questions phrased without the usual keywords still reach the right intent."""
    assert classify(text) == expected
