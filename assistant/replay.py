"""Replay a DiscordChatExporter export through the live bot's service, on simulated time.

Scheduled summaries, reminders and roster flags fire at the moments they would have fired
live: before each exported event, every tick that falls due up to its timestamp is fed in.
The output is the incident's whole outbox, so a replay killed midway and run again with the
same ``--state`` prints exactly what an uninterrupted run prints, and handles nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

from assistant.adapters.export_dce import ChannelExport
from assistant.core.actions import Action
from assistant.core.model import Audience, IncidentConfig, LangSetting
from assistant.service import Delivery, IncidentService
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


Emit = Callable[[Action], None]
# Events per store transaction. Replay prints a batch once it is committed; the live bot
# commits every event on its own.
BATCH = 64


def make_emitter(opts: ReplayOptions, out: TextIO) -> Emit:
    def emit(action: Action) -> None:
        if opts.fmt == "jsonl":
            for line in jsonl_lines(action):
                out.write(line + "\n")
        else:
            out.write(text_block(action, colour=opts.colour) + "\n\n")
        out.flush()

    return emit


async def replay(
    service: IncidentService, export: ChannelExport, opts: ReplayOptions, out: TextIO
) -> int:
    """Run the export through ``service``; write the timeline to ``out``. Returns exit code."""
    emit = make_emitter(opts, out)
    incident_id = export.incident_id
    config = incident_config(service.defaults, opts, export)
    service.ensure_incident(
        incident_id,
        channel_id=export.channel_id,
        guild_id=export.guild_id,
        title=export.topic or export.channel_name,
        config=config,
    )

    def show(deliveries: list[Delivery]) -> None:
        for d in deliveries:
            emit(d.action)
        service.mark_all_delivered([d.seq for d in deliveries if not d.delivered])

    # What a previous, interrupted run already produced comes first, in its original order.
    show(service.deliveries(incident_id))
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
