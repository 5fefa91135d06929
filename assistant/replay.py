"""Replay a DiscordChatExporter export through the live bot's service, on simulated time.

Scheduled summaries, reminders and roster flags fire at the moments they would have fired
live: before each exported event, every tick that falls due up to its timestamp is fed in.
The output is the incident's whole outbox, so a replay killed midway and run again with the
same ``--state`` prints exactly what an uninterrupted run prints, and handles nothing twice.

With a lease (``--lease``: several replays on one shared store, one active), a replay waits
until it holds the lease, then prints only what nobody printed yet, and each JSONL record
names its delivery (``delivery``): what Discord's nonce is to a live post, that id is to a
printed line, so a reader can drop a line printed twice around a kill. It stops with an
error when the lease is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

from assistant.adapters.export_dce import ChannelExport
from assistant.core.actions import Action
from assistant.core.model import Audience, IncidentConfig, LangSetting
from assistant.lease import LeaseKeeper
from assistant.service import Delivery, IncidentService
from assistant.store import LeaseLost
from assistant.timeline import jsonl_lines, text_block


@dataclass
class ReplayOptions:
    export: Path
    fmt: str = "text"  # text | jsonl
    lang: LangSetting = "auto"
    audience: Audience = "responders"
    cadence_minutes: float | None = None
    idle_minutes: float | None = None
    unassigned_minutes: float | None = None
    bot_name: str | None = None
    colour: bool = False
    delivery_ids: bool = False  # JSONL records carry their delivery's id
    knowledge_dirs: list[Path] = field(default_factory=list)
    # which phase proposals replay takes as confirmed: live, only a click confirms one; by
    # default replay confirms those the commander's own messages raised (the commander would
    # click), and shows everyone else's as proposals, as live would
    confirm_proposals: Literal["none", "commander", "all"] = "commander"


def incident_config(
    defaults: IncidentConfig, opts: ReplayOptions, export: ChannelExport
) -> IncidentConfig:
    """The replay's incident settings: server defaults, then the command-line overrides."""
    bot_name = opts.bot_name or (export.bot_candidates[0].name if export.bot_candidates else None)
    bot_id = next((u.id for u in export.users.values() if u.name == bot_name and bot_name), None)
    update: dict[str, object] = {
        "lang": opts.lang,
        "audience": opts.audience,
        "bot_name": bot_name,
        "bot_user_id": bot_id,
        "confirm_proposals": opts.confirm_proposals,
    }
    for name in ("cadence_minutes", "idle_minutes", "unassigned_minutes"):
        value = getattr(opts, name)
        if value is not None:
            update[name] = value
    return defaults.model_copy(update=update)


Emit = Callable[[Action, str | None], None]
# Events per store transaction. Replay prints a batch once it is committed; the live bot
# commits every event on its own.
BATCH = 64


def make_emitter(opts: ReplayOptions, out: TextIO) -> Emit:
    def emit(action: Action, delivery: str | None = None) -> None:
        if opts.fmt == "jsonl":
            for line in jsonl_lines(action, delivery=delivery if opts.delivery_ids else None):
                out.write(line + "\n")
        else:
            out.write(text_block(action, colour=opts.colour) + "\n\n")
        out.flush()

    return emit


def delivery_id(delivery: Delivery) -> str:
    """A delivery's identity, the same in every run of the same export on any store."""
    return f"{delivery.incident_id}:{delivery.event_seq}.{delivery.idx}"


async def replay(
    service: IncidentService,
    export: ChannelExport,
    opts: ReplayOptions,
    out: TextIO,
    *,
    keeper: LeaseKeeper | None = None,
) -> int:
    """Run the export through ``service``; write the timeline to ``out``. Returns exit code.

    With ``keeper``, wait for its lease first and print only what is not yet delivered.
    """
    emit = make_emitter(opts, out)
    incident_id = export.incident_id
    if keeper is not None:
        await keeper.wait_active()
        service.take_over()
    config = incident_config(service.defaults, opts, export)
    service.ensure_incident(
        incident_id,
        channel_id=export.channel_id,
        guild_id=export.guild_id,
        title=export.topic or export.channel_name,
        config=config,
    )

    def show(deliveries: list[Delivery]) -> None:
        if keeper is not None and not keeper.renew_if_due():
            raise LeaseLost(f"lease {keeper.name!r} is lost: another replay is active")
        for d in deliveries:
            emit(d.action, delivery_id(d))
        service.mark_all_delivered([d.seq for d in deliveries if not d.delivered])

    # What a previous, interrupted run already produced comes first, in its original order
    # (under a lease: what it had not printed yet).
    if keeper is None:
        show(service.deliveries(incident_id))
    else:
        show(service.pending_deliveries(incident_id))
    events = export.events
    for start in range(0, len(events), BATCH):
        produced: list[Delivery] = []
        with service.batch():  # shown only once committed: a kill loses nothing shown
            for event in events[start : start + BATCH]:
                produced += await service.run_due_ticks(incident_id, event.at)
                produced += await service.handle(event)
        show(produced)
    service.checkpoint()
    return 0
