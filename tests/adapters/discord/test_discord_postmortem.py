"""/incident postmortem over the real service and store (Discord faked): the commander
gets the draft as a Markdown file with a short brief; anyone else a private refusal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import discord
import yaml
from discord import app_commands
from discord_fakes import (
    T0,
    Harness,
    all_send_calls,
    assert_safe_mentions,
    interaction,
    member,
    text_channel,
    thread,
)

from assistant.adapters.discord.cogs.incident import IncidentCog
from assistant.adapters.store_sqlite import SqliteStore
from assistant.core.engine import Engine
from assistant.core.events import Command, MessagePosted
from assistant.core.model import ChatMessage, IncidentConfig, User
from assistant.service import IncidentService

ALICE = member(1, "alice")
EVE = member(3, "eve")


async def _incident(tmp_path: Path) -> tuple[Harness, Any, IncidentCog]:
    service = IncidentService(
        SqliteStore(tmp_path / "s.sqlite3"), Engine(), defaults=IncidentConfig(lang="en")
    )
    h = Harness(service=service)  # type: ignore[arg-type]
    parent = h.add(text_channel(100, "incidents"))
    th = h.add(thread(600, "inc-1128-0900 checkout-api errors", parent=parent))
    parent.create_thread.return_value = th
    cog = IncidentCog(h.ctx)
    await cog.declare.callback(cog, interaction(parent, ALICE), "checkout-api errors", "SEV2")
    bob = User(id="2", name="bob")
    for i, text in enumerate(
        ["checkout 5xx alert is firing, error rate 12% since 08:55", "rollback to v4.1 started"]
    ):
        at = T0 + timedelta(minutes=2 + 3 * i)
        msg = ChatMessage(id=str(7000 + i), author=bob, at=at, content=text)
        await service.handle(MessagePosted(at=at, incident_id="600", message=msg))
    await service.handle(
        Command(
            at=T0 + timedelta(minutes=20),
            incident_id="600",
            name="resolve",
            user=User(id="1", name="alice"),
            interaction_id="9100",
        )
    )
    return h, th, cog


async def test_the_commander_gets_the_draft_as_a_file(tmp_path: Path) -> None:
    """Deferred, then one public follow-up: the brief, and the Markdown file whose front
    matter is the knowledge base's; the chosen language and services are used."""
    _, th, cog = await _incident(tmp_path)
    it = interaction(th, ALICE, at=T0 + timedelta(minutes=30))
    choice = app_commands.Choice(name="Japanese", value="ja")
    await cog.postmortem.callback(cog, it, choice, "checkout-api, payments")
    it.response.defer.assert_awaited_once_with(thinking=True)
    call = it.followup.send.await_args
    file = call.kwargs["file"]
    assert isinstance(file, discord.File)
    assert file.filename.startswith("postmortem-") and file.filename.endswith(".md")
    text = file.fp.read().decode("utf-8")
    front = yaml.safe_load(text.split("---\n", 2)[1])
    assert front["services"] == ["checkout-api", "payments"] and front["severity"] == "SEV2"
    assert front["rollback"] == {"attempted": True, "outcome": "helped"} and front["lang"] == "ja"
    assert "## 各フェーズまでの時間" in text and "## 対応項目の候補" in text
    brief = call.args[0]
    assert brief.startswith("📝 振り返りの下書き: checkout-api errors")
    assert "kb ingest" in brief
    assert_safe_mentions(all_send_calls(it.followup))


async def test_anyone_else_is_refused_privately(tmp_path: Path) -> None:
    """A participant who is not the commander gets a private refusal and no file."""
    _, th, cog = await _incident(tmp_path)
    it = interaction(th, EVE)
    await cog.postmortem.callback(cog, it, None, None)
    it.response.defer.assert_not_awaited()
    it.followup.send.assert_not_awaited()
    call = it.response.send_message.await_args
    assert call.kwargs["ephemeral"] is True and "commander" in call.args[0]


async def test_outside_an_incident_it_says_so(tmp_path: Path) -> None:
    """In a channel that is not an incident, the command explains where to run it."""
    h, _, cog = await _incident(tmp_path)
    it = interaction(h.add(text_channel(777, "general")), ALICE)
    await cog.postmortem.callback(cog, it, None, None)
    assert "not an incident channel" in it.response.send_message.await_args.args[0]
