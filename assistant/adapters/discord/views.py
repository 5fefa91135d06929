"""Buttons and the edit modal. Each view *returns a value*: the caller awaits ``wait()``
and reads the result, so no incident logic lives in a button callback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import discord

from assistant.adapters.discord.phrases import say
from assistant.adapters.discord.render import ALLOWED_MENTIONS, Outgoing
from assistant.core.model import Lang

PROPOSAL_TIMEOUT = 6 * 3600.0  # a proposal left alone this long stops taking clicks
DRAFT_TIMEOUT = 14 * 60.0  # interaction tokens live 15 minutes: the draft must end before

Interaction = discord.Interaction[Any]


@dataclass(frozen=True)
class ProposalClick:
    """Who pressed which button on a phase proposal."""

    accept: bool
    interaction: Interaction


class ProposalView(discord.ui.View):
    """Confirm / Dismiss under an inferred phase change. Stops at the first click."""

    def __init__(self, lang: Lang, *, timeout: float | None = PROPOSAL_TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.click: ProposalClick | None = None
        self.confirm.label = say(lang, "dc_btn_confirm")
        self.dismiss.label = say(lang, "dc_btn_dismiss")

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.success)
    async def confirm(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        await self._choose(interaction, accept=True)

    @discord.ui.button(label="Dismiss", style=discord.ButtonStyle.secondary)
    async def dismiss(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        await self._choose(interaction, accept=False)

    async def _choose(self, interaction: Interaction, *, accept: bool) -> None:
        self.click = ProposalClick(accept=accept, interaction=interaction)
        await interaction.response.defer()  # answer within 3 s; the result follows
        self.stop()


DraftChoice = Literal["post", "discard", "timeout"]


@dataclass(frozen=True)
class DraftDecision:
    choice: DraftChoice
    text: str


class DraftView(discord.ui.View):
    """Post / Edit / Discard under a private /update draft.

    ``preview`` turns the (possibly edited) text into what the draft message shows.
    """

    def __init__(
        self,
        text: str,
        lang: Lang,
        preview: Callable[[str], Outgoing],
        *,
        timeout: float | None = DRAFT_TIMEOUT,
    ) -> None:
        super().__init__(timeout=timeout)
        self.text = text
        self.lang = lang
        self.preview = preview
        self.choice: DraftChoice = "timeout"
        self.post.label = say(lang, "dc_btn_post")
        self.edit.label = say(lang, "dc_btn_edit")
        self.discard.label = say(lang, "dc_btn_discard")

    def decision(self) -> DraftDecision:
        return DraftDecision(choice=self.choice, text=self.text)

    @discord.ui.button(label="Post", style=discord.ButtonStyle.primary)
    async def post(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        await self._finish(interaction, "post", "dc_draft_posted")

    @discord.ui.button(label="Edit", style=discord.ButtonStyle.secondary)
    async def edit(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_modal(DraftModal(self))

    @discord.ui.button(label="Discard", style=discord.ButtonStyle.danger)
    async def discard(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        await self._finish(interaction, "discard", "dc_draft_discarded")

    async def _finish(self, interaction: Interaction, choice: DraftChoice, key: str) -> None:
        self.choice = choice
        await interaction.response.edit_message(
            content=say(self.lang, key), embed=None, view=None, allowed_mentions=ALLOWED_MENTIONS
        )
        self.stop()

    async def show_edit(self, interaction: Interaction, text: str) -> None:
        """The modal was submitted: keep the new text and refresh the preview."""
        self.text = text
        shown = self.preview(text)
        await interaction.response.edit_message(
            content=say(self.lang, "dc_draft_header") + "\n\n" + shown.content,
            embed=shown.embed,
            view=self,
            allowed_mentions=ALLOWED_MENTIONS,
        )


class DraftModal(discord.ui.Modal):
    """A text box holding the draft; submitting hands the text back to the view."""

    def __init__(self, view: DraftView) -> None:
        super().__init__(title=say(view.lang, "dc_modal_title"))
        self.draft_view = view
        self.body: discord.ui.TextInput[DraftModal] = discord.ui.TextInput(
            label=say(view.lang, "dc_modal_label"),
            style=discord.TextStyle.paragraph,
            default=view.text[:4000],
            max_length=4000,
        )
        self.add_item(self.body)

    async def on_submit(self, interaction: Interaction) -> None:
        await self.draft_view.show_edit(interaction, self.body.value)
