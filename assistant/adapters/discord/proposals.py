"""Clicks on a phase proposal's buttons become ``Command(name="confirm_phase")``.

The buttons are persistent (``views.ProposalButton``): their custom id names the incident
and the proposal, so this handler keeps no state and a click after a restart works. The
core decides whether the clicker may confirm and whether the proposal is still current. On
a refusal (shown privately to the clicker) the buttons stay for the commander; otherwise
they are removed and the message says who decided, or that the proposal is no longer
current.
"""

from __future__ import annotations

import logging

import discord

from assistant.adapters.discord import convert
from assistant.adapters.discord.deliver import Deliverer
from assistant.adapters.discord.phrases import say
from assistant.adapters.discord.port import ServicePort
from assistant.adapters.discord.render import ALLOWED_MENTIONS, CONTENT_LIMIT, clip
from assistant.adapters.discord.views import Interaction

log = logging.getLogger(__name__)


class ProposalHandler:
    def __init__(self, service: ServicePort, deliverer: Deliverer, *, role_id: int | None) -> None:
        self.service = service
        self.deliverer = deliverer
        self.role_id = role_id

    async def on_click(
        self, interaction: Interaction, incident_id: str, proposal_id: str, *, accept: bool
    ) -> None:
        try:
            await self._click(interaction, incident_id, proposal_id, accept=accept)
        except discord.HTTPException:
            log.exception(
                "proposal %s in incident %s: Discord call failed", proposal_id, incident_id
            )

    async def _click(
        self, interaction: Interaction, incident_id: str, proposal_id: str, *, accept: bool
    ) -> None:
        await interaction.response.defer()  # answer within 3 s; the result follows
        event = convert.command(
            interaction,
            "confirm_phase",
            incident_id,
            role_id=self.role_id,
            args={"proposal_id": proposal_id, "accept": accept},
        )
        deliveries = await self.service.handle(event)
        report = await self.deliverer.deliver(deliveries, interaction=interaction)
        message = interaction.message
        if report.refused or message is None:
            return  # the clicker was told privately; the buttons stay for the commander
        lang = self.deliverer.lang(incident_id)
        if report.stale:
            line = say(lang, "dc_proposal_stale")
        else:
            key = "dc_proposal_accepted" if accept else "dc_proposal_dismissed"
            line = say(lang, key, user=interaction.user.display_name)
        await message.edit(
            content=clip(f"{message.content}\n{line}", CONTENT_LIMIT),
            view=None,
            allowed_mentions=ALLOWED_MENTIONS,
        )
