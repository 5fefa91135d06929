"""``incident-assistant postmortem EXPORT.json``: replay the export quietly through the
service (or pick up the incident already in ``--state``), then write its postmortem draft.

The CLI parses arguments and calls ``run_postmortem``; this module holds no logic of the
draft itself (that is ``assistant.core.postmortem``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from assistant.adapters.export_dce import ChannelExport
from assistant.core.model import Lang
from assistant.core.postmortem_model import ACTION_KINDS
from assistant.replay import ReplayOptions, replay
from assistant.service import IncidentService, PostmortemDraft


class PostmortemError(Exception):
    """Nothing to draft, or the draft cannot be written where asked; one line."""


async def draft_from_export(
    service: IncidentService,
    export: ChannelExport,
    opts: ReplayOptions,
    *,
    lang: Lang | None = None,
    services: Sequence[str] = (),
) -> PostmortemDraft:
    """Replay ``export`` (what the state already holds is not handled twice) and draft."""
    if not export.events:
        raise PostmortemError(f"{opts.export}: the channel has no messages; nothing to draft")
    await replay(service, export, opts, io.StringIO())
    draft = await service.postmortem(export.incident_id, lang=lang, services=services)
    if draft is None:  # pragma: no cover - the replay has just created it
        raise PostmortemError(f"{opts.export}: no incident was recorded")
    return draft


def write_draft(draft: PostmortemDraft, output: Path | None, out: TextIO, err: TextIO) -> None:
    """The Markdown to ``output`` (or ``out``), and a one-line note of what was drafted."""
    if output is None:
        out.write(draft.markdown)
        out.flush()
    else:
        if not output.parent.is_dir():
            raise PostmortemError(f"{output}: its folder {output.parent} does not exist")
        try:
            output.write_text(draft.markdown, encoding="utf-8")
        except OSError as exc:
            raise PostmortemError(f"{output}: cannot write the draft: {exc.strerror}") from None
    pm = draft.postmortem
    kinds = sum(1 for kind in ACTION_KINDS if pm.candidates(kind))
    where = f" to {output}" if output is not None else ""
    err.write(
        f"postmortem draft ({pm.lang}, {pm.engine}){where}: phase {pm.phase.value}, "
        f"{len(pm.actions)} candidate actions in {kinds} of 5 kinds\n"
    )
