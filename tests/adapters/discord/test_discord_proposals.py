"""Phase proposals: persistent buttons turn a click into Command(confirm_phase).

The buttons carry the incident and the proposal in their custom id, so a click is handled
by a bot that never saw the proposal being sent (a restart). Refusals are private and keep
the buttons; a proposal that is no longer current loses them.
"""

from __future__ import annotations

import asyncio
import re
from types import SimpleNamespace
from typing import Any

import discord
from discord_fakes import (
    ROLE_ID,
    T0,
    Harness,
    assert_safe_mentions,
    interaction,
    member,
    posted,
    text_channel,
)

from assistant.adapters.discord.views import PROPOSAL_TEMPLATE, ProposalButton
from assistant.core.actions import Notice, PostUpdate, ProposePhase
from assistant.core.events import Command
from assistant.core.model import Phase, PhaseProposal, StatusUpdate, User


def _proposal() -> ProposePhase:
    p = PhaseProposal(
        id="p1", at=T0, phase=Phase.MONITORING, reason="errors back to normal", source_ids=["9"]
    )
    return ProposePhase(
        at=T0, incident_id="100", proposal=p, text="[Monitoring] ? errors back to normal"
    )


async def _send_proposal(h: Harness) -> tuple[Any, Any, list[ProposalButton]]:
    """Deliver the proposal; returns the channel, the sent message and its buttons."""
    h.service.add_incident("100")
    ch = h.add(text_channel(100, "inc-a"))
    sent = posted(321)
    sent.content = "[Monitoring] ? errors back to normal"
    ch.send.side_effect = None
    ch.send.return_value = sent
    await h.deliverer.deliver(h.service.store("100", [_proposal()]))
    view = ch.send.await_args.kwargs["view"]
    assert isinstance(view, discord.ui.View)
    buttons = [b for b in view.children if isinstance(b, ProposalButton)]
    return ch, sent, buttons


async def _click(h: Harness, custom_id: str, ch: Any, who: Any, message: Any) -> Any:
    """A click as discord.py dispatches it to a bot that only knows the button class."""
    it = interaction(ch, who)
    it.message = message
    it.client = SimpleNamespace(proposals=h.proposals)
    match = re.fullmatch(PROPOSAL_TEMPLATE, custom_id)
    assert match is not None, custom_id
    item = discord.ui.Button(custom_id=custom_id)
    button = await ProposalButton.from_custom_id(it, item, match)
    await button.callback(it)
    for _ in range(20):
        await asyncio.sleep(0)
    return it


def _private(kind: Any, text: str, to: User) -> Notice:
    """What the core answers the clicker alone."""
    return Notice(at=T0, incident_id="100", kind=kind, ephemeral=True, text=text, to=to)


def _update() -> PostUpdate:
    up = StatusUpdate(
        at=T0,
        phase=Phase.MONITORING,
        lang="en",
        audience="responders",
        kind="phase_change",
        headline="[Monitoring] ok",
        text="[Monitoring] ok",
    )
    return PostUpdate(at=T0, incident_id="100", update=up)


async def test_the_buttons_are_persistent_and_name_the_proposal() -> None:
    """No timeout, one custom id per choice with incident and proposal, localised labels."""
    _, _, buttons = await _send_proposal(Harness())
    assert [b.custom_id for b in buttons] == ["ia:phase:ok:100:p1", "ia:phase:no:100:p1"]
    assert [b.item.label for b in buttons] == ["Confirm", "Dismiss"]
    view = buttons[0].view
    assert view is not None and view.timeout is None and view.is_persistent()


async def test_a_click_after_a_restart_confirms_the_proposal() -> None:
    """A second harness that never sent the proposal handles the click from its id alone."""
    ch, sent, buttons = await _send_proposal(Harness())
    fresh = Harness()
    fresh.service.add_incident("100")
    fresh.add(ch)
    fresh.service.then(_update())
    boss = member(1, "alice", roles=[ROLE_ID])
    click = await _click(fresh, buttons[0].custom_id, ch, boss, sent)

    (cmd,) = fresh.service.events
    assert isinstance(cmd, Command) and cmd.name == "confirm_phase"
    assert cmd.args == {"proposal_id": "p1", "accept": True} and cmd.privileged
    click.response.defer.assert_awaited_once()
    final = sent.edit.await_args.kwargs
    assert final["view"] is None and "Confirmed by alice" in final["content"]
    assert_safe_mentions(sent.edit.await_args_list)


async def test_dismiss_says_who_dismissed() -> None:
    h = Harness()
    ch, sent, buttons = await _send_proposal(h)
    await _click(h, buttons[1].custom_id, ch, member(1, "alice", roles=[ROLE_ID]), sent)
    (cmd,) = h.service.events
    assert isinstance(cmd, Command) and cmd.args == {"proposal_id": "p1", "accept": False}
    assert "Dismissed by alice" in sent.edit.await_args.kwargs["content"]


async def test_a_refused_click_is_private_and_the_buttons_stay() -> None:
    """A non-commander's click is refused ephemerally; the message is left as it was."""
    h = Harness()
    ch, sent, buttons = await _send_proposal(h)
    h.service.then(_private("refusal", "no", User(id="5", name="eve")))
    click = await _click(h, buttons[1].custom_id, ch, member(5, "eve"), sent)
    assert click.followup.send.await_args.kwargs["ephemeral"] is True
    sent.edit.assert_not_awaited()
    assert ch.send.await_count == 1


async def test_a_proposal_no_longer_current_loses_its_buttons() -> None:
    """The core says the proposal is stale: the clicker is told, the buttons go."""
    h = Harness()
    ch, sent, buttons = await _send_proposal(h)
    stale = "This proposal is no longer current (the phase is now [Mitigating])."
    h.service.then(_private("stale", stale, User(id="1", name="alice")))
    click = await _click(h, buttons[0].custom_id, ch, member(1, "alice", roles=[ROLE_ID]), sent)
    assert click.followup.send.await_args.kwargs["ephemeral"] is True
    final = sent.edit.await_args.kwargs
    assert final["view"] is None and "no longer current" in final["content"]
    assert "Confirmed" not in final["content"]
