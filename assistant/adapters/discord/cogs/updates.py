"""/update: the commander drafts an update, reviews it privately, then posts, edits or drops it.

The core composes the draft (``PostUpdate`` with ``draft_for``); the draft view returns the
commander's decision; a posted draft goes back through the service (``post_draft``) so it is
recorded and delivered like any other update.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from assistant.adapters.discord.context import BotContext
from assistant.adapters.discord.interact import run_command
from assistant.adapters.discord.phrases import say
from assistant.adapters.discord.port import DraftPoster
from assistant.adapters.discord.render import ALLOWED_MENTIONS, Outgoing, render_update
from assistant.adapters.discord.translator import L
from assistant.adapters.discord.views import DraftDecision, DraftView
from assistant.core.model import StatusUpdate
from assistant.core.phases import label

if TYPE_CHECKING:
    from assistant.adapters.discord.bot import IncidentBot

Interaction = discord.Interaction[Any]
log = logging.getLogger(__name__)

AUDIENCE_CHOICES = [
    app_commands.Choice(name=L("choice.responders"), value="responders"),
    app_commands.Choice(name=L("choice.stakeholders"), value="stakeholders"),
]


def apply_edit(update: StatusUpdate, text: str, prefix: str) -> StatusUpdate:
    """The draft with the commander's text; the headline keeps the phase prefix."""
    text = text.strip()
    if text == update.text.strip():
        return update
    first, _, rest = text.partition("\n")
    headline = first.strip()
    if not headline.startswith(prefix):
        headline = f"{prefix} {headline}".strip()
    body = rest.strip()
    return update.model_copy(
        update={"headline": headline, "text": f"{headline}\n{body}" if body else headline}
    )


class UpdatesCog(commands.Cog):
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    @app_commands.command(name="update", description=L("update"))
    @app_commands.guild_only()
    @app_commands.describe(audience=L("param.audience"))
    @app_commands.choices(audience=AUDIENCE_CHOICES)
    async def update(
        self, interaction: Interaction, audience: app_commands.Choice[str] | None = None
    ) -> None:
        args = {"audience": audience.value} if audience is not None else {}
        report = await run_command(self.ctx, interaction, "update", args, ephemeral=True)
        if report is None:
            return
        for delivery, action in report.drafts:
            draft = action.update
            state = self.ctx.service.state(delivery.incident_id)
            overrides = state.config.phase_labels if state is not None else None
            prefix = label(draft.phase, draft.lang, overrides)

            def preview(text: str, draft: StatusUpdate = draft, prefix: str = prefix) -> Outgoing:
                return render_update(apply_edit(draft, text, prefix), draft=True)

            view = DraftView(draft.text, draft.lang, preview)
            shown = preview(draft.text)
            kwargs = shown.send_kwargs()
            kwargs["content"] = say(draft.lang, "dc_draft_header") + "\n\n" + shown.content
            message = await interaction.followup.send(
                **kwargs, view=view, ephemeral=True, wait=True
            )
            self.ctx.deliverer.finish(delivery.seq, str(message.id))
            await view.wait()
            await self.finish(delivery.incident_id, draft, prefix, view.decision(), message)

    async def finish(
        self,
        incident_id: str,
        draft: StatusUpdate,
        prefix: str,
        decision: DraftDecision,
        message: discord.WebhookMessage,
    ) -> None:
        if decision.choice == "post":
            posted = apply_edit(draft, decision.text, prefix)
            service = self.ctx.service
            if isinstance(service, DraftPoster):
                await self.ctx.deliverer.deliver(await service.post_draft(incident_id, posted))
            else:
                log.warning(
                    "incident %s: service cannot record drafts; posting unrecorded", incident_id
                )
                await self.ctx.deliverer.post_unrecorded(incident_id, posted)
            self.ctx.wake_scheduler()
        elif decision.choice == "timeout":
            await message.edit(
                content=say(draft.lang, "dc_draft_expired"),
                embed=None,
                view=None,
                allowed_mentions=ALLOWED_MENTIONS,
            )


async def setup(bot: IncidentBot) -> None:
    await bot.add_cog(UpdatesCog(bot.context))
