"""Status updates: headline, sourced claims, audiences, edits/deletes, closing, status answers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from assistant.core import updates
from assistant.core.actions import Action, PostUpdate, Reply
from assistant.core.engine import Engine
from assistant.core.events import Command, MessageDeleted, MessageEdited, MessagePosted
from assistant.core.model import (
    ChatMessage,
    IncidentConfig,
    IncidentState,
    Phase,
    StatusUpdate,
    User,
)

T0 = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)
BOSS = User(id="u0", name="boss", display_name="Boss")
ALICE = User(id="u1", name="alice", display_name="Alice Tanaka")
BOB = User(id="u2", name="bob")
BOT = User(id="b0", name="helper", is_bot=True)


class Run:
    """One incident driven through the engine, events at minutes after T0."""

    def __init__(self, lang: str = "en", *, auto: bool = True) -> None:
        config = IncidentConfig(
            lang=lang,  # type: ignore[arg-type]
            auto_confirm_proposals=auto,
            bot_user_id=BOT.id,
            bot_name=BOT.name,
        )
        self.state = IncidentState(id="c1", config=config)
        self.engine = Engine()
        self.count = 0

    def at(self, minute: float) -> datetime:
        return T0 + timedelta(minutes=minute)

    def command(self, minute: float, name: str, by: User = BOSS, **args: Any) -> list[Action]:
        event = Command(
            at=self.at(minute),
            incident_id="c1",
            name=name,  # type: ignore[arg-type]
            user=by,
            args=args,
        )
        return self.engine.handle(self.state, event)

    def say(self, minute: float, user: User, text: str, mentions: list[User] | None = None) -> str:
        self.count += 1
        msg = ChatMessage(
            id=f"m{self.count}",
            author=user,
            at=self.at(minute),
            content=text,
            mentions=mentions or [],
        )
        self.last = self.engine.handle(
            self.state, MessagePosted(at=msg.at, incident_id="c1", message=msg)
        )
        return msg.id

    def compose(self, minute: float, audience: str = "responders") -> StatusUpdate:
        return updates.compose(self.state, "manual", self.at(minute), audience)  # type: ignore[arg-type]


def english_incident() -> Run:
    run = Run("en")
    run.command(0, "declare", title="Checkout errors", severity="SEV2")
    run.command(1, "assign", user=ALICE, task="check rollback safety", purpose="decide rollback")
    run.say(2, BOB, "Since the 13:58 deploy, api-7d9f8c-x2bz.prod.internal is throwing 5xx")
    run.say(3, BOB, "Users can't check out, about 30% of requests fail")
    run.say(4, ALICE, "I think the cause is the new cache config")
    run.say(8, ALICE, "The root cause is a typo in the config key (PR #4521)")
    run.say(9, BOSS, "We decided to roll back")
    run.say(10, ALICE, "Rolling back now")
    run.say(12, BOSS, "Need approval from the director before we replay the lost orders")
    run.say(12.5, BOB, "The 13:50 config bump might also be involved")
    return run


def japanese_incident() -> Run:
    run = Run("ja")
    run.command(0, "declare", title="決済エラー")
    run.say(2, BOB, "13:58のデプロイ後から決済APIで500エラーが多発しています")
    run.say(3, BOB, "ユーザーが決済できない状態です")
    run.say(4, ALICE, "原因はキャッシュ設定の変更かも")
    run.say(8, ALICE, "原因は設定ファイルのキー名の誤りと判明しました")
    run.say(9, BOSS, "ロールバックすることにします")
    run.say(10, ALICE, "ロールバック開始します")
    run.say(12, BOSS, "部長の判断を仰ぐ必要があります（注文データの補正）")
    return run


def test_headline_is_the_phase_label_and_one_sentence() -> None:
    """The headline starts with the phase label and carries one sentence of gist."""
    en = english_incident().compose(13)
    assert en.phase is Phase.MITIGATING
    assert en.headline == (
        "[Mitigating] We identified the cause and are now rolling back the recent change."
    )
    ja = japanese_incident().compose(13)
    assert (
        ja.headline
        == "【対応中】原因を特定し、現在直前の変更の切り戻し（ロールバック）を進めています。"
    )
    for update in (en, ja):
        assert update.text.splitlines()[0] == update.headline
        assert update.headline.count("。") + update.headline.count(". ") <= 1


def test_responder_body_has_every_section_with_marks_and_sources() -> None:
    """Impact, who does what, confirmed vs suspected, decisions, waiting, next update."""
    run = english_incident()
    update = run.compose(13)
    text = update.text
    for header in (
        "■ Impact (since about 05:02 UTC)",
        "■ Being done (who)",
        "■ Confirmed",
        "■ Suspected (not confirmed)",
        "■ Decisions",
        "■ Waiting on a decision from outside",
    ):
        assert header in text
    assert "・Alice Tanaka: check rollback safety (purpose: decide rollback) [roster]" in text
    assert "・Rolling back now — Alice Tanaka (confirmed) [#m6]" in text
    assert "・The 13:50 config bump might also be involved (suspected) [#m8]" in text
    assert "new cache config" not in text  # a guessed cause, superseded by the confirmed one
    assert "・We decided to roll back — Boss (confirmed) [#m5]" in text
    assert "director" in text
    # a manual draft is not posted: the schedule counts from the last posted update (05:10)
    assert text.splitlines()[-1] == (
        "Next update: around 05:25 UTC if anything changes (at once on a phase change)"
    )
    assert update.next_update_at == run.at(25)


def test_japanese_body_marks_claims() -> None:
    """Japanese updates mark each claim （確定）/（推定） with its message ids."""
    text = japanese_incident().compose(13).text
    assert "■ 影響（05:02 UTC頃から）" in text
    assert "・ユーザーが決済できない状態です（確定） [#m2]" in text
    assert "・原因はキャッシュ設定の変更かも（推定） [#m3]" not in text  # superseded
    assert "・原因は設定ファイルのキー名の誤りと判明しました（確定） [#m4]" in text
    assert "■ 外部の判断待ち" in text and "部長の判断を仰ぐ" in text
    assert "次回更新: 05:25 UTC頃" in text


def test_every_claim_has_a_source_and_update_sources_are_their_union() -> None:
    """No claim without a source (roster lines cite the roster); source_ids = union."""
    update = english_incident().compose(13)
    fact_claims = [c for c in update.claims if not c.text.startswith("Alice Tanaka:")]
    assert fact_claims and all(c.source_ids for c in fact_claims)
    union = {s for c in update.claims for s in c.source_ids}
    assert set(update.source_ids) == union
    for ref in re.findall(r"\[#(m\d+)\]", update.text):
        assert ref in update.source_ids


def test_stakeholder_update_has_plain_words_only() -> None:
    """No user names, hosts, pods, PR numbers, suspected claims or message refs."""
    run = english_incident()
    update = run.compose(13, "stakeholders")
    text = update.text
    for internal in ("alice", "Alice", "Bob", "bob", "Boss", "api-7d9f8c", "prod.internal",
                     "#4521", "PR", "[#m", "suspected", "I think", "(confirmed)"):  # fmt: skip
        assert internal not in text, internal
    lines = text.splitlines()
    assert lines[0].startswith("[Mitigating]")
    impact = lines.index("■ Impact (since about 05:02 UTC)")
    state = lines.index("■ Current state")
    next_line = next(i for i, line in enumerate(lines) if line.startswith("Next update"))
    assert impact < state < next_line  # impact, user-visible state, then the next update
    assert "・We are undoing the most recent change." in lines
    assert "Users can't check out, about 30% of requests fail" in text
    assert all(c.certainty == "confirmed" for c in update.claims)


def test_japanese_stakeholder_update() -> None:
    """The Japanese stakeholder update speaks plainly and names no one."""
    run = japanese_incident()
    text = run.compose(13, "stakeholders").text
    assert "・復旧作業を行っています。" in text
    assert "・直前の変更を元に戻す作業を行っています。" in text
    assert "一部の対応について、責任者の判断を待っています。" in text
    for internal in ("alice", "bob", "boss", "[#m", "（推定）", "かも"):
        assert internal not in text


def test_stakeholder_update_drops_japanese_names_and_hosts() -> None:
    """Japanese display names (with さん) and host names never reach stakeholders."""
    run = Run("ja")
    suzuki = User(id="u7", name="suzuki", display_name="鈴木")
    run.command(0, "declare", title="ログイン障害")
    run.say(1, suzuki, "鈴木さんの環境と auth-1.prod.example.com 経由でログインできないことを確認")
    stake = run.compose(2, "stakeholders").text
    assert "鈴木" not in stake and "example.com" not in stake and "auth-1" not in stake
    assert "担当者の環境と 社内システム 経由でログインできないことを確認" in stake
    responders = run.compose(2).text
    assert "鈴木さんの環境" in responders


def test_scrubbed_identifiers_still_read_as_english() -> None:
    """An identifier after "the" becomes "the internal system", not "the an internal …"."""
    run = Run("en")
    run.command(0, "declare", title="x")
    run.say(1, BOB, "Users can't log in because the auth_v2 service rejects tokens")
    text = run.compose(2, "stakeholders").text
    assert "because the internal system service rejects tokens" in text


def test_edited_message_is_reflected_in_the_next_update() -> None:
    """After an edit, the update quotes the message as it reads now."""
    run = english_incident()
    run.engine.handle(
        run.state,
        MessageEdited(
            at=run.at(14),
            incident_id="c1",
            message_id="m2",
            content="Users can't check out, about 60% of requests fail",
        ),
    )
    text = run.compose(15).text
    assert "about 60% of requests fail" in text and "30%" not in text


def test_deleted_message_is_never_cited() -> None:
    """A deleted message's claims and id disappear from the next update."""
    run = japanese_incident()
    run.engine.handle(run.state, MessageDeleted(at=run.at(14), incident_id="c1", message_id="m4"))
    update = run.compose(15)
    assert "m4" not in update.source_ids and "#m4" not in update.text
    assert "キー名の誤り" not in update.text


def test_duplicate_claims_are_merged_with_both_sources() -> None:
    """The same sentence from two people appears once, citing both messages."""
    run = Run("en")
    run.command(0, "declare", title="x")
    run.say(1, ALICE, "Users can't log in")
    run.say(2, BOB, "users can't log in.")
    impact = [c for c in run.compose(3).claims if c.section == "impact"]
    assert len(impact) == 1 and impact[0].source_ids == ["m1", "m2"]


def test_no_impact_yet_is_said_plainly() -> None:
    """Before anyone states impact, the update says it is being assessed."""
    run = Run("ja")
    run.command(0, "declare", title="x")
    assert "・影響範囲は確認中です。" in run.compose(1).text


def test_closing_update_has_duration_impact_and_next_steps() -> None:
    """On resolved: duration from declaration, impact, cause, and the five follow-up kinds."""
    run = english_incident()
    run.say(20, BOB, "error rate back to normal")
    run.say(22, BOB, "Status page updated, notifying customers")
    actions = run.command(45, "resolve")
    update = next(a.update for a in actions if isinstance(a, PostUpdate))
    assert update.kind == "closing" and update.next_update_at is None
    assert update.headline == (
        "[Resolved] We confirmed the metrics were back to normal, declared recovery at "
        "05:45 UTC, and are now letting users know."
    )
    text = update.text
    assert "・Duration: 45 min (05:00 UTC to 05:45 UTC)" in text
    assert "■ Impact" in text and "■ Cause" in text and "■ What was done" in text
    assert "turn the stop-gap into a permanent fix" in text
    assert "Next update" not in text
    stake = run.compose(46, "stakeholders").text
    assert "・The service is working normally again." in stake
    assert "Duration: 45 min" in stake and "retrospective" not in stake


def test_japanese_closing_headline_follows_the_talks_shape() -> None:
    """【復旧完了】 + metrics back + time declared + users being told, in one sentence."""
    run = japanese_incident()
    run.say(20, BOB, "エラー率が平常値に戻りました")
    run.say(21, BOB, "ユーザーへの連絡を開始しました")
    run.say(60, BOSS, "復旧完了とします")
    update = run.state.updates[-1]
    assert update.kind == "closing"
    assert update.headline == (
        "【復旧完了】メトリクスが平常に戻ったのを確認して06:00 UTCに復旧完了とし、"
        "現在はユーザーへの復旧連絡を進めています。"
    )
    assert "・所要時間: 1時間0分（05:00 UTC 〜 06:00 UTC）" in update.text
    assert "再発防止" in update.text


def test_regression_headline_and_label_override() -> None:
    """A team label appears in the headline; going back says the problem returned."""
    run = Run("en")
    run.state.config.phase_labels = {"en": {"investigating": "[Looking]"}}
    run.command(0, "declare", title="x")
    run.command(5, "phase", phase="monitoring")
    run.command(9, "phase", phase="investigating")
    assert run.compose(10).headline == (
        "[Looking] The problem came back at 05:09 UTC; we are investigating again."
    )


def test_a_recovery_before_a_regression_is_not_claimed_again() -> None:
    """After the errors came back, "metrics back to normal at …" needs a new recovery."""
    run = Run("en")
    run.command(0, "declare", title="x")
    run.say(5, ALICE, "error rate back to normal")
    run.say(10, ALICE, "errors are back on checkout")
    assert run.state.phase is Phase.INVESTIGATING
    run.command(20, "phase", phase="monitoring")
    assert run.compose(21).headline == (
        "[Monitoring] A fix is in place and we are watching its effect."
    )
    run.say(25, ALICE, "latency back to baseline")
    assert run.compose(26).headline.startswith("[Monitoring] Metrics were back to normal at 05:25")


def test_status_answer_follows_the_question_and_posts_nothing() -> None:
    """A status question gets the current picture in its language; cadence is untouched."""
    run = japanese_incident()
    before = (list(run.state.updates), run.state.last_update_at)
    run.state.config.lang = "auto"
    run.say(13, BOB, "@helper what's the status?", mentions=[BOT])
    reply = next(a for a in run.last if isinstance(a, Reply))
    assert reply.answer.intent == "status"
    assert reply.answer.text.startswith("[Mitigating]")
    assert reply.answer.source_ids
    assert (run.state.updates, run.state.last_update_at) == before
    run.say(14, BOB, "@helper 今の状況は？", mentions=[BOT])
    reply = next(a for a in run.last if isinstance(a, Reply))
    assert reply.answer.text.startswith("【対応中】")


def test_manual_update_command_is_a_draft() -> None:
    """/update drafts for the commander (for the requested audience) without posting."""
    run = english_incident()
    actions = run.command(13, "update", audience="stakeholders")
    draft = next(a for a in actions if isinstance(a, PostUpdate))
    assert draft.draft_for == BOSS and draft.update.audience == "stakeholders"
    assert run.state.updates[-1].kind != "manual"
