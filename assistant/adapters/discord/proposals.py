"""Follow a phase proposal's buttons: a click becomes ``Command(name="confirm_phase")``.

The core decides whether the clicker may confirm. On a refusal (shown privately to the
clicker) the buttons come back for the commander; otherwise they are removed and the message
says who decided.
"""

from __future__ import annotations

import asyncio
import logging

import discord

from assistant.adapters.discord import convert
from assistant.adapters.discord.deliver import Deliverer
from assistant.adapters.discord.phrases import say
from assistant.adapters.discord.port import ServicePort
from assistant.adapters.discord.render import ALLOWED_MENTIONS, CONTENT_LIMIT, clip
from assistant.adapters.discord.views import ProposalView

log = logging.getLogger(__name__)


class ProposalFollower:
    def __init__(self, service: ServicePort, deliverer: Deliverer, *, role_id: int | None) -> None:
        self.service = service
        self.deliverer = deliverer
        self.role_id = role_id
        self._tasks: set[asyncio.Task[None]] = set()

    def follow(
        self, message: discord.Message, view: ProposalView, incident_id: str, proposal_id: str
    ) -> None:
        """Start waiting for clicks in the background (the delivery loop must not block)."""
        task = asyncio.create_task(self.run(message, view, incident_id, proposal_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def run(
        self, message: discord.Message, view: ProposalView, incident_id: str, proposal_id: str
    ) -> None:
        try:
            await self._follow(message, view, incident_id, proposal_id)
        except discord.HTTPException:
            log.exception(
                "proposal %s in incident %s: Discord call failed", proposal_id, incident_id
            )

    async def _follow(
        self, message: discord.Message, view: ProposalView, incident_id: str, proposal_id: str
    ) -> None:
        lang = self.deliverer.lang(incident_id)
        while True:
            timed_out = await view.wait()
            click = view.click
            if timed_out or click is None:
                await message.edit(view=None, allowed_mentions=ALLOWED_MENTIONS)
                return
            event = convert.command(
                click.interaction,
                "confirm_phase",
                incident_id,
                role_id=self.role_id,
                args={"proposal_id": proposal_id, "accept": click.accept},
            )
            deliveries = await self.service.handle(event)
            report = await self.deliverer.deliver(deliveries, interaction=click.interaction)
            if report.refused:
                view = ProposalView(lang)
                await message.edit(view=view, allowed_mentions=ALLOWED_MENTIONS)
                continue
            key = "dc_proposal_accepted" if click.accept else "dc_proposal_dismissed"
            who = click.interaction.user.display_name
            await message.edit(
                content=clip(f"{message.content}\n{say(lang, key, user=who)}", CONTENT_LIMIT),
                view=None,
                allowed_mentions=ALLOWED_MENTIONS,
            )
            return
