"""The adapter over the real IncidentService and SQLite store (Discord still faked):
a crash between deciding and posting loses nothing and posts nothing twice."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord_fakes import T0, Harness, history, interaction, member, message, text_channel, thread

from assistant.adapters.discord.backfill import backfill
from assistant.adapters.discord.cogs.incident import IncidentCog
from assistant.adapters.store_sqlite import SqliteStore
from assistant.core.engine import Engine
from assistant.core.events import Command
from assistant.core.model import IncidentConfig
from assistant.service import IncidentService


def _service(path: Path) -> IncidentService:
    return IncidentService(SqliteStore(path), Engine(), defaults=IncidentConfig(lang="en"))


def _harness(service: IncidentService) -> tuple[Harness, Any, Any]:
    h = Harness(service=service)  # type: ignore[arg-type]
    parent = h.add(text_channel(100, "incidents"))
    th = h.add(thread(600, "inc-checkout", parent=parent))
    parent.create_thread.return_value = th
    return h, parent, th


async def test_restart_delivers_what_was_decided_but_not_posted(tmp_path: Path) -> None:
    """Declare, then crash after the core decided a phase update but before it was posted;
    the restarted bot reads the missed chat and posts the update exactly once."""
    db = tmp_path / "state.sqlite3"
    first = _service(db)
    h, parent, th = _harness(first)
    alice = member(1, "alice")
    cog = IncidentCog(h.ctx)
    await cog.declare.callback(cog, interaction(parent, alice), "Checkout errors", "SEV2")
    assert th.send.await_count == 1 and first.pending_deliveries() == []

    # the commander changes the phase; the service commits, then the process dies
    await first.handle(
        Command(
            at=T0 + timedelta(minutes=3),
            incident_id="600",
            name="phase",
            user=h.service.state("600").commander,  # type: ignore[union-attr]
            args={"phase": "mitigating"},
            interaction_id="9001",
        )
    )
    assert len(first.pending_deliveries()) >= 1
    first.store.close()

    second = _service(db)
    h2, _, th2 = _harness(second)
    missed = message(700, member(2, "bob"), "rollback started", th2, at=T0 + timedelta(minutes=4))
    history(th2, [missed])
    report = await backfill(second, h2.channels, h2.deliverer)  # type: ignore[arg-type]

    titles = [c.kwargs["embed"].title for c in th2.send.await_args_list if "embed" in c.kwargs]
    assert len(titles) == 1 and titles[0].startswith("[Mitigating]")
    assert report.messages == 1
    assert second.pending_deliveries() == []
    state = second.state("600")
    assert state is not None and "700" in state.messages

    again = await backfill(second, h2.channels, h2.deliverer)  # type: ignore[arg-type]
    assert again.delivered == 0 and again.messages == 0
    second.store.close()


async def test_phase_command_through_the_real_service(tmp_path: Path) -> None:
    """/phase by the commander goes through the real service and posts a prefixed update."""
    from assistant.adapters.discord.cogs.phase import PhaseCog

    service = _service(tmp_path / "s.sqlite3")
    h, parent, th = _harness(service)
    alice = member(1, "alice")
    cog = IncidentCog(h.ctx)
    await cog.declare.callback(cog, interaction(parent, alice), "Checkout errors", None)
    phase = PhaseCog(h.ctx)
    it = interaction(th, alice, locale=discord.Locale.japanese, at=T0 + timedelta(minutes=1))
    await phase.phase.callback(phase, it, app_commands.Choice(name="x", value="monitoring"))
    assert th.send.await_args.kwargs["embed"].title.startswith("[Monitoring]")
    assert service.pending_deliveries() == []
    service.store.close()


async def test_restart_after_slash_commander_rebuilds_the_state(tmp_path: Path) -> None:
    """/commander passes a User in args; after a restart the state must rebuild from the log."""
    from assistant.adapters.discord.cogs.roster import RosterCog

    db = tmp_path / "s.sqlite3"
    first = _service(db)
    h, parent, th = _harness(first)
    alice, bob = member(1, "alice"), member(2, "bob")
    cog = IncidentCog(h.ctx)
    await cog.declare.callback(cog, interaction(parent, alice), "Checkout errors", None)
    roster = RosterCog(h.ctx)
    it = interaction(th, alice, at=T0 + timedelta(minutes=1))
    await roster.commander.callback(roster, it, bob)
    first.store.close()

    second = _service(db)
    try:
        state = second.state("600")
    finally:
        second.store.close()
    assert state is not None and state.commander is not None and state.commander.name == "bob"
