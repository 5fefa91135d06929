"""Small hand-built incidents (ja and en) with an offline update and answer to polish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from assistant.core.model import (
    Answer,
    ChatMessage,
    ChecklistItem,
    Claim,
    Fact,
    IncidentState,
    Phase,
    StatusUpdate,
    User,
)
from assistant.core.phases import label

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
ALICE = User(id="1", name="alice")
BOB = User(id="2", name="bob")
CAROL = User(id="3", name="carol")
BOT = User(id="99", name="assistant", is_bot=True)

SECRET_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_PASSWORD = "Tr0ub4dor&3"


@dataclass
class Case:
    state: IncidentState
    update: StatusUpdate
    previous: StatusUpdate
    answer: Answer
    since: list[ChatMessage]


_TEXTS = {
    "en": [
        (ALICE, "Checkout API is returning 500s since 10:02, about 30% of requests fail."),
        (BOB, "Release v2.14.3 went out at 09:58, I suspect it."),
        (
            CAROL,
            f"Logs: permission denied on bucket; config has {SECRET_KEY} and "
            f"postgres://app:{SECRET_PASSWORD}@db.internal:5432/shop",
        ),
        (BOB, "Rolling back to v2.14.2 now."),
        (CAROL, "Error rate is dropping after the rollback started."),
    ],
    "ja": [
        (ALICE, "10:02から決済APIが500を返しています。リクエストの約3割が失敗。"),
        (BOB, "09:58にv2.14.3をリリースしました。これが怪しいです。"),
        (
            CAROL,
            f"ログに permission denied。設定に {SECRET_KEY} があり、パスワード: {SECRET_PASSWORD}",
        ),
        (BOB, "v2.14.2にロールバックを開始します。"),
        (CAROL, "ロールバック開始後、エラー率が下がってきました。"),
    ],
}

_CLAIMS = {
    "en": [
        ("impact", "confirmed", "Checkout API returns 500s for about 30% of requests.", ["m1"]),
        ("suspected", "suspected", "Release v2.14.3 may be the cause.", ["m2"]),
        ("actions", "confirmed", "bob is rolling back to v2.14.2.", ["m4"]),
    ],
    "ja": [
        ("impact", "confirmed", "決済APIのリクエストの約3割が500で失敗しています。", ["m1"]),
        ("suspected", "suspected", "v2.14.3のリリースが原因の可能性があります。", ["m2"]),
        ("actions", "confirmed", "bobがv2.14.2へのロールバックを進めています。", ["m4"]),
    ],
}

_HEADLINES = {
    "en": "Rolling back release v2.14.3 to stop checkout errors.",
    "ja": "決済APIのエラーを止めるためv2.14.3のロールバックを進めています。",
}
_ANSWERS = {
    "en": "Recommendation: roll back. The release is recent and the rollback procedure is "
    "ready; confirm that no data migration rolls back with it.",
    "ja": "推奨: ロールバック。直近のリリースで手順も準備済みです。"
    "データのマイグレーションが一緒に戻らないか確認してください。",
}


def make_case(lang: str = "en", phase: Phase = Phase.MITIGATING) -> Case:
    """An incident in ``phase`` with five messages, three facts, a previous and a new update."""
    state = IncidentState(id="inc-1", title="checkout errors", commander=ALICE, phase=phase)
    state.config.lang = lang  # type: ignore[assignment]
    messages = []
    for i, (user, text) in enumerate(_TEXTS[lang], 1):
        msg = ChatMessage(id=f"m{i}", author=user, at=T0 + timedelta(minutes=i), content=text)
        state.messages[msg.id] = msg
        messages.append(msg)
    kinds = {"impact": "impact", "suspected": "cause", "actions": "action"}
    for section, certainty, text, ids in _CLAIMS[lang]:
        state.facts.append(
            Fact(kind=kinds[section], text=text, certainty=certainty, source_ids=ids, at=T0)  # type: ignore[arg-type]
        )
    lbl = label(phase, lang)  # type: ignore[arg-type]
    claims = [
        Claim(section=s, certainty=c, text=t, source_ids=ids)  # type: ignore[arg-type]
        for s, c, t, ids in _CLAIMS[lang]
    ]
    previous = StatusUpdate(
        at=T0 + timedelta(minutes=2),
        phase=Phase.INVESTIGATING,
        lang=lang,  # type: ignore[arg-type]
        audience="responders",
        kind="declared",
        headline=label(Phase.INVESTIGATING, lang) + " checkout errors",  # type: ignore[arg-type]
        claims=claims[:1],
        text="previous",
        source_ids=["m1"],
    )
    update = StatusUpdate(
        at=T0 + timedelta(minutes=6),
        phase=phase,
        lang=lang,  # type: ignore[arg-type]
        audience="responders",
        kind="phase_change",
        headline=f"{lbl} {_HEADLINES[lang]}",
        claims=claims,
        text=f"{lbl} offline text",
        source_ids=["m1", "m2", "m4"],
    )
    answer = Answer(
        at=T0 + timedelta(minutes=6),
        in_reply_to="q1",
        intent="rollback",
        text=_ANSWERS[lang],
        recommendation="rollback",
        checklist=[
            ChecklistItem(
                key="procedure_ready",
                question="Is the rollback procedure ready?",
                answer="yes",
                source_ids=["m4"],
            )
        ],
        citations=["pm-2024-017"],
        source_ids=["m2", "m4"],
    )
    since = [m for m in messages if m.at > previous.at]
    return Case(state=state, update=update, previous=previous, answer=answer, since=since)


def good_update(case: Case) -> dict[str, object]:
    """A valid model draft for ``case.update``: same claims, new words."""
    lbl = label(case.update.phase, case.update.lang)
    return {
        "headline": f"{lbl} polished: {case.update.headline[len(lbl) :].strip()}",
        "claims": [
            {
                "section": c.section,
                "certainty": c.certainty,
                "text": "polished " + c.text,
                "source_ids": c.source_ids,
            }
            for c in case.update.claims
        ],
    }


def good_answer(
    case: Case, text: str = "Polished: roll back, after checking data."
) -> dict[str, str]:
    return {"recommendation": case.answer.recommendation or "none", "text": text}
