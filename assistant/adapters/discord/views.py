"""Buttons and the edit modal; no incident logic lives in a button callback.

The draft view *returns a value*: the caller awaits ``wait()`` and reads the result. The
proposal buttons are persistent (``DynamicItem``): a click hands its ids to the client's
proposal handler, which turns it into a core command.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import discord

from assistant.adapters.discord.phrases import say
from assistant.adapters.discord.render import ALLOWED_MENTIONS, Outgoing
from assistant.core.model import Lang

log = logging.getLogger(__name__)

DRAFT_TIMEOUT = 14 * 60.0  # interaction tokens live 15 minutes: the draft must end before

Interaction = discord.Interaction[Any]

# ia:phase:<ok|no>:<incident id>:<proposal id>; Discord allows 100 characters
PROPOSAL_TEMPLATE = r"ia:phase:(?P<choice>ok|no):(?P<incident>[^:]{1,40}):(?P<proposal>[^:]{1,40})"


class ProposalClicks(Protocol):
    """Who handles a click on a proposal button (``ProposalHandler``, via the client)."""

    async def on_click(
        self, interaction: Interaction, incident_id: str, proposal_id: str, *, accept: bool
    ) -> None: ...


class ProposalButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PROPOSAL_TEMPLATE):
    """Confirm or Dismiss under an inferred phase change.

    The custom id carries the incident and the proposal, so the button needs no memory in
    the bot: a click after a restart (or days later) is handled like any other, and the core
    says whether the proposal is still current. The client must have a ``proposals``
    attribute (``ProposalClicks``); ``IncidentBot`` does.
    """

    def __init__(
        self, incident_id: str, proposal_id: str, *, accept: bool, label: str = ""
    ) -> None:
        choice = "ok" if accept else "no"
        super().__init__(
            discord.ui.Button(
                label=label or choice,
                style=discord.ButtonStyle.success if accept else discord.ButtonStyle.secondary,
                custom_id=f"ia:phase:{choice}:{incident_id}:{proposal_id}",
            )
        )
        self.incident_id = incident_id
        self.proposal_id = proposal_id
        self.accept = accept

    @classmethod
    async def from_custom_id(
        cls, interaction: Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ProposalButton:
        return cls(match["incident"], match["proposal"], accept=match["choice"] == "ok")

    async def interaction_check(self, interaction: Interaction, /) -> bool:
        """A standby bot leaves the click to the active one."""
        return bool(getattr(interaction.client, "acting", lambda: True)())

    async def callback(self, interaction: Interaction) -> None:
        clicks: ProposalClicks | None = getattr(interaction.client, "proposals", None)
        if clicks is None:
            log.error("proposal button clicked but the client handles no proposals")
            return
        await clicks.on_click(interaction, self.incident_id, self.proposal_id, accept=self.accept)


def proposal_view(lang: Lang, incident_id: str, proposal_id: str) -> discord.ui.View:
    """The two buttons under a proposal; no timeout (the core judges a late click)."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        ProposalButton(incident_id, proposal_id, accept=True, label=say(lang, "dc_btn_confirm"))
    )
    view.add_item(
        ProposalButton(incident_id, proposal_id, accept=False, label=say(lang, "dc_btn_dismiss"))
    )
    return view


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
