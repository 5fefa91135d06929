"""The query the advisor sends to the knowledge store: built from the kind of incident.

A store of hundreds of postmortems ranks what shares the query's words; the incident's own
title and symptom words pull in unrelated postmortems (same service, same language), so the
query names the kind of incident the checklist points at, in both languages.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

import pytest

from assistant.core.engine import Engine
from assistant.core.events import MessagePosted
from assistant.core.model import (
    ChatMessage,
    IncidentConfig,
    IncidentState,
    KnowledgeHit,
    User,
)

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
BOT = User(id="bot", name="incident-assistant", is_bot=True)
ALICE = User(id="u1", name="alice")


class RecordingKnowledge:
    """A KnowledgePort that finds nothing and remembers the postmortem queries."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def search(
        self,
        query: str,
        *,
        kind: Literal["postmortem", "guidance"] | None = None,
        k: int = 5,
    ) -> list[KnowledgeHit]:
        if kind == "postmortem":
            self.queries.append(query)
        return []


def query_for(lines: list[str], question: str, title: str = "inc-orders-timeouts") -> str:
    state = IncidentState(
        id="inc-1", title=title, config=IncidentConfig(bot_name="incident-assistant")
    )
    kb = RecordingKnowledge()
    engine = Engine(knowledge=kb)
    for i, text in enumerate([*lines, f"@incident-assistant {question}"]):
        at = T0 + timedelta(minutes=i)
        mentions = [BOT] if i == len(lines) else []
        msg = ChatMessage(id=f"m{i}", author=ALICE, at=at, content=text, mentions=mentions)
        list(engine.handle(state, MessagePosted(at=at, incident_id=state.id, message=msg)))
    assert len(kb.queries) == 1
    return kb.queries[0]


@pytest.mark.parametrize(
    ("lines", "question", "wanted", "unwanted"),
    [
        (
            ["Shipped billing v5 at 10:00, it drops the legacy_amount column.", "500s since."],
            "should we roll back?",
            ("schema", "マイグレーション"),
            ("IAM", "redeploy"),
        ),
        (
            ["10:00 に billing v5 をリリース。今回マイグレーションあり、旧カラムを削除しています"],
            "ロールバックすべき？",
            ("migration", "スキーマ変更"),
            ("IAM", "再デプロイ"),
        ),
        (
            ["No deploys this week.", "Dashboards look normal, no idea what is wrong."],
            "rollback or redeploy?",
            ("redeploy", "再デプロイ"),
            ("schema",),
        ),
        (
            ["今週は変更なし", "ログにも異常なし、原因不明です"],
            "ロールバックする？",
            ("redeploy", "再デプロイ"),
            ("schema",),
        ),
        (
            ["Released 4.2 at 9:00, the new widget is behind the widget_v2 flag"],
            "should we roll back?",
            ("feature flag", "フィーチャーフラグ"),
            ("redeploy",),
        ),
        (
            ["we lowered the cache TTL at 10:40", "reverting it means restarting every node"],
            "should we roll back the TTL change?",
            ("made worse", "悪化"),
            ("redeploy",),
        ),
        (
            ["09:00 にデプロイしました", "原因はまだ不明"],
            "切り戻す？",
            ("切り戻し",),
            ("再デプロイ", "redeploy"),  # a release happened: not the no-change kind
        ),
    ],
)
def test_query_names_the_kind_of_incident(
    lines: list[str], question: str, wanted: tuple[str, ...], unwanted: tuple[str, ...]
) -> None:
    """Migration -> schema-change words; no change + nothing found -> redeploy; flag -> flag."""
    query = query_for(lines, question)
    for word in wanted:
        assert word in query
    for word in unwanted:
        assert word not in query
    assert "inc-orders-timeouts" not in query  # the title is not a topic


def test_without_any_signal_the_query_uses_the_title_and_symptoms() -> None:
    """Nothing on the checklist: the incident's own words are all there is to search with."""
    query = query_for(["checkout is throwing 502s for EU users"], "should we roll back?")
    assert "inc-orders-timeouts" in query
    assert "502s" in query
